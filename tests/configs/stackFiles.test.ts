// Every stack file in the repository, and a matrix of backend x version x clients x encryption, renders
// to configuration Bareos' own schema of that version accepts without a single error.
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { PROJECT } from "../../configs/settings";
import { defaultSchemaDir, loadSchemas, schemasAvailable } from "../../configs/schema/load";
import { formatProblem } from "../../configs/schema/validate";
import { stackNames } from "../../scripts/render";
import { StackRender, renderStack, validateStack } from "../../scripts/renderStack";

const ROOT = path.resolve(__dirname, "../..");
const PROJECT_YAML = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
const schemaDir = defaultSchemaDir();

const haveSchemas = schemasAvailable(schemaDir);
if (!haveSchemas) {
  // Under CI a missing input is a failure, never a skip.
  if (process.env.CI) throw new Error("Bareos config schemas are missing (set BAREOS_SCHEMA_DIR)");
  console.warn(
    `Bareos config schemas not found in ${schemaDir} (set BAREOS_SCHEMA_DIR): skipping the stack file schema checks`,
  );
}
const withSchemas = haveSchemas ? describe : describe.skip;

function errors(r: StackRender): string[] {
  return validateStack(r, loadSchemas(schemaDir, r.settings.bareosVersion))
    .filter((p) => p.severity === "error")
    .map(formatProblem);
}

const stacks = stackNames(ROOT);

it("finds the repository's stack files", () => {
  expect(stacks).toEqual(expect.arrayContaining(["dev", "prod"]));
});

withSchemas("the repository's stack files", () => {
  it.each(stacks)("Pulumi.%s.yaml renders with no schema errors", (stack) => {
    const r = renderStack(
      PROJECT_YAML,
      fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"),
      stack,
      ROOT,
    );
    expect(Object.keys(r.files).length).toBeGreaterThan(0);
    expect(errors(r)).toEqual([]);
  });
});

// dplcompat exists from Bareos 24; droplet on every supported version.
const combos = [
  ["droplet", "22"],
  ["droplet", "24"],
  ["droplet", "25"],
  ["dplcompat", "24"],
  ["dplcompat", "25"],
] as const;
const matrix = combos.flatMap(([backend, version]) =>
  [1, 3].flatMap((clients) =>
    [false, true].map((encryption) => [backend, version, clients, encryption] as const),
  ),
);

function stackFor(version: string, backend: string, clientCount: number, encryption: boolean): string {
  const clients = [
    { name: "bareos-fd", encryption },
    {
      name: "app-fd",
      encryption,
      maximumBandwidthPerJob: "20 m/s",
      mounts: [{ hostPath: "/srv/app", containerPath: "/srv/app" }],
    },
    { name: "legacy-host", managed: false, address: "legacy.example.com", port: 9202, encryption },
  ].slice(0, clientCount);
  const values: Record<string, unknown> = {
    bareosVersion: version,
    s3: { backend, region: "eu-central-1", storageClass: "STANDARD_IA" },
    clients,
    fileSets: [
      { name: "TestData", include: ["/data"], exclude: ["*.tmp", "/data/cache"] },
      { name: "App", include: ["/srv/app"], signature: "SHA256", compression: "GZIP" },
    ],
    jobs: clients.map((c, i) => ({
      name: `backup-${c.name}`,
      client: c.name,
      fileSet: i === 0 ? "TestData" : "App",
      schedule: "WeeklyCycle",
    })),
    ...(clientCount > 1
      ? { storage: { address: "backup.example.com", publish: true, bindAddress: "192.0.2.10" } }
      : {}),
  };
  return stringify({
    config: Object.fromEntries(Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, v])),
  });
}

withSchemas("backend x version x clients x encryption", () => {
  it.each(matrix)(
    "%s on Bareos %s, %d client(s), encryption %s: no schema errors",
    (backend, version, n, enc) => {
      const r = renderStack(PROJECT_YAML, stackFor(version, backend, n, enc), "matrix", ROOT);
      expect(r.settings.s3.backend).toBe(backend);
      // The user's clients plus the stack's own catalog client.
      expect(r.settings.clients.filter((c) => !c.stackOwned)).toHaveLength(n);
      expect(r.settings.clients.map((c) => c.name)).toContain("bareos-catalog-fd");
      expect(r.settings.clients.filter((c) => !c.managed)).toHaveLength(n === 3 ? 1 : 0);
      expect(errors(r)).toEqual([]);
    },
  );
});
