import {
  Block,
  ConfigParseError,
  Directive,
  blockName,
  listItems,
  normalizeKeyword,
  parseBareosConfig,
} from "../../../configs/schema/parse";

/** Keyword -> value of a block's directives, for compact assertions. */
function values(block: Block): [string, string][] {
  return block.directives.map((d) => [d.keyword, d.value]);
}

function directive(block: Block, keyword: string): Directive {
  const d = block.directives.find((x) => normalizeKeyword(x.keyword) === normalizeKeyword(keyword));
  if (!d) throw new Error(`no ${keyword} in ${block.type}`);
  return d;
}

function parseError(text: string): { line: number; detail: string; message: string } {
  try {
    parseBareosConfig(text, "bareos-dir.d/job/x.conf");
  } catch (e) {
    if (e instanceof ConfigParseError) return { line: e.line, detail: e.detail, message: e.message };
    throw e;
  }
  throw new Error("expected a parse error");
}

describe("normalizeKeyword", () => {
  it("ignores case and blanks", () => {
    expect(normalizeKeyword("Media Type")).toBe("mediatype");
    expect(normalizeKeyword("MediaType")).toBe("mediatype");
    expect(normalizeKeyword(" media\ttype ")).toBe("mediatype");
  });

  it("keeps underscores, which Bareos does not fold", () => {
    expect(normalizeKeyword("Media_Type")).toBe("media_type");
  });
});

describe("parseBareosConfig", () => {
  it("parses resources, keywords with blanks and line numbers", () => {
    const parsed = parseBareosConfig(
      [
        "Pool {",
        "  Name = Full",
        "",
        "  Maximum Volume Bytes = 50G",
        "}",
        "Pool {",
        "  Name = Inc",
        "}",
      ].join("\n"),
      "pools.conf",
    );
    expect(parsed.file).toBe("pools.conf");
    expect(parsed.resources.map((r) => [r.type, r.line, blockName(r)])).toEqual([
      ["Pool", 1, "Full"],
      ["Pool", 6, "Inc"],
    ]);
    expect(values(parsed.resources[0])).toEqual([
      ["Name", "Full"],
      ["Maximum Volume Bytes", "50G"],
    ]);
    expect(parsed.resources[0].directives.map((d) => d.line)).toEqual([2, 4]);
  });

  it("drops comments but keeps # inside quoted strings", () => {
    const [res] = parseBareosConfig(
      [
        "# leading comment",
        "Director { # trailing comment",
        '  Password = "pa#ss"   # not part of the value',
        "  Name = dir#comment right after an unquoted word",
        "}",
      ].join("\n"),
    ).resources;
    expect(values(res)).toEqual([
      ["Password", "pa#ss"],
      ["Name", "dir"],
    ]);
    expect(res.line).toBe(2);
  });

  it('unescapes \\" and \\\\ in quoted strings', () => {
    const [res] = parseBareosConfig('Messages {\n  Mail Command = "a \\"b\\" c\\\\d"\n}').resources;
    const d = directive(res, "MailCommand");
    expect(d.value).toBe('a "b" c\\d');
    expect(d.quoted).toBe(true);
  });

  it("splits statements at ; and closes a block after the last value on the same line", () => {
    const [res] = parseBareosConfig("Pool { Name = Full; Pool Type = Backup;Recycle = yes }").resources;
    expect(values(res)).toEqual([
      ["Name", "Full"],
      ["Pool Type", "Backup"],
      ["Recycle", "yes"],
    ]);
  });

  it("parses nested blocks with and without =", () => {
    const [fs] = parseBareosConfig(
      [
        "FileSet {",
        '  Name = "LinuxAll"',
        "  Include {",
        "    Options { Signature = MD5; Compression = LZ4 }",
        "    File = /",
        '    File = "/var/lib/bareos"',
        "  }",
        "}",
      ].join("\n"),
    ).resources;
    expect(fs.blocks).toHaveLength(1);
    const include = fs.blocks[0];
    expect([include.type, include.equals, include.line]).toEqual(["Include", false, 3]);
    expect(values(include)).toEqual([
      ["File", "/"],
      ["File", "/var/lib/bareos"],
    ]);
    expect(values(include.blocks[0])).toEqual([
      ["Signature", "MD5"],
      ["Compression", "LZ4"],
    ]);

    const client = parseBareosConfig(
      "Client {\n  FD Addresses = {\n    ipv4 = { addr = 0.0.0.0; port = 9102 }\n  }\n}",
    ).resources[0];
    const addresses = client.blocks[0];
    expect([addresses.type, addresses.equals, addresses.line]).toEqual(["FD Addresses", true, 2]);
    expect([addresses.blocks[0].type, addresses.blocks[0].equals]).toEqual(["ipv4", true]);
    expect(values(addresses.blocks[0])).toEqual([
      ["addr", "0.0.0.0"],
      ["port", "9102"],
    ]);
  });

  it("keeps comma lists, = inside values and multi-word values as tokens", () => {
    const [res] = parseBareosConfig(
      [
        "Messages {",
        "  Mail = root@localhost = all, !skipped",
        '  Storage = File, "Tape 1"',
        "  Run = Full 1st sat at 21:10",
        "  Description = my pool",
        "}",
      ].join("\n"),
    ).resources;
    expect(directive(res, "Mail").tokens).toEqual([
      { kind: "string", text: "root@localhost", quoted: false },
      { kind: "equals" },
      { kind: "string", text: "all", quoted: false },
      { kind: "comma" },
      { kind: "string", text: "!skipped", quoted: false },
    ]);
    expect(listItems(directive(res, "Storage"))).toEqual(["File", "Tape 1"]);
    const run = directive(res, "Run");
    expect(run.value).toBe("Full 1st sat at 21:10");
    expect(run.tokens).toHaveLength(5);
    const description = directive(res, "Description");
    expect([description.value, description.quoted, description.tokens.length]).toEqual(["my pool", false, 2]);
  });

  it("joins adjacent quoted strings like Bareos (same line, or a next line starting with a quote)", () => {
    const [res] = parseBareosConfig(
      ["FileSet {", '  Plugin = "python3"', '           ":module_name=foo" "-bar"', "  Name = x", "}"].join(
        "\n",
      ),
    ).resources;
    expect(values(res)).toEqual([
      ["Plugin", "python3:module_name=foo-bar"],
      ["Name", "x"],
    ]);
    expect(directive(res, "Name").line).toBe(4);
  });

  it("copes with CRLF line ends and a byte order mark", () => {
    const [res] = parseBareosConfig(
      '\uFEFFPool {\r\n  Name = Full\r\n  Label Format = "Full-"\r\n}\r\n',
    ).resources;
    expect(values(res)).toEqual([
      ["Name", "Full"],
      ["Label Format", "Full-"],
    ]);
    expect(directive(res, "Label Format").line).toBe(3);
  });

  describe("errors carry file and line", () => {
    it("unterminated quoted string (line of the opening quote)", () => {
      const e = parseError('Job {\n  Name = x\n  Description = "never closed\n}\n');
      expect(e.line).toBe(3);
      expect(e.message).toBe("bareos-dir.d/job/x.conf:3: quoted string is not closed");
    });

    it("missing closing brace (line of the unclosed block)", () => {
      // The only "}" closes RunScript, so Job is the block left open.
      expect(parseError("\nJob {\n  Name = x\n  RunScript {\n    Command = y\n}\n")).toMatchObject({
        line: 2,
        detail: 'block "Job" is not closed (missing "}")',
      });
      expect(parseError("Job {\n  Name = x\n  RunScript {\n    Command = y\n")).toMatchObject({
        line: 3,
        detail: 'block "RunScript" is not closed (missing "}")',
      });
    });

    it("stray closing brace", () => {
      expect(parseError("Job {\n  Name = x\n}\n}\n")).toMatchObject({
        line: 4,
        detail: 'unexpected "}" outside of a resource',
      });
    });

    it("@include lines", () => {
      expect(parseError("Job {\n  Name = x\n}\n@/etc/bareos/other.conf\n")).toMatchObject({
        line: 4,
        detail: "@include is not supported",
      });
      expect(parseError("Job {\n  @|/bin/cat x\n}\n")).toMatchObject({ line: 2 });
    });

    it("directives outside of a resource and resources written with =", () => {
      expect(parseError("Name = x\n")).toMatchObject({
        line: 1,
        detail: 'directive "Name" outside of a resource',
      });
      expect(parseError("\nJob = {\n}\n")).toMatchObject({
        line: 2,
        detail: 'directive "Job" outside of a resource',
      });
      expect(parseError("Job\n\nName\n")).toMatchObject({
        line: 1,
        detail: 'expected "{" after resource type "Job"',
      });
    });

    it("missing values, missing = and unquoted braces in values", () => {
      expect(parseError("Job {\n  Name =\n}\n")).toMatchObject({
        line: 2,
        detail: 'missing value for "Name"',
      });
      expect(parseError("Job {\n  Name x\n}\n")).toMatchObject({
        line: 2,
        detail: 'expected "=" or "{" after "Name x"',
      });
      expect(parseError('Job {\n  "Name" = x\n}\n')).toMatchObject({
        line: 2,
        detail: 'expected a keyword, got "\\""',
      });
      expect(parseError("Job {\n  Name\n}\n")).toMatchObject({
        line: 2,
        detail: 'expected "=" or "{" after "Name"',
      });
      expect(parseError("Pool {\n  Label Format = Vol-${Year}\n}\n")).toMatchObject({
        line: 2,
        detail: 'unexpected "{" in the value of "Label Format" (quote the value)',
      });
    });
  });
});
