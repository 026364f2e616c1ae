// The files a renderer produces: below every renderer and render.ts, so neither imports the other's module.

export interface ConfigFile {
  readonly content: string;
  /** 0o640 for configuration, 0o600 for credential files. */
  readonly mode: number;
}

/** Absolute path inside the container -> file. */
export type FileTree = Readonly<Record<string, ConfigFile>>;
