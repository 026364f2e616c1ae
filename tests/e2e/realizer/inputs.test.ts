// The realizer's input checks and value conversions, without an engine (they run in `npm test`).
import * as crypto from "node:crypto";
import { canonical, checkInputs, goDuration, unsupportedInputs } from "./inputs";
import { randomString } from "./secrets";
import { publicKeyPem, rsaPrivateKeyPem, selfSignedCertificatePem } from "../../../scripts/pki";

describe("unsupported inputs", () => {
  const spec = {
    name: true,
    healthcheck: { tests: true, interval: true },
    uploads: { file: true, content: true },
  } as const;

  test("accepts what the spec names, at any depth and in lists", () => {
    expect(
      unsupportedInputs(
        {
          name: "x",
          healthcheck: { tests: ["CMD"], interval: "30s" },
          uploads: [{ file: "/a", content: "b" }],
        },
        spec,
      ),
    ).toEqual([]);
  });

  test("names every input it does not implement, with its path", () => {
    expect(
      unsupportedInputs(
        {
          name: "x",
          privileged: true,
          healthcheck: { startInterval: "1s" },
          uploads: [{ file: "/a", source: "/etc/passwd" }],
        },
        spec,
      ),
    ).toEqual(["privileged", "healthcheck.startInterval", "uploads[0].source"]);
  });

  test("an input the program left undefined is not one", () => {
    expect(unsupportedInputs({ name: "x", privileged: undefined }, spec)).toEqual([]);
  });

  test("checkInputs refuses with the type, the resource and the paths", () => {
    expect(() => checkInputs("docker:index/container:Container", "db", { gpus: "all" }, spec)).toThrow(
      /does not implement docker:index\/container:Container input\(s\) gpus \(declared by db\)/,
    );
  });
});

describe("Go durations, as the provider parses healthcheck times", () => {
  test.each([
    ["30s", 30e9],
    ["1m30s", 90e9],
    ["250ms", 250e6],
    ["1.5h", 5400e9],
  ])("%s", (text, ns) => expect(goDuration(text)).toBe(ns));

  test.each(["30", "30 s", "s", "1x"])("refuses %j", (text) =>
    expect(() => goDuration(text)).toThrow(/not a Go duration/),
  );
});

describe("canonical input text", () => {
  test("ignores key order and undefined values, keeps list order", () => {
    expect(canonical({ b: 1, a: [2, 1], c: undefined })).toBe(canonical({ a: [2, 1], b: 1 }));
    expect(canonical({ a: [1, 2] })).not.toBe(canonical({ a: [2, 1] }));
  });
});

describe("random passwords as the random provider makes them", () => {
  test("length, alphabet and minimum counts hold for many draws", () => {
    const inputs = {
      length: 40,
      special: true,
      overrideSpecial: "_.",
      minUpper: 1,
      minLower: 1,
      minNumeric: 1,
    };
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const p = randomString(inputs);
      expect(p).toMatch(/^[A-Za-z0-9_.]{40}$/);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[0-9]/);
      seen.add(p);
    }
    expect(seen.size).toBe(500);
  });

  test("classes switched off stay out; minimums above the length are kept", () => {
    expect(randomString({ length: 8, upper: false, special: false, numeric: false })).toMatch(/^[a-z]{8}$/);
    expect(randomString({ length: 2, special: false, minNumeric: 5 })).toMatch(/^\d{5}$/);
  });
});

describe("PKI material as the tls provider makes it", () => {
  const key = rsaPrivateKeyPem(2048);

  test("a PKCS#1 RSA key and its public half", () => {
    expect(key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(crypto.createPublicKey(publicKeyPem(key)).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  test("a self-signed certificate of that key, with the subject and key usages asked for", () => {
    const pem = selfSignedCertificatePem({
      privateKeyPem: key,
      commonName: "bareos-fd",
      organization: "bareos-s3-backup",
      validityHours: 48,
      allowedUses: ["key_encipherment", "digital_signature"],
    });
    const cert = new crypto.X509Certificate(pem);
    expect(cert.subject).toBe("CN=bareos-fd\nO=bareos-s3-backup");
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.checkPrivateKey(crypto.createPrivateKey(key))).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    const hours = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 3600e3;
    expect(Math.round(hours)).toBe(48);
    expect(cert.ca).toBe(false);
    // Only when asked, as tls.SelfSignedCert's setSubjectKeyId (Bareos requires it).
    expect(cert.toLegacyObject().ext_key_usage).toBeUndefined();
    const withId = (subjectKeyId: boolean) =>
      new crypto.X509Certificate(
        selfSignedCertificatePem({
          privateKeyPem: key,
          commonName: "x",
          validityHours: 1,
          allowedUses: [],
          subjectKeyId,
        }),
      );
    const SKI = Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x0e]); // OID 2.5.29.14
    expect(withId(true).raw.includes(SKI)).toBe(true);
    expect(withId(false).raw.includes(SKI)).toBe(false);
  });

  test("refuses a use it does not know", () => {
    expect(() =>
      selfSignedCertificatePem({
        privateKeyPem: key,
        commonName: "x",
        validityHours: 1,
        allowedUses: ["any_use"],
      }),
    ).toThrow(/"any_use" is not a key usage/);
  });
});
