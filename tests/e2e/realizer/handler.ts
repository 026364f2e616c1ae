// The contract between the realizer and the code that creates one type of resource for real.
import type Docker from "dockerode";
import type { InputSpec, Inputs } from "./inputs";

/** A resource as the realizer keeps it between runs (its "state"). */
export interface Realized {
  readonly type: string;
  readonly name: string;
  readonly id: string;
  /** The inputs it was created with, secrets unwrapped: the next run diffs against them. */
  readonly inputs: Inputs;
  /** What the provider computes (image ids, exit codes, generated passwords). */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Options of its registration. */
  readonly deleteBeforeReplace: boolean;
  readonly retainOnDelete: boolean;
}

export interface RealizerEvent {
  readonly op: "create" | "replace" | "keep" | "delete" | "build" | "pull" | "wait";
  readonly type: string;
  readonly name: string;
  readonly seconds: number;
  readonly detail?: string;
}

export interface HandlerContext {
  readonly docker: Docker;
  /** Where build logs and other long outputs go. */
  readonly logDir: string;
  event(e: RealizerEvent): void;
}

export interface Handler {
  /** The inputs this handler implements; any other input is an error. */
  readonly spec: InputSpec;
  create(
    name: string,
    inputs: Inputs,
    ctx: HandlerContext,
  ): Promise<{ id: string; outputs: Record<string, unknown> }>;
  delete(resource: Realized, ctx: HandlerContext): Promise<void>;
}

/** Seconds since `start` (a `performance.now()` reading), one decimal. */
export function since(start: number): number {
  return Math.round((performance.now() - start) / 100) / 10;
}

/** Is this a "not found" answer of the Docker Engine API? */
export function isNotFound(e: unknown): boolean {
  return (e as { statusCode?: number }).statusCode === 404;
}
