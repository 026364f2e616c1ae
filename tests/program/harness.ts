// Runs index.ts against Pulumi's mock monitor (update mode) and records what the program registers:
// every resource with its inputs, options and outputs, every invoke, every component's outputs.
import * as fs from "node:fs";
import * as path from "node:path";
import type * as PulumiModule from "@pulumi/pulumi";
import { cliConfigOf } from "../../configs/settings";

export const PROJECT = "bareos-s3-backup";
export const ROOT = path.resolve(__dirname, "../..");
export const ACCOUNT = "123456789012";

type Pulumi = typeof PulumiModule;

/**
 * What the mocked Docker engine does with one-shot containers (`mustRun: false`): the named ones exit 1
 * with `failingLogs`, every other one exits 0. Tests set it before a run and reset it after.
 */
export const dockerMock = { failingContainers: new Set<string>(), failingLogs: "" };

/** A stand-in PEM block; its body is random so each key is a distinct secret value. */
function fakePem(label: string, body: string): string {
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

/** Stack config as the Pulumi CLI hands it to the program: all strings, and the secret keys. */
export interface StackConfig {
  readonly values: Record<string, string>;
  readonly secretKeys: string[];
}

export interface RecordedResource {
  readonly urn: string;
  /** The id the mock assigned (e.g. an AccessKey's key id). */
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  /** Inputs as the monitor received them: secrets are still RPC secret envelopes. */
  readonly rawInputs: Record<string, unknown>;
  /** Inputs with every secret envelope unwrapped, for assertions. */
  readonly inputs: Record<string, unknown>;
  /** What the mock returned (state), envelopes unwrapped. */
  readonly outputs: Record<string, unknown>;
  readonly parent: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly dependencies: string[];
  /** The provider reference ("<urn>::<id>"), empty for the default provider. */
  readonly provider: string;
  /** Outputs the engine stores as secrets (mocks ignore the option, so tests assert it was asked for). */
  readonly additionalSecretOutputs: string[];
}

export interface RecordedInvoke {
  readonly token: string;
  readonly inputs: Record<string, unknown>;
  readonly result: Record<string, unknown>;
}

export interface ProgramRun {
  /** The @pulumi/pulumi instance the program ran with (modules are isolated per run). */
  readonly pulumi: Pulumi;
  readonly resources: RecordedResource[];
  readonly invokes: RecordedInvoke[];
  /** registerOutputs of components, by URN, serialized (secrets as envelopes). */
  readonly componentOutputs: Map<string, unknown>;
  /** Every generated or configured credential: none may appear outside a secret envelope. */
  readonly secretValues: Set<string>;
  /** index.ts's exports. */
  readonly exports: Record<string, unknown>;
  byType(type: string): RecordedResource[];
  /** The single resource of a type (optionally whose name ends with `nameSuffix`); throws otherwise. */
  one(type: string, nameSuffix?: string): RecordedResource;
  /** Value and secretness of an Output (update mode: always resolves). */
  resolve<T>(o: PulumiModule.Output<T>): Promise<{ value: T; secret: boolean }>;
}

// ---------------------------------------------------------------- config

function toConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Plaintext stand-in for a `secure:` value of a stack file; long and unique so leaks are findable. */
export function secretPlaceholder(key: string): string {
  return `test-secret-${key}-0f3a9c1e7b`;
}

/**
 * Config from `Pulumi.<stack>.yaml`: keys kept fully qualified (`bareos-s3-backup:s3`, `aws:region`),
 * objects as JSON strings, `secure:` values replaced by placeholders and marked secret.
 */
export function stackFileConfig(stack: string, file = path.join(ROOT, `Pulumi.${stack}.yaml`)): StackConfig {
  const { values, secretKeys } = cliConfigOf(
    fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"),
    fs.readFileSync(file, "utf8"),
    stack,
    secretPlaceholder,
  );
  return { values: { ...values }, secretKeys: [...secretKeys] };
}

/** Inline config: `values` keyed without the project prefix, `secrets` set as secret config. */
export function inlineConfig(
  values: Record<string, unknown>,
  secrets: Record<string, string> = {},
  other: Record<string, string> = {},
): StackConfig {
  const out: Record<string, string> = { ...other };
  for (const [k, v] of Object.entries(values)) out[`${PROJECT}:${k}`] = toConfigString(v);
  for (const [k, v] of Object.entries(secrets)) out[`${PROJECT}:${k}`] = v;
  return { values: out, secretKeys: Object.keys(secrets).map((k) => `${PROJECT}:${k}`) };
}

// ---------------------------------------------------------------- fake provider values

/** Deterministic generator (mulberry32), so failures reproduce. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (alphabet: string, length: number): string => {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
    return out;
  };
}

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const DIGITS = "0123456789";
const DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

/** The alphabet a RandomPassword/RandomString would draw from, given its inputs. */
export function randomAlphabet(inputs: Record<string, unknown>): string {
  const on = (k: string) => inputs[k] !== false;
  return (
    (on("lower") ? LOWER : "") +
    (on("upper") ? UPPER : "") +
    (on("numeric") && on("number") ? DIGITS : "") +
    (on("special")
      ? typeof inputs.overrideSpecial === "string"
        ? inputs.overrideSpecial
        : DEFAULT_SPECIAL
      : "")
  );
}

// ---------------------------------------------------------------- secrets in serialized values

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function isEnvelope(v: unknown): v is { value: unknown } {
  return v !== null && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** A deep copy with every secret envelope replaced by its value. */
export function unwrapSecrets(v: unknown): unknown {
  if (isEnvelope(v)) return unwrapSecrets(v.value);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  return v;
}

/** Paths at which one of `secrets` occurs outside a secret envelope. */
export function leaks(v: unknown, secrets: ReadonlySet<string>, at = "$"): string[] {
  if (isEnvelope(v)) return [];
  if (typeof v === "string") return [...secrets].some((s) => v.includes(s)) ? [at] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => leaks(x, secrets, `${at}[${i}]`));
  if (v !== null && typeof v === "object")
    return Object.entries(v).flatMap(([k, x]) => leaks(x, secrets, `${at}.${k}`));
  return [];
}

// ---------------------------------------------------------------- getPolicyDocument

const oneOrMany = (v: unknown[]) => (v.length === 1 ? v[0] : v);

interface StatementInput {
  sid?: string;
  effect?: string;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/** Renders the statements the way the provider's `json` result does (single values unboxed). */
export function renderPolicyDocument(inputs: { statements?: StatementInput[] }): string {
  const statements = (inputs.statements ?? []).map((s) => {
    const out: Record<string, unknown> = {};
    if (s.sid) out.Sid = s.sid;
    out.Effect = s.effect ?? "Allow";
    if (s.actions) out.Action = oneOrMany(s.actions);
    if (s.notActions) out.NotAction = oneOrMany(s.notActions);
    if (s.resources) out.Resource = oneOrMany(s.resources);
    if (s.notResources) out.NotResource = oneOrMany(s.notResources);
    if (s.principals) {
      out.Principal =
        s.principals.length === 1 && s.principals[0].type === "*"
          ? "*"
          : Object.fromEntries(s.principals.map((p) => [p.type, oneOrMany(p.identifiers)]));
    }
    if (s.conditions) {
      const cond: Record<string, Record<string, unknown>> = {};
      for (const c of s.conditions) (cond[c.test] ??= {})[c.variable] = oneOrMany(c.values);
      out.Condition = cond;
    }
    return out;
  });
  return JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2);
}

// ---------------------------------------------------------------- the run

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDeletebeforereplace(): boolean;
  getProvider(): string;
  getAdditionalsecretoutputsList(): string[];
  getDependenciesList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface RegisterResponse {
  getUrn(): string;
  getId(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
type Callback<R> = (err: unknown, resp: R) => void;
interface MonitorLike {
  registerResource(req: RegisterRequest, cb: Callback<RegisterResponse>): Promise<void>;
  registerResourceOutputs(
    req: { getUrn(): string; getOutputs(): { toJavaScript(): unknown } | undefined },
    cb: Callback<unknown>,
  ): void;
}

/**
 * A program to run instead of index.ts; it must load project modules with `await import(...)` so it
 * gets the run's isolated copies. Its result stands in for the module's exports.
 */
export type Program = () => Promise<Record<string, unknown>>;

const indexProgram: Program = async () => (await import(path.join(ROOT, "index"))) as Record<string, unknown>;

/** What a registration asks of the engine beyond its inputs (the mocks see only type, name, inputs). */
export interface RegistrationOptions {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** URNs of the resources this one depends on (dependsOn and inputs). */
  readonly dependencies: string[];
}

export interface RunOptions {
  /** The program to run; index.ts by default. */
  readonly program?: Program;
  /**
   * The resource monitor's behaviour: by default fake provider values (deterministic ids, passwords and
   * keys, one-shot containers that exit 0); the end-to-end test passes an engine that creates the
   * resources for real.
   */
  readonly mocks?: (recorded: { secretValues: Set<string>; invokes: RecordedInvoke[] }) => PulumiMocks;
  /** Called with each registration's options just before the mocks create the resource. */
  readonly beforeRegister?: (options: RegistrationOptions) => void;
  /**
   * Milliseconds without a new RPC or rejection before the run counts as finished. With real resources a
   * failure (a gate's exit code) arrives long after the RPCs that caused it seemed done; a run that ended
   * too early would look successful. The fake mocks answer at once: 0.
   */
  readonly settleMs?: number;
  /**
   * Runs the program with fresh module instances. Jest's module isolation by default; a process of
   * its own (the e2e realizer's, as `pulumi up` runs the program) needs none. Only outside Jest do
   * the runtime's late failures arrive as the `unhandledRejection` the run listens for: inside, Jest
   * takes them (a test of a failing program consumes the failing Output itself).
   */
  readonly isolate?: (run: () => Promise<void>) => Promise<void>;
}

type PulumiMocks = Parameters<Pulumi["runtime"]["setMocks"]>[0];

/** Runs index.ts (or `program`) with `config` as stack `stack`; rejects with the program's error. */
export async function runProgram(
  stack: string,
  config: StackConfig,
  options?: Program | RunOptions,
): Promise<ProgramRun> {
  const { run, error } = await tryRunProgram(stack, config, options);
  if (error !== undefined) throw error;
  return run;
}

/** Runs index.ts and returns what was recorded even when the program threw. */
export async function tryRunProgram(
  stack: string,
  config: StackConfig,
  options: Program | RunOptions = {},
): Promise<{ run: ProgramRun; error: unknown }> {
  const opts = typeof options === "function" ? { program: options } : options;
  let result: { run: ProgramRun; error: unknown } | undefined;
  const isolate = opts.isolate ?? ((run) => jest.isolateModulesAsync(run));
  await isolate(async () => {
    result = await runIsolated(stack, config, opts);
  });
  if (result === undefined) throw new Error("the isolated run did not complete");
  return result;
}

/** The default monitor: stand-in provider values, deterministic so failures reproduce. */
function fakeMocks(recorded: { secretValues: Set<string>; invokes: RecordedInvoke[] }): PulumiMocks {
  const { secretValues, invokes } = recorded;
  const gen = generator(0x5eed);
  return {
    newResource(args) {
      const inputs = unwrapSecrets(args.inputs) as Record<string, unknown>;
      // Echo the raw inputs so secret inputs come back as secret outputs.
      const state: Record<string, unknown> = { ...args.inputs };
      let id = `${args.name}-id`;
      switch (args.type) {
        case "aws:s3/bucket:Bucket": {
          id = typeof inputs.bucket === "string" ? inputs.bucket : `${args.name}-${gen(LOWER + DIGITS, 7)}`;
          Object.assign(state, { bucket: id, arn: `arn:aws:s3:::${id}`, region: inputs.region });
          break;
        }
        case "aws:iam/user:User": {
          const name =
            typeof inputs.name === "string" ? inputs.name : `${args.name}-${gen(LOWER + DIGITS, 7)}`;
          id = name;
          Object.assign(state, {
            name,
            arn: `arn:aws:iam::${ACCOUNT}:user${String(inputs.path ?? "/")}${name}`,
          });
          break;
        }
        case "aws:iam/userPolicy:UserPolicy":
          id = `${String(inputs.user)}:${args.name}`;
          break;
        case "aws:iam/accessKey:AccessKey": {
          id = `AKIA${gen(UPPER + DIGITS, 16)}`;
          const secret = gen(LOWER + UPPER + DIGITS + "/+", 40);
          secretValues.add(id);
          secretValues.add(secret);
          const sesSmtpPasswordV4 = gen(LOWER + UPPER + DIGITS, 44);
          secretValues.add(sesSmtpPasswordV4);
          Object.assign(state, { secret, sesSmtpPasswordV4, status: "Active" });
          break;
        }
        case "random:index/randomPassword:RandomPassword": {
          const result = gen(randomAlphabet(inputs), Number(inputs.length));
          secretValues.add(result);
          id = "none";
          Object.assign(state, { result });
          break;
        }
        case "docker:index/container:Container": {
          id = `${String(inputs.name)}-container-id`;
          if (inputs.mustRun === false) {
            const fails = dockerMock.failingContainers.has(String(inputs.name));
            Object.assign(state, {
              exitCode: fails ? 1 : 0,
              containerLogs: fails ? dockerMock.failingLogs : "Configuration OK\n",
            });
          }
          break;
        }
        case "docker:index/remoteImage:RemoteImage":
          id = `sha256:${gen("0123456789abcdef", 64)}`;
          Object.assign(state, { imageId: id, repoDigest: `${String(inputs.name)}@${id}` });
          break;
        case "docker:index/network:Network":
        case "docker:index/volume:Volume":
          id = String(inputs.name);
          break;
        case "tls:index/privateKey:PrivateKey": {
          const privateKeyPem = fakePem("PRIVATE KEY", gen(LOWER + UPPER + DIGITS, 64));
          secretValues.add(privateKeyPem.trim());
          Object.assign(state, { privateKeyPem, publicKeyPem: fakePem("PUBLIC KEY", gen(LOWER, 32)) });
          break;
        }
        case "tls:index/selfSignedCert:SelfSignedCert":
          Object.assign(state, { certPem: fakePem("CERTIFICATE", gen(LOWER + UPPER + DIGITS, 64)) });
          break;
        case "random:index/randomString:RandomString": {
          const result = gen(randomAlphabet(inputs), Number(inputs.length));
          id = result;
          Object.assign(state, { result });
          break;
        }
      }
      return { id, state };
    },
    call(args) {
      const inputs = unwrapSecrets(args.inputs) as Record<string, unknown>;
      let result: Record<string, unknown>;
      if (args.token === "aws:iam/getPolicyDocument:getPolicyDocument") {
        const json = renderPolicyDocument(inputs as { statements?: StatementInput[] });
        result = { ...inputs, id: "policy", json, minifiedJson: JSON.stringify(JSON.parse(json)) };
      } else {
        throw new Error(`unexpected invoke ${args.token}`);
      }
      invokes.push({ token: args.token, inputs, result });
      return result;
    },
  };
}

async function runIsolated(
  stack: string,
  config: StackConfig,
  options: RunOptions,
): Promise<{ run: ProgramRun; error: unknown }> {
  const pulumi: Pulumi = await import("@pulumi/pulumi");
  const resources: RecordedResource[] = [];
  const invokes: RecordedInvoke[] = [];
  const componentOutputs = new Map<string, unknown>();
  const secretValues = new Set<string>();
  const program = options.program ?? indexProgram;

  for (const key of config.secretKeys) secretValues.add(config.values[key]);

  await pulumi.runtime.setMocks(
    (options.mocks ?? fakeMocks)({ secretValues, invokes }),
    PROJECT,
    stack,
    false,
  );

  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    options.beforeRegister?.({
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      protect: req.getProtect(),
      retainOnDelete: req.getRetainondelete(),
      dependencies: req.getDependenciesList(),
    });
    return register(req, (err, resp) => {
      if (!err) {
        const rawInputs = req.getObject()?.toJavaScript() ?? {};
        resources.push({
          urn: resp.getUrn(),
          id: resp.getId(),
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          rawInputs,
          inputs: unwrapSecrets(rawInputs) as Record<string, unknown>,
          outputs: unwrapSecrets(resp.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
          parent: req.getParent(),
          protect: req.getProtect(),
          retainOnDelete: req.getRetainondelete(),
          dependencies: req.getDependenciesList(),
          provider: req.getProvider(),
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        });
      }
      cb(err, resp);
    });
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    componentOutputs.set(req.getUrn(), req.getOutputs()?.toJavaScript());
    registerOutputs(req, cb);
  };

  pulumi.runtime.setAllConfig(config.values, config.secretKeys);

  let programExports: Record<string, unknown> = {};
  let error: unknown;
  // An error thrown inside an apply that feeds a resource (a failed configuration gate) fails that
  // registration asynchronously; `pulumi up` reports it as the program's error, so record it as one.
  let rejections = 0;
  const onRejection = (reason: unknown) => {
    rejections++;
    error ??= reason;
  };
  process.on("unhandledRejection", onRejection);
  try {
    try {
      programExports = await program();
    } catch (e) {
      error = e;
    }
    // Resources waiting on invokes register later: drain every outstanding RPC.
    const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    if (waitForRPCs === undefined) throw new Error("@pulumi/pulumi has no runtime.waitForRPCs");
    await waitForRPCs().catch((e: unknown) => {
      error ??= e;
    });
    // Let rejections of the last microtasks arrive.
    await new Promise((resolve) => setImmediate(resolve));
    for (let quiet = 0, seen = rejections; options.settleMs && quiet < 3; seen = rejections) {
      await new Promise((resolve) => setTimeout(resolve, options.settleMs));
      await waitForRPCs().catch((e: unknown) => {
        error ??= e;
      });
      quiet = rejections === seen ? quiet + 1 : 0;
    }
  } finally {
    process.off("unhandledRejection", onRejection);
  }

  const run: ProgramRun = {
    pulumi,
    resources,
    invokes,
    componentOutputs,
    secretValues,
    exports: programExports,
    byType: (type) => resources.filter((r) => r.type === type),
    one(type, nameSuffix) {
      const found = resources.filter(
        (r) => r.type === type && (nameSuffix === undefined || r.name.endsWith(nameSuffix)),
      );
      if (found.length !== 1)
        throw new Error(
          `expected one ${type}${nameSuffix ? ` named *${nameSuffix}` : ""}, found ${found.length}`,
        );
      return found[0];
    },
    async resolve<T>(o: PulumiModule.Output<T>) {
      const value = await new Promise<T>((resolve) => o.apply((v) => resolve(v)));
      return { value, secret: await pulumi.isSecret(o) };
    },
  };
  return { run, error };
}

// ---------------------------------------------------------------- shared checks

/** Every place a credential appears in clear: resource inputs, component outputs, non-secret stack outputs. */
export async function secretLeaks(run: ProgramRun): Promise<string[]> {
  const found: string[] = [];
  for (const r of run.resources) found.push(...leaks(r.rawInputs, run.secretValues, `${r.urn} inputs`));
  for (const [urn, outputs] of run.componentOutputs)
    found.push(...leaks(outputs, run.secretValues, `${urn} outputs`));
  for (const [key, value] of Object.entries(run.exports)) {
    if (!run.pulumi.Output.isInstance(value)) {
      found.push(...leaks(value, run.secretValues, `export ${key}`));
      continue;
    }
    const resolved = await run.resolve(value);
    if (!resolved.secret) found.push(...leaks(resolved.value, run.secretValues, `export ${key}`));
  }
  return found;
}

/** Parsed JSON of a string input (policies). */
export function jsonInput(r: RecordedResource, key: string): unknown {
  const v = r.inputs[key];
  if (typeof v !== "string") throw new Error(`${r.name}.${key} is not a JSON string`);
  return JSON.parse(v);
}

export const T = {
  bucket: "aws:s3/bucket:Bucket",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  user: "aws:iam/user:User",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  accessKey: "aws:iam/accessKey:AccessKey",
  password: "random:index/randomPassword:RandomPassword",
  randomString: "random:index/randomString:RandomString",
  bareosBackup: "bareos:index:BareosBackup",
  secrets: "bareos:secrets:Secrets",
  backupBucket: "bareos:backupBucket:BackupBucket",
  container: "docker:index/container:Container",
  image: "docker:index/remoteImage:RemoteImage",
  network: "docker:index/network:Network",
  volume: "docker:index/volume:Volume",
  privateKey: "tls:index/privateKey:PrivateKey",
  cert: "tls:index/selfSignedCert:SelfSignedCert",
  gate: "bareos:gate:ConfigGate",
} as const;

/** Resource types of the Docker side of every stack. */
export const DOCKER_TYPES = [T.container, T.image, T.network, T.volume];
