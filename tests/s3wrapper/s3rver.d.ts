// The part of s3rver 3.7's API the wrapper tests use (the package ships no types).
declare module "s3rver" {
  import type { Server } from "http";
  import type { Readable } from "stream";

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    configureBuckets?: { name: string }[];
  }

  interface StoredObject {
    bucket: string;
    key: string;
    metadata: Record<string, string>;
    content: Readable | Buffer;
  }

  interface FilesystemStore {
    getResourcePath(bucket: string, key: string, resource: string): string;
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
    putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
  }

  class S3rver {
    constructor(options: S3rverOptions);
    readonly store: FilesystemStore;
    /** Set by run(). */
    readonly httpServer: Server;
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }

  export = S3rver;
}

declare module "s3rver/lib/models/error" {
  /** s3rver's S3 error: its code and message become the XML error answer, with `status`. */
  class S3Error extends Error {
    constructor(code: string, message: string, detail?: Record<string, string>);
    code: string;
    status: number;
  }
  export = S3Error;
}
