// The realizer must implement every input the program declares on any stack, or the e2e would realize
// something other than what `pulumi up` creates. Checked on the mock monitor, so `npm test` fails the
// moment a component gains an input the realizer does not know.
import * as path from "node:path";
import { ROOT, StackConfig, inlineConfig, runProgram, stackFileConfig } from "../../program/harness";
import { checkInputs } from "./inputs";
import { HANDLERS } from "./realizer";

const e2e = (): StackConfig => {
  const file = stackFileConfig("e2e", path.join(ROOT, "tests/e2e/Pulumi.e2e.yaml"));
  const secret = { s3AccessKeyId: "E2EKEY", s3SecretAccessKey: "e2e-secret" };
  const extra = inlineConfig({}, secret);
  return {
    values: { ...file.values, ...extra.values },
    secretKeys: [...file.secretKeys, ...extra.secretKeys],
  };
};

const STACKS: [string, () => StackConfig][] = [
  ["e2e", e2e],
  ["local", () => stackFileConfig("local")],
  ["dev", () => stackFileConfig("dev")],
  ["prod", () => stackFileConfig("prod")],
];

describe.each(STACKS)(
  "the realizer implements every Docker, random and tls input of the %s stack",
  (stack, config) => {
    test("every resource of those providers passes the realizer's input check", async () => {
      const run = await runProgram(stack, config());
      const realizable = run.resources.filter((r) => HANDLERS[r.type] !== undefined);
      expect(realizable.length).toBeGreaterThan(10);
      for (const r of realizable)
        expect(() => checkInputs(r.type, r.name, r.inputs, HANDLERS[r.type].spec)).not.toThrow();
    });
  },
);

test("the e2e stack needs nothing but what the realizer implements (no AWS, no invokes)", async () => {
  const run = await runProgram("e2e", e2e());
  const custom = run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
  expect(custom.filter((r) => HANDLERS[r.type] === undefined).map((r) => r.type)).toEqual([]);
  expect(run.invokes).toEqual([]);
});
