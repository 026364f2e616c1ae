// One reading of a stack file: what the current Pulumi CLI hands the program (yaml.v3 into any,
// re-marshalled as strings; pulumi/pulumi sdk/go/common/resource/config/object.go).
import { PROJECT, cliConfigOf, parseSettings, rawFromStackFiles } from "../../../configs/settings";
import { resolvePlain } from "../../../configs/settings/yamlv3";

const PROJECT_YAML = `name: ${PROJECT}\nruntime: nodejs\n`;
const cli = (stack: string) => cliConfigOf(PROJECT_YAML, stack, "dev", (k) => `<${k}>`);

describe("plain scalars as yaml.v3 resolves them", () => {
  it.each([
    ["True", true],
    ["yes", "yes"],
    ["on", "on"],
    ["0100", 64],
    ["0o100", 64],
    ["0x1F", 31],
    ["1_000", 1000],
    ["1.50", 1.5],
    ["~", null],
    ["", null],
    ["21:00", "21:00"],
  ])("%j -> %j", (text, value) => {
    expect(resolvePlain(text)).toEqual(value);
  });
});

describe("cliConfigOf", () => {
  it("hands top-level values over as strings, objects as sorted JSON", () => {
    const c = cli(
      [
        "config:",
        `  ${PROJECT}:protect: True`,
        `  ${PROJECT}:bareosVersion: "25"`,
        `  ${PROJECT}:s3: {versioning: yes, region: eu-west-1, forceDestroy: True}`,
        "  aws:region: eu-west-1",
      ].join("\n"),
    );
    expect(c.values).toEqual({
      "aws:region": "eu-west-1",
      [`${PROJECT}:bareosVersion`]: "25",
      [`${PROJECT}:protect`]: "true",
      [`${PROJECT}:s3`]: '{"forceDestroy":true,"region":"eu-west-1","versioning":"yes"}',
    });
  });

  it("resolves merge keys with explicit keys winning, and prefixes unnamespaced keys", () => {
    const c = cli(
      ["config:", "  base: &b {port: 1, bindAddress: 0.0.0.0}", "  webui: {<<: *b, port: 8081}"].join("\n"),
    );
    expect(c.values[`${PROJECT}:webui`]).toBe('{"bindAddress":"0.0.0.0","port":8081}');
  });

  it("reads nested secrets as the CLI does: plaintext in place, the top-level key secret", () => {
    const c = cli(["config:", `  ${PROJECT}:smtp:`, "    username:", "      secure: v1:abc"].join("\n"));
    // Go's json.Marshal escapes < and > (JSON.parse reads them back).
    expect(c.values[`${PROJECT}:smtp`]).toBe(`{"username":"\\u003c${PROJECT}:smtp\\u003e"}`);
    expect([...c.secretKeys]).toEqual([`${PROJECT}:smtp`]);
  });

  it("refuses what Pulumi refuses: duplicate keys, non-string keys, infinity", () => {
    expect(() => cli(`config:\n  ${PROJECT}:s3: {region: a, region: b}`)).toThrow(/defined twice/);
    expect(() => cli(`config:\n  ${PROJECT}:s3: {1: a}`)).toThrow(/not a string/);
    expect(() => cli(`config:\n  ${PROJECT}:s3: {x: .inf}`)).toThrow(/infinity/);
  });
});

describe("the same reading for render, validate and the program", () => {
  const settings = (stackYaml: string) =>
    parseSettings(
      rawFromStackFiles(PROJECT_YAML, stackYaml, "dev", () => "x"),
      {
        stack: "dev",
        projectDir: "/p",
      },
    );

  it("reads protect: True as the CLI does (true)", () => {
    expect(settings(`config:\n  ${PROJECT}:protect: True`).protect).toBe(true);
  });

  it("keeps yes a string inside objects, so a boolean setting refuses it", () => {
    expect(() => settings(`config:\n  ${PROJECT}:s3: {versioning: yes}`)).toThrow(
      /s3\.versioning: "yes" is not valid/,
    );
  });

  it("accepts a nested secret in smtp and keeps it secret", () => {
    const s = settings(
      [
        "config:",
        `  ${PROJECT}:smtp:`,
        "    smarthost: mail.example.com",
        "    username:",
        "      secure: v1:abc",
      ].join("\n") + `\n  ${PROJECT}:smtpPassword:\n    secure: v1:def`,
    );
    expect(s.secretObjects).toEqual(["smtp"]);
  });

  it("names keys of a namespace nothing reads", () => {
    expect(() => settings(`config:\n  bareos:pools: []`)).toThrow(/"bareos:pools": namespace "bareos"/);
  });
});
