// s3rver 3.x ships no types; only what the adapter tests use.
declare module "s3rver" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export interface S3rverOptions {
    directory: string;
    silent?: boolean;
    address?: string;
    port?: number;
  }

  export default class S3rver {
    constructor(options: S3rverOptions);
    /** The Koa request handler, to mount on one's own HTTP server. */
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }
}
