import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { BareosSecrets, ClientKeys } from "../configs/secrets";
import { Settings } from "../configs/settings";

/** Generated password length: well above Bareos's needs, short enough for every consumer. */
export const PASSWORD_LENGTH = 40;
/**
 * The only non-alphanumeric characters in generated passwords. Each value lands in quoted Bareos
 * strings, shell scripts, SQL literals, .pgpass lines, URLs and env files: `_` and `.` need no escaping
 * in any of them. `-` is left out because a leading dash reads as an option on command lines, `~` because
 * of tilde expansion, `+`/`=` because of form and query encoding.
 */
export const PASSWORD_SPECIALS = "_.";

/** The generated secrets, without the S3 keys and client PKI keys that other components provide. */
export type GeneratedSecrets = Omit<BareosSecrets, "s3AccessKeyId" | "s3SecretAccessKey" | "clientKeys">;

/**
 * SecretsArgs name the passwords to generate. Plain values, not Inputs: the names decide how many
 * RandomPassword resources exist.
 */
export interface SecretsArgs {
  /** File daemon names (`settings.clients[].name`): one director<->client password each. */
  readonly clients: readonly string[];
  /** WebUI login names (`settings.webui.users[].name`): one director Console password each. */
  readonly webuiUsers: readonly string[];
  /**
   * Rotation generations (`settings.rotation`): bumping `all` replaces every password, bumping one
   * entry replaces only that password (and both sides of its pair, which render from the same output).
   */
  readonly rotation: Settings["rotation"];
}

/**
 * The Secrets component generates every Bareos password of the stack, one RandomPassword each, and
 * hands them out as Pulumi secrets.
 */
export class Secrets extends pulumi.ComponentResource {
  /** Director Director{Password} = bconsole Director{Password}. */
  public readonly director: pulumi.Output<string>;
  /** Director Storage{Password} = storage daemon Director{Password}. */
  public readonly storage: pulumi.Output<string>;
  /** Catalog owner's database password. */
  public readonly catalog: pulumi.Output<string>;
  /** PostgreSQL superuser password (catalog bootstrap only). */
  public readonly catalogAdmin: pulumi.Output<string>;
  /** Per client name: director Client{Password} = file daemon Director{Password}. */
  public readonly clients: Readonly<Record<string, pulumi.Output<string>>>;
  /** Per webui user name: its director Console{Password}. */
  public readonly webuiUsers: Readonly<Record<string, pulumi.Output<string>>>;
  /** All of the above as one secret value, for renderers. */
  public readonly generated: pulumi.Output<GeneratedSecrets>;

  /**
   * Create the stack's passwords.
   *
   * @param name The _unique_ name of this component.
   * @param args The names to generate passwords for, and the rotation generations.
   * @param opts A bag of options that control this component's behavior.
   */
  constructor(name: string, args: SecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bareos:secrets:Secrets", name, {}, opts);

    const rotation = args.rotation;
    const password = (part: string, generation: number): pulumi.Output<string> => {
      const p = new random.RandomPassword(
        `${name}-${part}`,
        {
          length: PASSWORD_LENGTH,
          special: true,
          overrideSpecial: PASSWORD_SPECIALS,
          minUpper: 1,
          minLower: 1,
          minNumeric: 1,
          // keepers are ForceNew: a changed generation replaces exactly this password.
          keepers: { all: String(rotation.all), generation: String(generation) },
        },
        { parent: this },
      );
      // Explicit: the provider's additionalSecretOutputs are invisible to mocks and to apply() results.
      return pulumi.secret(p.result);
    };

    this.director = password("director", rotation.director);
    this.storage = password("storage", rotation.storage);
    this.catalog = password("catalog", rotation.catalog);
    this.catalogAdmin = password("catalog-admin", rotation.catalogAdmin);
    this.clients = Object.fromEntries(
      args.clients.map((c) => [c, password(`client-${c}`, rotation.clients[c] ?? 0)]),
    );
    this.webuiUsers = Object.fromEntries(
      args.webuiUsers.map((u) => [u, password(`webui-${u}`, rotation.webuiUsers[u] ?? 0)]),
    );

    this.generated = pulumi.secret(
      pulumi
        .all([
          this.director,
          this.storage,
          this.catalog,
          this.catalogAdmin,
          pulumi.all({ ...this.clients }),
          pulumi.all({ ...this.webuiUsers }),
        ])
        .apply(([director, storage, catalog, catalogAdmin, clients, webuiUsers]) => ({
          director,
          storage,
          catalog,
          catalogAdmin,
          clients,
          webuiUsers,
        })),
    );

    this.registerOutputs({
      director: this.director,
      storage: this.storage,
      catalog: this.catalog,
      catalogAdmin: this.catalogAdmin,
      clients: this.clients,
      webuiUsers: this.webuiUsers,
    });
  }

  /**
   * Everything the renderers need, as one secret: the generated passwords plus the S3 keys and the
   * client PKI material that other components produce (no client keys until that component exists).
   */
  public bareosSecrets(extra: {
    readonly s3AccessKeyId: pulumi.Input<string>;
    readonly s3SecretAccessKey: pulumi.Input<string>;
    readonly clientKeys?: pulumi.Input<Record<string, pulumi.Input<ClientKeys>>>;
  }): pulumi.Output<BareosSecrets> {
    return pulumi.secret(
      pulumi
        .all([this.generated, extra.s3AccessKeyId, extra.s3SecretAccessKey, extra.clientKeys ?? {}])
        .apply(([generated, s3AccessKeyId, s3SecretAccessKey, clientKeys]) => ({
          ...generated,
          s3AccessKeyId,
          s3SecretAccessKey,
          clientKeys,
        })),
    );
  }
}
