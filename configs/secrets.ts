// The generated and configured credentials as plain strings, the renderers' view of them.
// Components produce them from RandomPassword/AccessKey outputs (as Pulumi secrets) and call the
// renderers inside an apply, so each value is written on both sides of a pair from one source.

/** Client-side encryption material of one file daemon (PEM text). */
export interface ClientKeys {
  /** The client's private key followed by its self-signed certificate (Bareos `PKI Keypair`). */
  readonly keypairPem: string;
  /** The master certificate (public key only): `PKI Master Key`, so a lost client can still be restored. */
  readonly masterCertificatePem: string;
}

export interface BareosSecrets {
  /** DIR Director{Password} = bconsole Director{Password}. */
  readonly director: string;
  /** DIR Storage{Password} = SD Director{Password}. */
  readonly storage: string;
  /** Per client name: DIR Client{Password} = FD Director{Password}. */
  readonly clients: Readonly<Record<string, string>>;
  /** Password of the catalog's database owner (Catalog{DbPassword}). */
  readonly catalog: string;
  /** PostgreSQL superuser password, used only by the director's first-start catalog bootstrap. */
  readonly catalogAdmin: string;
  /** Per webui user name: its director Console{Password}. */
  readonly webuiUsers: Readonly<Record<string, string>>;
  /** Credentials the storage daemon writes to S3 with. */
  readonly s3AccessKeyId: string;
  readonly s3SecretAccessKey: string;
  /** Per client name, for clients with encryption on. */
  readonly clientKeys: Readonly<Record<string, ClientKeys>>;
}
