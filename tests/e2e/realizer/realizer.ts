// The realizer: runs the program on Pulumi's mock monitor (tests/program/harness.ts), but the monitor
// creates every resource for real and answers with real outputs, so the program's own logic (the
// configuration gates' exit-code check) runs on real results, as under `pulumi up`. It keeps the state
// between runs: a second run diffs each resource's inputs against it and replaces only what changed.
import * as fs from "node:fs";
import Docker from "dockerode";
import {
  RegistrationOptions,
  StackConfig,
  ProgramRun,
  tryRunProgram,
  unwrapSecrets,
} from "../../program/harness";
import { containerHandler } from "./container";
import { Handler, HandlerContext, Realized, RealizerEvent, since } from "./handler";
import { imageHandler } from "./image";
import { canonical, checkInputs } from "./inputs";
import { networkHandler, volumeHandler } from "./network";
import {
  privateKeyHandler,
  randomPasswordHandler,
  randomStringHandler,
  selfSignedCertHandler,
} from "./secrets";

export const HANDLERS: Readonly<Record<string, Handler>> = {
  "docker:index/container:Container": containerHandler,
  "docker:index/remoteImage:RemoteImage": imageHandler,
  "docker:index/network:Network": networkHandler,
  "docker:index/volume:Volume": volumeHandler,
  "random:index/randomPassword:RandomPassword": randomPasswordHandler,
  "random:index/randomString:RandomString": randomStringHandler,
  "tls:index/privateKey:PrivateKey": privateKeyHandler,
  "tls:index/selfSignedCert:SelfSignedCert": selfSignedCertHandler,
};

/**
 * A change to what the program declares, as data (it crosses into the realizing process): in every
 * container upload of `file`, the first match of `pattern` replaced, e.g. to corrupt one rendered file.
 */
export interface UploadEdit {
  readonly file: string;
  readonly pattern: string;
  readonly replacement: string;
}

export function applyEdit(
  type: string,
  inputs: Record<string, unknown>,
  edit?: UploadEdit,
): Record<string, unknown> {
  if (!edit || type !== "docker:index/container:Container" || !Array.isArray(inputs.uploads)) return inputs;
  const uploads = inputs.uploads as { file: string; content?: string }[];
  if (!uploads.some((u) => u.file === edit.file)) return inputs;
  return {
    ...inputs,
    uploads: uploads.map((u) =>
      u.file === edit.file
        ? { ...u, content: String(u.content).replace(new RegExp(edit.pattern), edit.replacement) }
        : u,
    ),
  };
}

export interface RealizeResult {
  readonly run: ProgramRun;
  /** The program's error (a failed gate, an unhealthy container), as `pulumi up` would report it. */
  readonly error: unknown;
  readonly events: readonly RealizerEvent[];
  /** Names of the resources created, replaced, kept and deleted in this run. */
  readonly created: readonly string[];
  readonly replaced: readonly string[];
  readonly kept: readonly string[];
  readonly deleted: readonly string[];
}

const key = (type: string, name: string) => `${type}::${name}`;

export class Realizer {
  private readonly state = new Map<string, Realized>();
  /** Creation order, for deleting in reverse. */
  private readonly order: string[] = [];
  readonly docker: Docker;

  constructor(
    private readonly logDir: string,
    /** The engine: DOCKER_HOST, as the provider reads it. */
    docker = new Docker(),
  ) {
    this.docker = docker;
  }

  /** The state a previous realization saved (none: an empty stack). */
  static load(stateFile: string, logDir: string): Realizer {
    const r = new Realizer(logDir);
    if (fs.existsSync(stateFile)) {
      for (const res of JSON.parse(fs.readFileSync(stateFile, "utf8")) as Realized[]) {
        const k = key(res.type, res.name);
        r.state.set(k, res);
        r.order.push(k);
      }
    }
    return r;
  }

  save(stateFile: string): void {
    fs.writeFileSync(stateFile, JSON.stringify(this.resources(), null, 1), { mode: 0o600 });
  }

  /** What the realizer holds for a resource (by its Pulumi name), e.g. a container's id. */
  get(type: string, name: string): Realized | undefined {
    return this.state.get(key(type, name));
  }

  resources(): Realized[] {
    return this.order.map((k) => this.state.get(k)).filter((r): r is Realized => r !== undefined);
  }

  /** Runs the program as stack `stack` and realizes what it declares. */
  async realize(stack: string, config: StackConfig, edit?: UploadEdit): Promise<RealizeResult> {
    const events: RealizerEvent[] = [];
    const ctx: HandlerContext = { docker: this.docker, logDir: this.logDir, event: (e) => events.push(e) };
    const options = new Map<string, RegistrationOptions>();
    const seen = new Set<string>();
    const created: string[] = [];
    const replaced: string[] = [];
    const kept: string[] = [];
    const pendingDeletes: Realized[] = [];

    const realizeOne = async (type: string, name: string, rawInputs: Record<string, unknown>) => {
      const k = key(type, name);
      seen.add(k);
      const handler = HANDLERS[type];
      if (handler === undefined)
        throw new Error(`the e2e realizer does not implement resource type ${type} (${name})`);
      const inputs = applyEdit(type, unwrapSecrets(rawInputs) as Record<string, unknown>, edit);
      checkInputs(type, name, inputs, handler.spec);
      const prev = this.state.get(k);
      if (prev && canonical(prev.inputs) === canonical(inputs)) {
        kept.push(name);
        events.push({ op: "keep", type, name, seconds: 0 });
        return prev;
      }
      const opts = options.get(k);
      const start = performance.now();
      if (prev) {
        if (opts?.deleteBeforeReplace) {
          await handler.delete(prev, ctx);
          this.state.delete(k);
        } else {
          pendingDeletes.push(prev);
        }
      }
      const { id, outputs } = await handler.create(name, inputs, ctx);
      const realized: Realized = {
        type,
        name,
        id,
        inputs,
        outputs,
        deleteBeforeReplace: opts?.deleteBeforeReplace ?? false,
        retainOnDelete: opts?.retainOnDelete ?? false,
      };
      this.state.set(k, realized);
      if (!this.order.includes(k)) this.order.push(k);
      (prev ? replaced : created).push(name);
      events.push({ op: prev ? "replace" : "create", type, name, seconds: since(start) });
      return realized;
    };

    const { run, error } = await tryRunProgram(stack, config, {
      // A process of its own per realization, as `pulumi up`: late failures arrive as rejections.
      isolate: (fn) => fn(),
      settleMs: 500,
      beforeRegister: (o) => options.set(key(o.type, o.name), o),
      mocks: () => ({
        async newResource(args) {
          const custom = args.custom ?? true;
          if (!custom || args.type.startsWith("pulumi:providers:")) {
            if (args.type === "pulumi:providers:docker" && args.inputs.host !== undefined) {
              throw new Error(
                `the e2e realizer uses DOCKER_HOST; the program sets docker.host ${String(args.inputs.host)}`,
              );
            }
            return { id: `${args.name}-id`, state: { ...args.inputs } };
          }
          const r = await realizeOne(args.type, args.name, args.inputs as Record<string, unknown>);
          // Raw inputs echoed, so secret inputs stay secret outputs; then what the provider computed.
          return { id: r.id, state: { ...args.inputs, ...r.outputs } };
        },
        call(args) {
          throw new Error(`the e2e realizer does not implement invoke ${args.token}`);
        },
      }),
    });

    const deleted: string[] = [];
    // As `pulumi up`: replaced resources go at the end; unregistered ones only after a successful run.
    const gone =
      error === undefined
        ? this.resources()
            .filter((r) => !seen.has(key(r.type, r.name)))
            .reverse()
        : [];
    for (const r of [...pendingDeletes, ...gone]) {
      await this.deleteOne(r, ctx, events);
      deleted.push(r.name);
    }
    return { run, error, events, created, replaced, kept, deleted };
  }

  /** `pulumi destroy`: every resource, newest first (retained ones are left in place). */
  async destroy(): Promise<RealizerEvent[]> {
    const events: RealizerEvent[] = [];
    const ctx: HandlerContext = { docker: this.docker, logDir: this.logDir, event: (e) => events.push(e) };
    for (const r of this.resources().reverse()) {
      if (!r.retainOnDelete) await this.deleteOne(r, ctx, events);
      this.state.delete(key(r.type, r.name));
    }
    this.order.length = 0;
    return events;
  }

  private async deleteOne(r: Realized, ctx: HandlerContext, events: RealizerEvent[]) {
    const start = performance.now();
    await HANDLERS[r.type].delete(r, ctx);
    const k = key(r.type, r.name);
    if (this.state.get(k) === r) {
      this.state.delete(k);
      this.order.splice(this.order.indexOf(k), 1);
    }
    events.push({ op: "delete", type: r.type, name: r.name, seconds: since(start) });
  }
}
