// RSA keys and self-signed certificates the way the stack's tls.PrivateKey and tls.SelfSignedCert make
// them (PKCS#1 keys, v3 certificates with the key usages asked for). The end-to-end test realizes those
// resources with it, and `npm run render` makes throw-away keys so the real daemons accept its tree.
import * as crypto from "node:crypto";
import forge from "node-forge";

/** An RSA private key as PEM ("RSA PRIVATE KEY", what the tls provider's privateKeyPem holds). */
export function rsaPrivateKeyPem(bits: number): string {
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: bits });
  return privateKey.export({ type: "pkcs1", format: "pem" }).toString();
}

/** The public half of a PEM private key, as PKIX PEM. */
export function publicKeyPem(privateKeyPem: string): string {
  return crypto.createPublicKey(privateKeyPem).export({ type: "spki", format: "pem" }).toString();
}

/** tls.SelfSignedCert's `allowedUses` names, as X.509 key usage flags. */
const KEY_USAGES: Record<string, string> = {
  digital_signature: "digitalSignature",
  content_commitment: "nonRepudiation",
  key_encipherment: "keyEncipherment",
  data_encipherment: "dataEncipherment",
  key_agreement: "keyAgreement",
  cert_signing: "keyCertSign",
  crl_signing: "cRLSign",
};

export interface CertificateRequest {
  readonly privateKeyPem: string;
  readonly commonName: string;
  readonly organization?: string;
  readonly validityHours: number;
  /** tls provider names, e.g. `key_encipherment`. */
  readonly allowedUses: readonly string[];
  /** tls.SelfSignedCert's `setSubjectKeyId` (default false there): Bareos requires the extension. */
  readonly subjectKeyId?: boolean;
}

export function selfSignedCertificatePem(req: CertificateRequest): string {
  const key = forge.pki.privateKeyFromPem(req.privateKeyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  // Positive and unique enough for certificates nobody revokes.
  cert.serialNumber = `01${crypto.randomBytes(15).toString("hex")}`;
  cert.validity.notBefore = new Date();
  cert.validity.notAfter = new Date(Date.now() + req.validityHours * 3600 * 1000);
  const subject = [
    { name: "commonName", value: req.commonName },
    ...(req.organization ? [{ name: "organizationName", value: req.organization }] : []),
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  const usage: Record<string, unknown> = { name: "keyUsage", critical: true };
  for (const use of req.allowedUses) {
    const flag = KEY_USAGES[use];
    if (flag === undefined)
      throw new Error(`allowed use ${JSON.stringify(use)} is not a key usage this helper knows`);
    usage[flag] = true;
  }
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    usage,
    ...(req.subjectKeyId ? [{ name: "subjectKeyIdentifier" }] : []),
  ]);
  cert.sign(key, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** Marks every throw-away key file; OpenSSL's PEM reader skips text before the first BEGIN line. */
export const THROWAWAY_NOTICE =
  "# THROW-AWAY key made by `npm run render` for review: never deploy it (pulumi up generates the real keys)\n";

/**
 * Real but throw-away PKI material for each encrypting client and one master certificate, so the
 * daemons' own configuration tests accept a rendered preview. 2048 bits: they are never used for data.
 */
export function throwawayClientKeys(
  clients: readonly string[],
): Record<string, { keypairPem: string; masterCertificatePem: string }> {
  if (clients.length === 0) return {};
  const cert = (privateKeyPem: string, commonName: string, allowedUses: string[]) =>
    selfSignedCertificatePem({
      privateKeyPem,
      commonName,
      organization: "THROW-AWAY render preview",
      validityHours: 24,
      allowedUses,
      subjectKeyId: true,
    });
  const master = cert(rsaPrivateKeyPem(2048), "THROW-AWAY master key (render preview)", [
    "key_encipherment",
    "data_encipherment",
  ]);
  return Object.fromEntries(
    clients.map((name) => {
      const key = rsaPrivateKeyPem(2048);
      const own = cert(key, name, ["key_encipherment", "data_encipherment", "digital_signature"]);
      return [
        name,
        {
          keypairPem: `${THROWAWAY_NOTICE}${key.trimEnd()}\n${own}`,
          masterCertificatePem: `${THROWAWAY_NOTICE}${master}`,
        },
      ];
    }),
  );
}
