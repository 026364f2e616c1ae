/**
 * A small parser for Bareos configuration files (`bareos-dir.d/job/x.conf`, `bconsole.conf`, ...).
 *
 * It follows the lexer Bareos itself uses (core/src/lib/lex.cc) closely enough to check what we render:
 * - resources are `Type { ... }`; inside them `Keyword = value`, `Keyword { ... }` (FileSet `Include`,
 *   `Options`, Job `RunScript`) or `Keyword = { ... }` (`Addresses` blocks);
 * - statements end at a newline, at `;` or at the `}` closing their block;
 * - keywords ignore case and blanks (`Media Type` = `MediaType` = `mediatype`), see normalizeKeyword();
 * - `#` starts a comment, except inside a quoted string;
 * - quoted strings know `\x` escapes (the next character is taken literally), may span lines (Bareos drops
 *   the newline) and adjacent quoted strings are joined (`"a" "b"`, or `"a"` followed by a line starting
 *   with `"b"`);
 * - unquoted words end at blanks and at `= , ; { } # "`; a value is the list of tokens up to the end of the
 *   statement, so `Mail = root = all, !skipped` and `Run = Full 1st sat at 21:10` keep all their parts.
 * `@include` / `@|command` are rejected: we never render them and cannot resolve them without a disk.
 */

/** One token of a directive's value. */
export type ValueToken =
  { kind: "string"; text: string; quoted: boolean } | { kind: "comma" } | { kind: "equals" };

export interface Directive {
  /** The keyword as written, blanks collapsed (`Media Type`). Compare with normalizeKeyword(). */
  keyword: string;
  /** The unescaped text of a single-token value; for several tokens the raw source text of the value. */
  value: string;
  /** Whether the first token was quoted. */
  quoted: boolean;
  /** All tokens of the value, in order. */
  tokens: ValueToken[];
  line: number;
}

export interface Block {
  /** Resource type (`Job`) or, for nested blocks, the keyword (`Include`, `Options`, `ip`). */
  type: string;
  /** True when written `Keyword = { ... }` (only nested blocks; a resource never has it). */
  equals: boolean;
  directives: Directive[];
  blocks: Block[];
  line: number;
}

export interface ParsedFile {
  file: string;
  resources: Block[];
}

export class ConfigParseError extends Error {
  readonly file: string;
  readonly line: number;
  /** The message without the `file:line: ` prefix. */
  readonly detail: string;

  constructor(file: string, line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = "ConfigParseError";
    this.file = file;
    this.line = line;
    this.detail = detail;
  }
}

/** Lower-case and drop blanks, the way Bareos' lexer folds identifiers before comparing them. */
export function normalizeKeyword(keyword: string): string {
  return keyword.replace(/\s+/g, "").toLowerCase();
}

/** The `Name` of a block, if it has one (first occurrence). */
export function blockName(block: Block): string | undefined {
  return block.directives.find((d) => normalizeKeyword(d.keyword) === "name")?.value;
}

/**
 * Splits a value at its commas: `Storage = File, "Tape 1"` gives `["File", "Tape 1"]`. The words of one item
 * are joined with a space; `=` tokens are kept as `=`.
 */
export function listItems(directive: Directive): string[] {
  const items: string[][] = [[]];
  for (const t of directive.tokens) {
    if (t.kind === "comma") items.push([]);
    else items[items.length - 1].push(t.kind === "equals" ? "=" : t.text);
  }
  return items.map((words) => words.join(" "));
}

/** Parses one configuration file; throws ConfigParseError (with file and line) on the first syntax error. */
export function parseBareosConfig(text: string, file = "<text>"): ParsedFile {
  const parser = new Parser(text.replace(/^\uFEFF/, ""), file);
  return { file, resources: parser.parseFile() };
}

const WORD_END = new Set([" ", "\t", "\r", "\n", "=", ",", ";", "{", "}", "#", '"']);
const KEYWORD_END = new Set(["\n", "=", ";", "{", "}", "#", '"', ","]);

class Parser {
  private pos = 0;
  private line = 1;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  parseFile(): Block[] {
    const resources: Block[] = [];
    for (;;) {
      this.skipBlank();
      if (this.eof()) return resources;
      const line = this.line;
      if (this.peek() === "}") this.fail(line, 'unexpected "}" outside of a resource');
      if (this.peek() === "@") this.fail(line, "@include is not supported");
      const type = this.readKeyword();
      this.skipBlank();
      if (this.peek() === "=") this.fail(line, `directive "${type}" outside of a resource`);
      if (this.peek() !== "{") this.fail(line, `expected "{" after resource type "${type}"`);
      this.pos++;
      resources.push(this.parseBlockBody(type, false, line));
    }
  }

  /** Parses directives and nested blocks after an opening `{`, through the matching `}`. */
  private parseBlockBody(type: string, equals: boolean, line: number): Block {
    const block: Block = { type, equals, directives: [], blocks: [], line };
    for (;;) {
      this.skipBlank();
      if (this.eof()) this.fail(line, `block "${type}" is not closed (missing "}")`);
      if (this.peek() === "}") {
        this.pos++;
        return block;
      }
      const itemLine = this.line;
      if (this.peek() === "@") this.fail(itemLine, "@include is not supported");
      const keyword = this.readKeyword();
      this.skipBlank();
      const c = this.peek();
      if (c === "{") {
        this.pos++;
        block.blocks.push(this.parseBlockBody(keyword, false, itemLine));
      } else if (c === "=") {
        this.pos++;
        this.skipInline();
        if (this.peek() === "{") {
          this.pos++;
          block.blocks.push(this.parseBlockBody(keyword, true, itemLine));
        } else {
          block.directives.push(this.parseValue(keyword, itemLine));
        }
      } else {
        this.fail(itemLine, `expected "=" or "{" after "${keyword}"`);
      }
    }
  }

  private parseValue(keyword: string, line: number): Directive {
    const tokens: ValueToken[] = [];
    const start = this.pos;
    let end = this.pos;
    for (;;) {
      this.skipInline();
      const c = this.peek();
      if (c === undefined || c === "\n" || c === ";" || c === "}" || c === "#") break;
      if (c === '"') {
        tokens.push({ kind: "string", text: this.readQuoted(), quoted: true });
      } else if (c === ",") {
        this.pos++;
        tokens.push({ kind: "comma" });
      } else if (c === "=") {
        this.pos++;
        tokens.push({ kind: "equals" });
      } else if (c === "{") {
        this.fail(this.line, `unexpected "{" in the value of "${keyword}" (quote the value)`);
      } else if (c === "@") {
        this.fail(this.line, "@include is not supported");
      } else {
        tokens.push({ kind: "string", text: this.readWord(), quoted: false });
      }
      end = this.pos;
    }
    if (tokens.length === 0) this.fail(line, `missing value for "${keyword}"`);
    const first = tokens[0];
    const single = tokens.length === 1 && first.kind === "string";
    return {
      keyword,
      value: single ? first.text : this.text.slice(start, end).trim(),
      quoted: first.kind === "string" && first.quoted,
      tokens,
      line,
    };
  }

  private readKeyword(): string {
    const line = this.line;
    const start = this.pos;
    while (!this.eof() && !KEYWORD_END.has(this.peek() as string)) this.pos++;
    const raw = this.text.slice(start, this.pos).trim().replace(/\s+/g, " ");
    // Bareos identifiers start with a letter; digits/underscores only make unknown keywords later on.
    if (!/^[A-Za-z][A-Za-z0-9_ ]*$/.test(raw)) {
      this.fail(line, `expected a keyword, got ${JSON.stringify(raw || (this.peek() ?? "end of file"))}`);
    }
    return raw;
  }

  private readWord(): string {
    const start = this.pos;
    while (!this.eof() && !WORD_END.has(this.peek() as string)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** Reads a quoted string starting at `"`, joining adjacent quoted strings as Bareos does. */
  private readQuoted(): string {
    const startLine = this.line;
    let out = "";
    for (;;) {
      this.pos++; // opening quote
      for (;;) {
        if (this.eof()) this.fail(startLine, "quoted string is not closed");
        const c = this.text[this.pos++];
        if (c === "\\") {
          if (this.eof()) this.fail(startLine, "quoted string is not closed");
          const next = this.text[this.pos++];
          if (next === "\n") this.line++;
          else out += next;
        } else if (c === "\n") {
          this.line++; // Bareos drops newlines inside quoted strings
        } else if (c === '"') {
          break;
        } else if (c !== "\r") {
          out += c;
        }
      }
      if (!this.continuesWithQuote()) return out;
    }
  }

  /** After a closing quote: moves to the next `"` if the string continues (same or next line). */
  private continuesWithQuote(): boolean {
    let p = this.pos;
    while (this.text[p] === " " || this.text[p] === "\t") p++;
    if (this.text[p] === '"') {
      this.pos = p;
      return true;
    }
    if (this.text[p] === "\r") p++;
    if (this.text[p] !== "\n") return false;
    p++;
    while (this.text[p] === " " || this.text[p] === "\t") p++;
    if (this.text[p] !== '"') return false;
    this.pos = p;
    this.line++;
    return true;
  }

  /** Skips blanks, newlines, `;` and comments between statements. */
  private skipBlank(): void {
    for (;;) {
      const c = this.peek();
      if (c === "\n") {
        this.line++;
        this.pos++;
      } else if (c === " " || c === "\t" || c === "\r" || c === ";") {
        this.pos++;
      } else if (c === "#") {
        while (!this.eof() && this.peek() !== "\n") this.pos++;
      } else {
        return;
      }
    }
  }

  /** Skips blanks within the current line. */
  private skipInline(): void {
    while (this.peek() === " " || this.peek() === "\t" || this.peek() === "\r") this.pos++;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private eof(): boolean {
    return this.pos >= this.text.length;
  }

  private fail(line: number, detail: string): never {
    throw new ConfigParseError(this.file, line, detail);
  }
}
