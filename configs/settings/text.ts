// How values appear in messages, and which characters free text may hold.

/**
 * A value as a message shows it: JSON, with every character outside printable ASCII escaped, so a
 * zero-width space or a Cyrillic "а" in a name reads as `\u200b` / `\u0430`, not as the valid name it
 * looks like.
 */
export function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// C0 and C1 controls, DEL, line/paragraph separators, bidirectional overrides, zero-width characters
// and the byte-order mark: each either breaks a line in a Bareos file or makes text read differently
// from what it is.
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The first character free text must not hold, as `\uXXXX`, with why; undefined when the text is fine. */
export function unsafeCharacter(text: string): string | undefined {
  if (LONE_SURROGATE.test(text)) return "contains a broken UTF-16 surrogate pair";
  const m = UNSAFE.exec(text);
  if (!m) return undefined;
  const at = m.index;
  const code = show(m[0]).slice(1, -1);
  if (m[0] === "\n" && at === text.length - 1)
    return `ends with a line break (a YAML "|" block keeps its last newline: use "|-" or a plain string)`;
  if (m[0] === "\n" || m[0] === "\r") return `contains a line break (${code}) at position ${at}`;
  return `contains the control or invisible character ${code} at position ${at}`;
}
