import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../configs/settings";
import { WAIT_TIMEOUT, containerDefaults } from "./containerDefaults";

export interface SmtpRelayArgs {
  readonly image: pulumi.Input<string>;
  readonly containerName: string;
  readonly networkName: pulumi.Input<string>;
  readonly settings: Pick<Settings, "names" | "smtp" | "stack" | "secrets" | "s3" | "secretObjects">;
}

/** The SES SMTP endpoint of a region. */
export function sesSmtpHost(region: string): string {
  return `email-smtp.${region}.amazonaws.com`;
}

/** The envs of the relay image (boky/postfix); the password, when there is one, makes them secret. */
export function relayEnvs(
  smtp: Settings["smtp"],
  relay: { host?: string; port: number; username?: string; password?: string },
): string[] {
  const domain = smtp.from.slice(smtp.from.lastIndexOf("@") + 1);
  const envs = [
    `ALLOWED_SENDER_DOMAINS=${domain}`,
    `POSTFIX_myhostname=${domain === "localhost" ? "bareos-smtp" : domain}`,
  ];
  if (relay.host !== undefined) envs.push(`RELAYHOST=[${relay.host}]:${relay.port}`);
  if (relay.username !== undefined) envs.push(`RELAYHOST_USERNAME=${relay.username}`);
  if (relay.password !== undefined) envs.push(`RELAYHOST_PASSWORD=${relay.password}`);
  return envs;
}

/**
 * The mail relay the director's bsmtp talks to (bsmtp has no SMTP AUTH and no TLS): postfix on the
 * private network, never published, forwarding to the configured smarthost with its credentials,
 * or to Amazon SES with SMTP credentials of an IAM user created here (`smtp.ses`).
 */
export class SmtpRelay extends pulumi.ComponentResource {
  public readonly container: docker.Container;

  constructor(name: string, args: SmtpRelayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bareos:smtp:SmtpRelay", name, {}, opts);
    const { smtp, secrets, s3 } = args.settings;

    let envs: pulumi.Output<string[]>;
    if (smtp.ses) {
      const user = new aws.iam.User(`${name}-ses`, { path: "/bareos/" }, { parent: this });
      new aws.iam.UserPolicy(
        `${name}-ses`,
        {
          user: user.name,
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: ["ses:SendRawEmail"],
                Resource: "*",
                Condition: { StringEquals: { "ses:FromAddress": smtp.from } },
              },
            ],
          }),
        },
        { parent: this },
      );
      const key = new aws.iam.AccessKey(`${name}-ses`, { user: user.name }, { parent: this });
      envs = pulumi
        .secret(pulumi.all([key.id, key.sesSmtpPasswordV4]))
        .apply(([id, password]) =>
          relayEnvs(smtp, { host: sesSmtpHost(s3.region), port: 587, username: id, password }),
        );
    } else {
      const plain = relayEnvs(smtp, {
        host: smtp.smarthost,
        port: smtp.smarthostPort,
        username: smtp.username,
      });
      // A nested secret (`--secret --path smtp.username`) makes the whole smtp object secret.
      const secretSmtp = args.settings.secretObjects.includes("smtp");
      envs =
        secrets.smtpPassword === undefined && !secretSmtp
          ? pulumi.output(plain)
          : pulumi.secret(
              pulumi.output([
                ...plain,
                ...(secrets.smtpPassword === undefined ? [] : [`RELAYHOST_PASSWORD=${secrets.smtpPassword}`]),
              ]),
            );
    }

    this.container = new docker.Container(
      `${name}-postfix`,
      {
        ...containerDefaults(args.settings.stack, "smtp"),
        name: args.containerName,
        image: args.image,
        envs,
        networksAdvanced: [{ name: args.networkName, aliases: [args.settings.names.smtp] }],
        healthcheck: {
          tests: ["CMD", "sh", "-c", "postfix status"],
          interval: "30s",
          timeout: "5s",
          retries: 3,
          startPeriod: "20s",
        },
        wait: true,
        waitTimeout: WAIT_TIMEOUT,
      },
      { parent: this, deleteBeforeReplace: true },
    );
    this.registerOutputs({ containerName: this.container.name });
  }
}
