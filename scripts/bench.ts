/**
 * How settings validation, rendering and schema validation scale with the number of clients:
 *
 *   npm run bench
 *   node --expose-gc -r ts-node/register/transpile-only scripts/bench.ts   # steadier memory figures
 *
 * For 1, 50 and 500 clients (each with a job; every third unmanaged, every other one encrypted) prints
 * the median time of each phase, the heap growth and the time per client, and warns when the time per
 * client at 500 exceeds 3x that at 50 (super-linear growth). Schema validation is skipped when the
 * schemas are absent. A measurement, not a test: it never fails on timing.
 */
import { parseSettings, Settings } from "../configs/settings";
import { defaultSchemaDir, loadSchemas, schemasAvailable } from "../configs/schema/load";
import { renderSettings, validateStack } from "./renderStack";

const SIZES = [1, 50, 500];
const SUPERLINEAR = 3;

/** Raw stack config with `n` clients and one job per client. */
export function benchConfig(n: number): Record<string, unknown> {
  const clients = Array.from({ length: n }, (_, i) =>
    i % 3 === 2
      ? { name: `client-${i}`, managed: false, address: `host-${i}.example.com`, encryption: i % 2 === 0 }
      : { name: `client-${i}`, managed: true, encryption: i % 2 === 0 },
  );
  return {
    bareosVersion: "25",
    s3: { bucketName: "bench-bucket" },
    storage: { address: "backup.example.com", publish: true, bindAddress: "192.0.2.10" },
    fileSets: [
      { name: "Data", include: ["/data"], exclude: ["*.tmp"] },
      { name: "Etc", include: ["/etc"] },
    ],
    clients,
    jobs: clients.map((c, i) => ({
      name: `backup-${c.name}`,
      client: c.name,
      fileSet: i % 2 === 0 ? "Data" : "Etc",
      schedule: "WeeklyCycle",
    })),
  };
}

function parse(n: number): Settings {
  return parseSettings(
    { values: benchConfig(n), secretKeys: new Set() },
    { stack: "bench", projectDir: "/" },
  );
}

const gc = (globalThis as { gc?: () => void }).gc;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Row {
  clients: number;
  files: number;
  parseMs: number;
  renderMs: number;
  validateMs?: number;
  totalMs: number;
  heapMiB: number;
}

function measure(n: number, runs: number, schemas: ReturnType<typeof loadSchemas> | undefined): Row {
  const t = {
    parse: [] as number[],
    render: [] as number[],
    validate: [] as number[],
    total: [] as number[],
  };
  let heapPeak = 0;
  let files = 0;
  for (let run = 0; run < runs; run++) {
    gc?.();
    const base = process.memoryUsage().heapUsed;
    const heap = () => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed - base));
    const t0 = now();
    const settings = parse(n);
    const t1 = now();
    heap();
    const r = renderSettings(settings);
    const t2 = now();
    heap();
    if (schemas) {
      const errors = validateStack(r, schemas).filter((p) => p.severity === "error");
      if (errors.length > 0) throw new Error(`${n} clients: ${errors.length} schema error(s)`);
    }
    const t3 = now();
    heap();
    files = Object.keys(r.files).length;
    t.parse.push(t1 - t0);
    t.render.push(t2 - t1);
    t.validate.push(t3 - t2);
    t.total.push(t3 - t0);
  }
  return {
    clients: n,
    files,
    parseMs: median(t.parse),
    renderMs: median(t.render),
    validateMs: schemas ? median(t.validate) : undefined,
    totalMs: median(t.total),
    heapMiB: heapPeak / 2 ** 20,
  };
}

function main(): void {
  const schemaDir = defaultSchemaDir();
  const schemas = schemasAvailable(schemaDir, "25") ? loadSchemas(schemaDir, "25") : undefined;
  if (!schemas) console.warn(`warning: no Bareos 25 schema in ${schemaDir}: schema validation not measured`);
  // Warm-up: module loading and JIT would otherwise land on the first size.
  measure(50, 2, schemas);

  const rows = SIZES.map((n) => measure(n, n >= 500 ? 5 : 7, schemas));
  const f = (x: number | undefined, d = 1) => (x === undefined ? "-" : x.toFixed(d));
  const table = [
    ["clients", "files", "parse ms", "render ms", "validate ms", "total ms", "ms/client", "heap MiB"],
    ...rows.map((r) => [
      String(r.clients),
      String(r.files),
      f(r.parseMs),
      f(r.renderMs),
      f(r.validateMs),
      f(r.totalMs),
      f(r.totalMs / r.clients, 3),
      f(r.heapMiB),
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  console.log(`Median of 5-7 runs, Node ${process.version}${gc ? ", gc between runs" : ""}`);
  for (const row of table) console.log(row.map((cell, c) => cell.padStart(widths[c])).join("  "));
  console.log(`max RSS of the process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

  const per = (n: number) => {
    const r = rows.find((x) => x.clients === n);
    return r ? r.totalMs / r.clients : NaN;
  };
  const ratio = per(500) / per(50);
  if (ratio > SUPERLINEAR) {
    console.warn(
      `warning: time per client grows super-linearly: ${ratio.toFixed(1)}x from 50 to 500 clients (limit ${SUPERLINEAR}x)`,
    );
  } else {
    console.log(`time per client from 50 to 500 clients: ${ratio.toFixed(2)}x (linear is 1x)`);
  }
}

if (require.main === module) main();
