// Settings, secrets and small readers of rendered trees for the renderer tests.
import { SECRET_KEYS, Settings, parseSettings } from "../../configs/settings";
import type { BareosSecrets, ClientKeys } from "../../configs/secrets";
import { FileTree, RenderedConfigs, renderAll } from "../../configs/render";
import {
  Block,
  Directive,
  blockName,
  listItems,
  normalizeKeyword,
  parseBareosConfig,
} from "../../configs/schema/parse";

export const BUCKET = "test-bucket-0123";

/** The storage daemon as unmanaged clients reach it: the Docker host's name and a published port. */
export const PUBLISHED_STORAGE = { address: "backup.example.com", publish: true, bindAddress: "192.0.2.10" };

/** Settings as a stack with these config values would get them; secret keys are passed as secrets. */
export function settingsFrom(values: Record<string, unknown> = {}, stack = "dev"): Settings {
  // Unmanaged clients need a published storage daemon; give them one unless the test sets storage.
  const clients = (values.clients ?? []) as { managed?: boolean }[];
  if (values.storage === undefined && clients.some((c) => c.managed === false)) {
    values = { ...values, storage: PUBLISHED_STORAGE };
  }
  const secretKeys = new Set<string>(SECRET_KEYS.filter((k) => k in values));
  return parseSettings({ values, secretKeys }, { stack, projectDir: "/project" });
}

/** Distinct values per credential; the director's holds a quote and a backslash to exercise escaping. */
export function fakeSecrets(settings: Settings): BareosSecrets {
  const clients: Record<string, string> = {};
  const clientKeys: Record<string, ClientKeys> = {};
  for (const c of settings.clients) {
    clients[c.name] = `fd-${c.name}-secret`;
    if (c.encryption) {
      clientKeys[c.name] = {
        keypairPem: `-----BEGIN PRIVATE KEY-----\nkey-of-${c.name}\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\ncert-of-${c.name}\n-----END CERTIFICATE-----\n`,
        masterCertificatePem: "-----BEGIN CERTIFICATE-----\nmaster\n-----END CERTIFICATE-----\n",
      };
    }
  }
  const webuiUsers: Record<string, string> = {};
  for (const u of settings.webui.users) webuiUsers[u.name] = `webui-${u.name}-secret`;
  return {
    director: 'dir"pass\\word',
    storage: "sd-secret",
    clients,
    catalog: "catalog-secret",
    catalogAdmin: "admin:pass\\word",
    webuiUsers,
    s3AccessKeyId: "AKIAEXAMPLE",
    s3SecretAccessKey: "secret/key+EXAMPLE",
    clientKeys,
  };
}

export function render(values: Record<string, unknown> = {}): { settings: Settings; out: RenderedConfigs } {
  const settings = settingsFrom(values);
  return { settings, out: renderAll(settings, fakeSecrets(settings), { bucketName: BUCKET }) };
}

export function file(tree: FileTree, path: string): string {
  const f = tree[path];
  if (!f) throw new Error(`no ${path} in the tree; have:\n${Object.keys(tree).join("\n")}`);
  return f.content;
}

/** The one resource of a rendered config file. */
export function resource(tree: FileTree, path: string): Block {
  const parsed = parseBareosConfig(file(tree, path), path);
  if (parsed.resources.length !== 1) throw new Error(`${path} holds ${parsed.resources.length} resources`);
  return parsed.resources[0];
}

/** All resources of a daemon's tree by lower-case type, then by name. */
export function resourcesOf(tree: FileTree, daemonDir: string): Map<string, Map<string, Block>> {
  const byType = new Map<string, Map<string, Block>>();
  for (const path of Object.keys(tree)) {
    if (!path.includes(`/${daemonDir}/`) || !path.endsWith(".conf")) continue;
    const block = resource(tree, path);
    const type = block.type.toLowerCase();
    const names = byType.get(type) ?? new Map<string, Block>();
    names.set(blockName(block) ?? "", block);
    byType.set(type, names);
  }
  return byType;
}

export function directives(block: Block, keyword: string): Directive[] {
  return block.directives.filter((d) => normalizeKeyword(d.keyword) === normalizeKeyword(keyword));
}

/** The single value of a directive, or undefined when absent. */
export function value(block: Block, keyword: string): string | undefined {
  const found = directives(block, keyword);
  if (found.length > 1) throw new Error(`${keyword} appears ${found.length} times in ${block.type}`);
  return found[0]?.value;
}

export function values(block: Block, keyword: string): string[] {
  return directives(block, keyword).map((d) => d.value);
}

/** The comma separated items of a list directive (`Storage = A, B`). */
export function items(block: Block, keyword: string): string[] {
  return directives(block, keyword).flatMap(listItems);
}

export function blocks(block: Block, type: string): Block[] {
  return block.blocks.filter((b) => normalizeKeyword(b.type) === normalizeKeyword(type));
}

/** `key = value` lines of an s3cmd config or a droplet profile. */
export function keyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([a-z_0-9]+)\s*=\s*(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}
