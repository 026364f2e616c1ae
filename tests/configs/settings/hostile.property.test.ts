// Hostile values for every free-text, name, path, address and list setting: either the settings refuse
// the value under exactly its key, or every file renders without a SerializeError and the value starts
// no new directive or line. Seeded (FC_SEED), so a failure reproduces; scripts may raise FC_RUNS.
import fc from "fast-check";
import { placeholderSecrets, renderAll } from "../../../configs/render";
import { PROJECT, SettingsError, parseSettings } from "../../../configs/settings";
import { defaultSchemaDir, loadSchemas, schemasAvailable } from "../../../configs/schema/load";
import { formatProblem } from "../../../configs/schema/validate";
import { renderSettings, validateStack } from "../../../scripts/renderStack";
import { ctx } from "./problems";

const schemaDir = defaultSchemaDir();
const haveSchemas = schemasAvailable(schemaDir);
if (!haveSchemas) {
  if (process.env.CI) throw new Error("Bareos config schemas are missing (set BAREOS_SCHEMA_DIR)");
  console.warn(
    `Bareos config schemas not found in ${schemaDir}: the property test checks lines only, not the schema`,
  );
}
const schemas = haveSchemas ? loadSchemas(schemaDir, "25") : undefined;

/** Where a value goes: the key as messages name it, and the config with it. */
const TARGETS: readonly [string, (v: string) => Record<string, unknown>][] = [
  [
    "fileSets[0].description",
    (v) => ({ fileSets: [{ name: "TestData", include: ["/data"], description: v }] }),
  ],
  ["fileSets[0].include[0]", (v) => ({ fileSets: [{ name: "TestData", include: [v] }] })],
  ["fileSets[0].exclude[0]", (v) => ({ fileSets: [{ name: "TestData", include: ["/data"], exclude: [v] }] })],
  ["fileSets[0].plugins[0]", (v) => ({ fileSets: [{ name: "TestData", plugins: [v] }], jobs: [] })],
  ["fileSets[0].name", (v) => ({ fileSets: [{ name: v, include: ["/data"] }], jobs: [] })],
  [
    "clients[1].address",
    (v) => ({
      clients: [{ name: "bareos-fd" }, { name: "nas", managed: false, address: v }],
      storage: { address: "backup.example.com", publish: true, bindAddress: "192.0.2.1" },
    }),
  ],
  [
    "clients[0].mounts[0].hostPath",
    (v) => ({ clients: [{ name: "bareos-fd", mounts: [{ hostPath: v, containerPath: "/data" }] }] }),
  ],
  [
    "clients[0].mounts[0].containerPath",
    (v) => ({
      clients: [{ name: "bareos-fd", mounts: [{ hostPath: "/srv", containerPath: v }] }],
      fileSets: [{ name: "TestData", include: [v] }],
    }),
  ],
  ["clients[0].pluginDirectory", (v) => ({ clients: [{ name: "bareos-fd", pluginDirectory: v }] })],
  [
    "schedules[0].runs[0].when",
    (v) => ({ schedules: [{ name: "WeeklyCycle", runs: [{ level: "Full", when: v }] }] }),
  ],
  [
    "schedules[0].description",
    (v) => ({
      schedules: [{ name: "WeeklyCycle", description: v, runs: [{ level: "Full", when: "sun at 02:00" }] }],
    }),
  ],
  ["smtp.to[0]", (v) => ({ smtp: { to: [v] } })],
  ["smtp.from", (v) => ({ smtp: { from: v } })],
  ["smtp.smarthost", (v) => ({ smtp: { smarthost: v } })],
  ["storage.address", (v) => ({ storage: { address: v, publish: true } })],
  ["s3.endpoint", (v) => ({ s3: { provider: "existing", bucketName: "backups", endpoint: v } })],
  ["s3.program", (v) => ({ s3: { program: v } })],
  [
    "pools[0].description",
    (v) => ({
      pools: [
        {
          name: "Full",
          level: "Full",
          volumeRetention: "365 days",
          maximumVolumeBytes: "50 G",
          maximumVolumes: 10,
          labelFormat: "F-",
          description: v,
        },
      ],
    }),
  ],
  ["webui.users[0].name", (v) => ({ webui: { users: [{ name: v, profile: "webui-admin" }] } })],
];

const SPECIAL = [
  "\n",
  "\r",
  "\t",
  "\u0000",
  '"',
  "\\",
  "|",
  "<",
  "%",
  "${x}",
  "#",
  ";",
  "{",
  "}",
  "=",
  "\u200b",
  "\u202e",
  "\u0430",
  "\u2028",
  "\ufeff",
  ":",
  "~",
  "*",
  "[",
  "/",
  "..",
  " ",
];
const WORDS = [
  "yes",
  "no",
  "null",
  "true",
  "~",
  "0100",
  "Full",
  "/data",
  "a@b.c",
  "File",
  "Name",
  "bareos-fd",
];

const hostile = fc.oneof(
  fc
    .array(fc.oneof(fc.constantFrom(...SPECIAL), fc.constantFrom(...WORDS), fc.string({ maxLength: 4 })), {
      maxLength: 8,
    })
    .map((parts) => parts.join("")),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(...WORDS).map((w) => w.repeat(600)),
);

const SECRETS = { s3AccessKeyId: "AKIAEXAMPLE", s3SecretAccessKey: "secret" };
/** A line of a Bareos file as the serializer writes it: comment, `Keyword = value`, `Block {` or `}`. */
const LINE = /^(#.*|\s*[A-Za-z][A-Za-z ]*[A-Za-z] = .*|\s*[A-Za-z][A-Za-z ]*[A-Za-z] \{|\s*\})$/;

function check(key: string, values: Record<string, unknown>): void {
  const secretKeys = new Set(Object.keys(values).filter((k) => k in SECRETS));
  let settings;
  try {
    settings = parseSettings({ values, secretKeys }, ctx);
  } catch (e) {
    if (!(e instanceof SettingsError)) throw e;
    // Refused: one of the problems names exactly this key (other keys may follow from it).
    expect(e.problems.some((p) => p.startsWith(`${PROJECT}:${key}: `))).toBe(true);
    return;
  }
  const out = renderAll(settings, placeholderSecrets(settings), { bucketName: "backups" });
  // Bareos's own schema accepts every rendered file.
  if (schemas)
    expect(
      validateStack(renderSettings(settings), schemas)
        .filter((p) => p.severity === "error")
        .map(formatProblem),
    ).toEqual([]);
  const trees = [out.director, out.storage, ...Object.values(out.clients)];
  for (const tree of trees)
    for (const [path, file] of Object.entries(tree)) {
      if (!path.endsWith(".conf") || !path.includes(".d/")) continue;
      for (const line of file.content.split("\n").filter((l) => l !== "")) expect(line).toMatch(LINE);
      // A File/Plugin value never starts with | or < (Bareos would run or read it).
      expect(file.content).not.toMatch(/^\s*(File|Plugin) = "[|<\\]/m);
    }
}

const runs = Number(process.env.FC_RUNS ?? 2000);
const seed = Number(process.env.FC_SEED ?? 20261202);

test("a hostile value is refused under its key, or renders as data", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: TARGETS.length - 1 }), hostile, (i, v) => {
      const [key, build] = TARGETS[i]!;
      check(key, { ...build(v), ...(key === "s3.endpoint" ? SECRETS : {}) });
    }),
    { numRuns: runs, seed },
  );
});
