import { IncomingMessage } from "node:http";

type Fetch = (request: Request, env?: { incoming?: unknown }) => Response | Promise<Response>;

const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json\b/i;

function readAll(incoming: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    incoming.on("error", reject);
  });
}

/**
 * JSON request bodies read straight from Node's request stream. @hono/node-server builds a full
 * WHATWG Request (body stream, abort signal) the moment a body is read, which costs more than the
 * rest of a small POST; here the bytes are read once and the request answers `text()`/`json()` from
 * them. The buffer is also left as `rawBody`, which @hono/node-server uses should anything still ask
 * for the full Request.
 */
export function withBufferedJsonBodies(fetch: Fetch): Fetch {
  return async (request, env) => {
    const incoming = env?.incoming instanceof IncomingMessage ? env.incoming : undefined;
    const type = incoming?.headers["content-type"];
    if (!incoming || request.method === "GET" || request.method === "HEAD" || !type || !JSON_TYPE.test(type)) {
      return fetch(request, env);
    }
    const body = await readAll(incoming);
    Object.assign(incoming, { rawBody: body });
    const text = () => Promise.resolve(body.toString("utf8"));
    Object.defineProperties(request, {
      text: { value: text },
      json: { value: () => text().then((value) => JSON.parse(value)) },
      arrayBuffer: {
        value: () => Promise.resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)),
      },
    });
    return fetch(request, env);
  };
}
