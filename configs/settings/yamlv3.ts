// A YAML document read the way the Pulumi CLI reads stack and project files: gopkg.in/yaml.v3 decoding
// into `any` (sdk/go/common/workspace/loaders.go, resource/config/object.go). The npm parser gives the
// syntax tree; every plain scalar is resolved here by yaml.v3's rules (resolve.go), which differ from
// both YAML 1.1 and 1.2: only true/True/TRUE are booleans ("yes" stays a string), "0100" is octal 64,
// "_" separates digits, and a merge key's explicit keys always win.
import { Document, Node, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from "yaml";

export class YamlReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "YamlReadError";
  }
}

export type YamlValue = null | boolean | number | string | YamlValue[] | { [key: string]: YamlValue };

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const TRUES = new Set(["true", "True", "TRUE"]);
const FALSES = new Set(["false", "False", "FALSE"]);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** strconv.ParseInt(s, 0, 64): sign, then 0x / 0o / 0b / leading-0 octal / decimal. */
function goParseInt(s: string): number | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const [, sign, digits] = m as unknown as [string, string, string];
  const lower = digits.toLowerCase();
  const value = lower.startsWith("0x")
    ? BigInt(lower)
    : lower.startsWith("0o")
      ? BigInt(lower)
      : lower.startsWith("0b")
        ? BigInt(lower)
        : lower.length > 1 && lower.startsWith("0")
          ? BigInt(`0o${lower.slice(1)}`)
          : BigInt(lower);
  const signed = sign === "-" ? -value : value;
  if (signed > 2n ** 64n - 1n || signed < -(2n ** 63n)) return undefined;
  return Number(signed);
}

/** A plain scalar as yaml.v3 resolves it when decoding into `any`. */
export function resolvePlain(text: string): YamlValue {
  if (NULLS.has(text)) return null;
  if (TRUES.has(text)) return true;
  if (FALSES.has(text)) return false;
  if (/^[-+0-9.]/.test(text)) {
    const plain = text.replace(/_/g, "");
    const int = goParseInt(plain);
    if (int !== undefined) return int;
    if (YAML_FLOAT.test(plain)) return Number(plain);
    const date = DATE.exec(text);
    // yaml.v3 decodes a date into time.Time; Pulumi stores its String().
    if (date) return `${text} 00:00:00 +0000 UTC`;
  }
  if ([".inf", ".Inf", ".INF", "+.inf", "-.inf", ".nan", ".NaN", ".NAN"].includes(text))
    throw new YamlReadError(
      `${JSON.stringify(text)}: Pulumi cannot store infinity or NaN (json: unsupported value)`,
    );
  return text;
}

function toValue(doc: Document, node: unknown, where: string, depth = 0): YamlValue {
  if (depth > 64) throw new YamlReadError(`${where}: nested too deeply (an alias loop?)`);
  if (isAlias(node)) return toValue(doc, node.resolve(doc), where, depth + 1);
  if (node === null || node === undefined) return null;
  if (isScalar(node)) {
    if (node.type === "PLAIN") return resolvePlain(String(node.source ?? node.value ?? ""));
    return String(node.value);
  }
  if (isSeq(node)) return node.items.map((item, i) => toValue(doc, item, `${where}[${i}]`, depth + 1));
  if (isMap(node)) {
    // A Map, so a key such as "__proto__" stays a key.
    const out = new Map<string, YamlValue>();
    const explicit = new Set<string>();
    const merged: Record<string, YamlValue>[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
      if (isScalar(keyNode) && keyNode.type === "PLAIN" && keyNode.source === "<<") {
        const v = toValue(doc, pair.value, where, depth + 1);
        for (const m of Array.isArray(v) ? v : [v]) {
          if (m === null || typeof m !== "object" || Array.isArray(m))
            throw new YamlReadError(`${where}: a merge key (<<) needs a mapping or a list of mappings`);
          merged.push(m);
        }
        continue;
      }
      const key = toValue(doc, keyNode as Node, where, depth + 1);
      if (typeof key !== "string")
        throw new YamlReadError(
          `${where}: key ${JSON.stringify(key)} is not a string (Pulumi expects only string keys)`,
        );
      if (explicit.has(key))
        throw new YamlReadError(`${where}: mapping key ${JSON.stringify(key)} is defined twice`);
      explicit.add(key);
      out.set(key, toValue(doc, pair.value, `${where}.${key}`, depth + 1));
    }
    // Explicit keys win wherever they stand; of several merged maps, the first one wins.
    for (const m of merged.reverse())
      for (const [k, v] of Object.entries(m)) if (!explicit.has(k)) out.set(k, v);
    return Object.fromEntries([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  throw new YamlReadError(`${where}: unsupported YAML node`);
}

/** The document of `text` as Pulumi decodes it; `file` names it in errors. */
export function readYamlAsPulumi(text: string, file: string): YamlValue {
  // Syntax only: the failsafe schema leaves every plain scalar as written, resolved above.
  const doc = parseDocument(text, {
    schema: "failsafe",
    uniqueKeys: false,
    merge: false,
    prettyErrors: false,
  });
  if (doc.errors.length > 0) throw new YamlReadError(`${file}: ${doc.errors[0]!.message}`);
  return toValue(doc, doc.contents, file);
}
