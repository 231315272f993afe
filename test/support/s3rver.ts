import { createHash, createHmac } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import S3rver from "s3rver";

/** s3rver knows exactly one account: these are its (public, dummy) credentials. */
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/**
 * An s3rver on 127.0.0.1 (random port, temp dir) with one bucket. s3rver checks a presigned URL's expiry
 * but not its SigV4 signature, so a front checks presigned signatures the way S3 does (a request whose
 * path, query or signed headers differ from what was signed gets 403 SignatureDoesNotMatch).
 */
export async function startS3rver(bucket = "orderflow-test") {
  const s3rver = new S3rver({ directory: mkdtempSync(join(tmpdir(), "orderflow-s3rver-")), silent: true });
  const handle = s3rver.callback();
  const server = createServer((request, response) => {
    if (new URL(request.url ?? "/", "http://s3").searchParams.has("X-Amz-Signature")) {
      if (!presignedSignatureMatches(request, CREDENTIALS.secretAccessKey)) {
        response.writeHead(403, { "content-type": "application/xml" });
        response.end("<Error><Code>SignatureDoesNotMatch</Code></Error>");
        return;
      }
    }
    handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await createS3Client(endpoint).send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    endpoint,
    bucket,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A client for s3rver. `WHEN_REQUIRED` checksums are needed there: with the SDK default, streamed uploads
 * are stored with their aws-chunked framing inside. `sdkDefaultChecksums` gives the client Lambda gets.
 */
export function createS3Client(endpoint: string, { sdkDefaultChecksums = false } = {}): S3Client {
  const checksums: Partial<S3ClientConfig> = sdkDefaultChecksums
    ? {}
    : { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" };
  return new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: CREDENTIALS, ...checksums });
}

/** SigV4 query-string verification (UNSIGNED-PAYLOAD), computed from the request as it arrived. */
function presignedSignatureMatches(request: IncomingMessage, secretAccessKey: string): boolean {
  const [path = "/", rawQuery = ""] = (request.url ?? "/").split("?", 2);
  const query = new URLSearchParams(rawQuery);
  const provided = query.get("X-Amz-Signature");
  const credential = query.get("X-Amz-Credential")?.split("/") ?? [];
  const amzDate = query.get("X-Amz-Date");
  const signedHeaders = query.get("X-Amz-SignedHeaders");
  if (!provided || credential.length !== 5 || !amzDate || !signedHeaders) return false;

  const canonicalQuery = [...query]
    .filter(([name]) => name !== "X-Amz-Signature")
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  const headerLines: string[] = [];
  for (const name of signedHeaders.split(";")) {
    const value = request.headers[name];
    if (value === undefined) return false;
    headerLines.push(`${name}:${String(value).trim().replace(/\s+/g, " ")}\n`);
  }
  const payloadHash = query.get("X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD";
  const canonicalRequest = [request.method, path, canonicalQuery, headerLines.join(""), signedHeaders, payloadHash];
  const scope = credential.slice(1);
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    amzDate,
    scope.join("/"),
    createHash("sha256").update(canonicalRequest.join("\n")).digest("hex"),
  ].join("\n");
  const signingKey = scope.reduce<Buffer>(
    (key, part) => createHmac("sha256", key).update(part).digest(),
    Buffer.from(`AWS4${secretAccessKey}`),
  );
  return createHmac("sha256", signingKey).update(stringToSign).digest("hex") === provided;
}

const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
