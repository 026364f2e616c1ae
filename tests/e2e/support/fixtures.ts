// The e2e's own containers beside the stack: the S3 server the storage daemon writes to (s3.provider
// existing) and the mail sink the relay forwards to (smtp.smarthost). Not part of the product: they
// stand where AWS S3 and the company's mail server would be.
import * as crypto from "node:crypto";
import type Docker from "dockerode";
import { isNotFound } from "../realizer/handler";

export const S3_IMAGE = "bareos-e2e/s3:local";
export const MAIL_SINK_IMAGE = "bareos-e2e/mail-sink:local";
/** The names the e2e stack file uses (s3.endpoint, smtp.smarthost). */
export const S3_ALIAS = "s3-standin";
export const S3_PORT = 4568;
export const MAIL_SINK_ALIAS = "mail-sink";
/**
 * The operator's mail domain in the e2e stack file. The relay (boky's as the stand-in) refuses
 * recipients whose domain does not resolve, as a company's own domain would: the sink answers to it.
 */
export const MAIL_DOMAIN = "e2e.example.com";
export const MAIL_DIR = "/var/mail-sink";

export interface S3Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export function generateS3Keys(): S3Keys {
  const alnum = (n: number, chars: string) =>
    Array.from({ length: n }, () => chars[crypto.randomInt(chars.length)]).join("");
  return {
    accessKeyId: `E2E${alnum(17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}`,
    secretAccessKey: alnum(40, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/+"),
  };
}

export interface Fixture {
  readonly name: string;
  readonly container: Docker.Container;
}

async function start(
  docker: Docker,
  name: string,
  image: string,
  network: string,
  aliases: string[],
  env: string[],
  volume?: string,
): Promise<Fixture> {
  await remove(docker, name);
  const container = await docker.createContainer({
    name,
    Image: image,
    Env: env,
    Labels: { "bareos-s3-backup.e2e": "fixture" },
    HostConfig: { ...(volume ? { Binds: [`${volume}:/data`] } : {}) },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: aliases } } },
  });
  await container.start();
  return { name, container };
}

async function remove(docker: Docker, name: string): Promise<void> {
  await docker
    .getContainer(name)
    .remove({ force: true, v: true })
    .catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
}

/** Starts both fixtures on the stack's network; the S3 data lives in its own volume. */
export async function startFixtures(
  docker: Docker,
  stack: string,
  network: string,
  bucket: string,
  keys: S3Keys,
) {
  const volume = `${stack}-fixture-s3-data`;
  await docker.createVolume({ Name: volume, Labels: { "bareos-s3-backup.e2e": "fixture" } });
  // The bucket's virtual-host name too: droplet addresses buckets no other way.
  const s3Aliases = [S3_ALIAS, `${bucket}.${S3_ALIAS}`];
  const s3 = await start(
    docker,
    `${stack}-fixture-s3`,
    S3_IMAGE,
    network,
    s3Aliases,
    [
      `S3_PORT=${S3_PORT}`,
      `S3_VHOST_DOMAIN=${S3_ALIAS}`,
      `S3_BUCKETS=${bucket}`,
      `S3_ACCESS_KEY_ID=${keys.accessKeyId}`,
      `S3_SECRET_ACCESS_KEY=${keys.secretAccessKey}`,
    ],
    volume,
  );
  const mail = await start(
    docker,
    `${stack}-fixture-mail`,
    MAIL_SINK_IMAGE,
    network,
    [MAIL_SINK_ALIAS, MAIL_DOMAIN],
    [],
  );
  const attached: [Fixture, string[]][] = [
    [s3, s3Aliases],
    [mail, [MAIL_SINK_ALIAS, MAIL_DOMAIN]],
  ];
  return {
    s3,
    mail,
    volume,
    /** Off the stack's network, so the stack can be destroyed around them (the bucket survives). */
    async detach() {
      for (const [f] of attached) await docker.getNetwork(network).disconnect({ Container: f.name });
    },
    /** Back on the (new) network of a rebuilt stack, under the same names. */
    async attach() {
      for (const [f, aliases] of attached)
        await docker.getNetwork(network).connect({ Container: f.name, EndpointConfig: { Aliases: aliases } });
    },
    async remove() {
      await remove(docker, s3.name);
      await remove(docker, mail.name);
      await docker
        .getVolume(volume)
        .remove()
        .catch(() => undefined);
    },
  };
}
