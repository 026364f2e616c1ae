// random and tls resources with real values: what the mock monitor invents in unit tests, made here as
// the providers make them (terraform-provider-random internal/random/string.go, terraform-provider-tls).
import * as crypto from "node:crypto";
import { publicKeyPem, rsaPrivateKeyPem, selfSignedCertificatePem } from "../../../scripts/pki";
import type { Handler } from "./handler";
import { InputSpec, Inputs, bool, list, num, str } from "./inputs";

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const NUMERIC = "0123456789";
const SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

/** The provider's algorithm: the minimum of each class first, the rest from all enabled classes, shuffled. */
export function randomString(inputs: Inputs): string {
  const length = num(inputs.length);
  if (length === undefined || length < 1) throw new Error("length must be a positive number");
  const special = str(inputs.overrideSpecial) ?? SPECIAL;
  const classes = [
    { on: bool(inputs.upper, true), chars: UPPER, min: num(inputs.minUpper) ?? 0 },
    { on: bool(inputs.lower, true), chars: LOWER, min: num(inputs.minLower) ?? 0 },
    {
      on: bool(inputs.numeric, true) && bool(inputs.number, true),
      chars: NUMERIC,
      min: num(inputs.minNumeric) ?? 0,
    },
    { on: bool(inputs.special, true), chars: special, min: num(inputs.minSpecial) ?? 0 },
  ];
  const pick = (chars: string) => chars[crypto.randomInt(chars.length)];
  const out: string[] = [];
  for (const c of classes) for (let i = 0; i < c.min; i++) out.push(pick(c.chars));
  const all = classes
    .filter((c) => c.on)
    .map((c) => c.chars)
    .join("");
  if (all === "") throw new Error("no character class is enabled");
  while (out.length < length) out.push(pick(all));
  for (let i = out.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.join("");
}

const randomSpec: InputSpec = {
  length: true,
  special: true,
  upper: true,
  lower: true,
  numeric: true,
  number: true,
  overrideSpecial: true,
  minUpper: true,
  minLower: true,
  minNumeric: true,
  minSpecial: true,
  keepers: true,
};

const nothingToDelete = async () => undefined;

export const randomPasswordHandler: Handler = {
  spec: randomSpec,
  async create(_name, inputs) {
    return { id: "none", outputs: { result: randomString(inputs) } };
  },
  delete: nothingToDelete,
};

export const randomStringHandler: Handler = {
  spec: randomSpec,
  async create(_name, inputs) {
    const result = randomString(inputs);
    return { id: result, outputs: { result } };
  },
  delete: nothingToDelete,
};

export const privateKeyHandler: Handler = {
  spec: { algorithm: true, rsaBits: true },
  async create(name, inputs) {
    if (inputs.algorithm !== "RSA") throw new Error(`${name}: only RSA keys are realized`);
    const privateKeyPem = rsaPrivateKeyPem(num(inputs.rsaBits) ?? 2048);
    return {
      id: crypto.createHash("sha1").update(privateKeyPem).digest("hex"),
      outputs: { privateKeyPem, publicKeyPem: publicKeyPem(privateKeyPem) },
    };
  },
  delete: nothingToDelete,
};

export const selfSignedCertHandler: Handler = {
  spec: {
    privateKeyPem: true,
    subject: { commonName: true, organization: true },
    validityPeriodHours: true,
    allowedUses: true,
    setSubjectKeyId: true,
  },
  async create(_name, inputs) {
    const subject = (inputs.subject ?? {}) as { commonName?: string; organization?: string };
    const certPem = selfSignedCertificatePem({
      privateKeyPem: String(inputs.privateKeyPem),
      commonName: subject.commonName ?? "",
      organization: subject.organization,
      validityHours: num(inputs.validityPeriodHours) ?? 24,
      allowedUses: list<string>(inputs.allowedUses),
      subjectKeyId: bool(inputs.setSubjectKeyId, false),
    });
    return { id: new crypto.X509Certificate(certPem).serialNumber, outputs: { certPem } };
  },
  delete: nothingToDelete,
};
