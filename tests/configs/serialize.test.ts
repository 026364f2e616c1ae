import {
  BlockNode,
  GENERATED_HEADER,
  SerializeError,
  fileTree,
  formatValue,
  quote,
  serializeBlock,
  serializeResource,
} from "../../configs/serialize";
import { BareosResource, DirFileSet, resourcePath } from "../../configs/resources";
import { parseBareosConfig } from "../../configs/schema/parse";
import { GiB, MiB } from "../../configs/units";
import { value, values } from "./fixtures";

function parseOne(text: string) {
  const parsed = parseBareosConfig(text, "test.conf");
  expect(parsed.resources).toHaveLength(1);
  return parsed.resources[0];
}

describe("quoting by datatype", () => {
  it("escapes backslashes and double quotes in strings, and Bareos reads the original back", () => {
    const password = 'a"b\\c';
    expect(quote(password)).toBe('"a\\"b\\\\c"');
    const text = serializeResource({ kind: "sd/director", name: "bareos-dir", password });
    expect(text).toContain('Password = "a\\"b\\\\c"');
    expect(value(parseOne(text), "Password")).toBe(password);
  });

  it("always quotes strings, so a multi-word value is not cut at the first blank", () => {
    const text = serializeResource({
      kind: "sd/device",
      name: "S3Storage",
      mediaType: "S3_Object",
      archiveDevice: "S3 Object Storage",
      deviceType: "dplcompat",
    });
    expect(text).toContain('Archive Device = "S3 Object Storage"');
    expect(text).toContain('Media Type = "S3_Object"');
    expect(text).toContain('Device Type = "dplcompat"');
    const device = parseOne(text);
    expect(value(device, "Archive Device")).toBe("S3 Object Storage");
    expect(device.directives.find((d) => d.keyword === "Archive Device")?.quoted).toBe(true);
  });

  it("refuses newlines and other control characters instead of writing them", () => {
    expect(() => quote("two\nlines")).toThrow(SerializeError);
    expect(() => quote("cr\rhere")).toThrow(/control character/);
    expect(() => serializeResource({ kind: "fd/director", name: "bareos-dir", password: "x\ny" })).toThrow(
      /Password/,
    );
    expect(quote("tab\tok")).toBe('"tab\tok"');
  });

  it("writes names unquoted and throws on a name it cannot write plainly", () => {
    const text = serializeResource({ kind: "dir/schedule", name: "Weekly-Cycle.1:a_b", runs: [] });
    expect(text).toContain("Name = Weekly-Cycle.1:a_b\n");
    for (const bad of ["two words", 'quo"te', "", "semi;colon", "a#b", "x=y"]) {
      expect(() => formatValue("Name", { kind: "name", value: bad })).toThrow(SerializeError);
    }
  });

  it("writes durations, sizes, speeds, integers and booleans unquoted in Bareos units", () => {
    expect(formatValue("Volume Retention", { kind: "time", seconds: 365 * 86400 })).toBe("365 days");
    expect(formatValue("Maximum Volume Bytes", { kind: "size", bytes: 50 * GiB })).toBe("50 G");
    expect(formatValue("Maximum Bandwidth Per Job", { kind: "speed", bytesPerSecond: 10 * MiB })).toBe(
      "10 m/s",
    );
    expect(formatValue("Maximum Volumes", { kind: "integer", value: 100 })).toBe("100");
    expect(formatValue("Recycle", { kind: "boolean", value: true })).toBe("yes");
    expect(formatValue("Recycle", { kind: "boolean", value: false })).toBe("no");
    expect(formatValue("Pool Type", { kind: "keyword", value: "Backup" })).toBe("Backup");

    const pool = serializeResource({
      kind: "dir/pool",
      name: "Full",
      poolType: "Backup",
      volumeRetention: 365 * 86400,
      maximumVolumeBytes: 50 * GiB,
      maximumVolumes: 100,
      labelFormat: "Full-",
    });
    expect(pool).toContain("Volume Retention = 365 days\n");
    expect(pool).toContain("Maximum Volume Bytes = 50 G\n");
    expect(pool).toContain('Label Format = "Full-"\n');
  });

  it("refuses numbers Bareos would read differently", () => {
    for (const n of [-1, 1.5, Number.NaN, 2 ** 60]) {
      expect(() => formatValue("Priority", { kind: "integer", value: n })).toThrow(SerializeError);
      expect(() => formatValue("Volume Retention", { kind: "time", seconds: n })).toThrow(SerializeError);
    }
    expect(() => formatValue("Level", { kind: "keyword", value: "Full Backup" })).toThrow(SerializeError);
  });

  it("writes message destinations quoted and message types as a plain list", () => {
    expect(
      formatValue("Mail", {
        kind: "messages",
        destinations: ["a@example.com", "b@example.com"],
        types: ["all", "!skipped"],
      }),
    ).toBe('"a@example.com", "b@example.com" = all, !skipped');
    expect(formatValue("Console", { kind: "messages", destinations: [], types: ["all"] })).toBe("all");
    expect(() => formatValue("Mail", { kind: "messages", destinations: [], types: ["everything"] })).toThrow(
      /message type/,
    );
    expect(() => formatValue("Command ACL", { kind: "acl", entries: ["rm -rf"] })).toThrow(SerializeError);
    expect(() => formatValue("Run", { kind: "run", level: "Full", when: "mon # at 21:00" })).toThrow(
      SerializeError,
    );
  });
});

describe("layout", () => {
  const fileSet: DirFileSet = {
    kind: "dir/fileset",
    name: "Data",
    include: [
      {
        options: [
          { wildFile: ["*.tmp", "*.bak"], exclude: true },
          { signature: "XXH128", compression: "LZ4" },
        ],
        files: ["/data", "/srv"],
        plugins: ["python3:module_name=foo"],
      },
    ],
    exclude: [{ files: ["/data/cache"] }],
  };

  it("writes repeated directives as several lines and nests blocks by two spaces", () => {
    const text = serializeResource(fileSet);
    expect(text).toBe(
      [
        GENERATED_HEADER,
        "FileSet {",
        "  Name = Data",
        "  Include {",
        "    Options {",
        '      Wild File = "*.tmp"',
        '      Wild File = "*.bak"',
        "      Exclude = yes",
        "    }",
        "    Options {",
        "      Signature = XXH128",
        "      Compression = LZ4",
        "    }",
        '    File = "/data"',
        '    File = "/srv"',
        '    Plugin = "python3:module_name=foo"',
        "  }",
        "  Exclude {",
        '    File = "/data/cache"',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
    const parsed = parseOne(text);
    expect(values(parsed.blocks[0], "File")).toEqual(["/data", "/srv"]);
  });

  it("writes schedule runs as one Run line each, unquoted", () => {
    const text = serializeResource({
      kind: "dir/schedule",
      name: "WeeklyCycle",
      runs: [
        { level: "Full", when: "1st sat at 21:00" },
        { level: "Incremental", when: "mon-fri at 21:00" },
      ],
    });
    expect(text).toContain("  Run = Full 1st sat at 21:00\n  Run = Incremental mon-fri at 21:00\n");
  });

  it("is deterministic and ends with exactly one newline", () => {
    const a = serializeResource(fileSet);
    expect(serializeResource(structuredClone(fileSet))).toBe(a);
    expect(a.endsWith("}\n")).toBe(true);
    expect(a.endsWith("\n\n")).toBe(false);
  });

  it("skips undefined optional directives", () => {
    const text = serializeResource({ kind: "dir/client", name: "c1", address: "c1", password: "p" });
    expect(text).not.toMatch(/undefined|Retention|Port/);
  });

  it("refuses malformed keywords in hand-built blocks", () => {
    const bad: BlockNode = {
      type: "Pool",
      items: [{ keyword: "Name =", value: { kind: "name", value: "x" } }],
    };
    expect(() => serializeBlock(bad)).toThrow(SerializeError);
  });

  it("places each resource at <daemon>.d/<type>/<Name>.conf and bconsole at bconsole.conf", () => {
    const cases: [BareosResource, string][] = [
      [{ kind: "dir/jobdefs", name: "DefaultJob" }, "/etc/bareos/bareos-dir.d/jobdefs/DefaultJob.conf"],
      [{ kind: "dir/fileset", name: "Data", include: [] }, "/etc/bareos/bareos-dir.d/fileset/Data.conf"],
      [
        { kind: "sd/device", name: "S3", mediaType: "m", archiveDevice: "a" },
        "/etc/bareos/bareos-sd.d/device/S3.conf",
      ],
      [{ kind: "fd/client", name: "host1" }, "/etc/bareos/bareos-fd.d/client/host1.conf"],
      [
        { kind: "console/director", name: "bareos-dir", address: "localhost", password: "p" },
        "/etc/bareos/bconsole.conf",
      ],
    ];
    for (const [r, path] of cases) expect(resourcePath("/etc/bareos", r)).toBe(path);
  });

  it("refuses two files on one path and sorts the tree", () => {
    const f = { content: "x", mode: 0o640 };
    expect(
      Object.keys(
        fileTree([
          ["/b", f],
          ["/a", f],
        ]),
      ),
    ).toEqual(["/a", "/b"]);
    expect(() =>
      fileTree([
        ["/a", f],
        ["/a", f],
      ]),
    ).toThrow(/two files/);
  });
});
