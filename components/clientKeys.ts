import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { ClientKeys as ClientKeyFiles } from "../configs/secrets";

// Bareos reads PKI material with OpenSSL and encrypts each session key to every listed public key:
// RSA keys, self-signed certificates (Bareos checks no chain). Ten years: data encrypted today must
// stay restorable, and the certificate's validity is not checked on restore.
const VALIDITY_HOURS = 10 * 365 * 24;

export interface ClientKeysArgs {
  /** Names of the clients with `encryption: true`; each gets its own keypair. */
  readonly clients: readonly string[];
  /** Organisation written into the certificates' subject. */
  readonly organization?: pulumi.Input<string>;
}

/**
 * Client-side encryption keys: one keypair + self-signed certificate per encrypting file daemon and
 * one master keypair whose certificate every client also encrypts to, so backups of a lost client
 * can be restored with the master private key (store it offline).
 */
export class ClientKeys extends pulumi.ComponentResource {
  /** Per client name: the files its file daemon needs, as one secret. */
  public readonly files: pulumi.Output<Record<string, ClientKeyFiles>>;
  /** The master private key (PEM): needed only to restore data of a lost client. */
  public readonly masterPrivateKeyPem: pulumi.Output<string>;
  public readonly masterCertificatePem: pulumi.Output<string>;

  constructor(name: string, args: ClientKeysArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bareos:security:ClientKeys", name, {}, opts);
    const organization = args.organization ?? "bareos-s3-backup";

    const masterKey = new tls.PrivateKey(
      `${name}-master`,
      { algorithm: "RSA", rsaBits: 4096 },
      { parent: this },
    );
    const masterCert = new tls.SelfSignedCert(
      `${name}-master`,
      {
        privateKeyPem: masterKey.privateKeyPem,
        subject: { commonName: "Bareos master key", organization },
        validityPeriodHours: VALIDITY_HOURS,
        allowedUses: ["key_encipherment", "data_encipherment"],
        // Bareos refuses a certificate without one ("does not include the required subjectKeyIdentifier").
        setSubjectKeyId: true,
      },
      { parent: this },
    );
    this.masterPrivateKeyPem = pulumi.secret(masterKey.privateKeyPem);
    this.masterCertificatePem = masterCert.certPem;

    const perClient: Record<string, pulumi.Output<ClientKeyFiles>> = {};
    for (const client of args.clients) {
      const key = new tls.PrivateKey(
        `${name}-${client}`,
        { algorithm: "RSA", rsaBits: 4096 },
        { parent: this },
      );
      const cert = new tls.SelfSignedCert(
        `${name}-${client}`,
        {
          privateKeyPem: key.privateKeyPem,
          subject: { commonName: client, organization },
          validityPeriodHours: VALIDITY_HOURS,
          allowedUses: ["key_encipherment", "data_encipherment", "digital_signature"],
          setSubjectKeyId: true,
        },
        { parent: this },
      );
      perClient[client] = pulumi.secret(
        pulumi.all([key.privateKeyPem, cert.certPem, masterCert.certPem]).apply(([pem, certPem, master]) => ({
          // Bareos's PKI Keypair file holds the private key and the certificate, in that order.
          keypairPem: `${pem.trimEnd()}\n${certPem.trimEnd()}\n`,
          masterCertificatePem: master,
        })),
      );
    }
    this.files = pulumi.secret(pulumi.all(perClient));

    this.registerOutputs({
      files: this.files,
      masterPrivateKeyPem: this.masterPrivateKeyPem,
      masterCertificatePem: this.masterCertificatePem,
    });
  }
}
