import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Client, startS3rver } from "../../../test/support/s3rver.js";
import type { Clock } from "../../ports/clock.js";
import type { SignedUpload } from "../../ports/upload-signer.js";
import { S3ObjectStore } from "./s3-object-store.js";
import { S3UploadSigner } from "./s3-upload-signer.js";

let s3: Awaited<ReturnType<typeof startS3rver>>;
let keyCount = 0;

beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(() => s3.stop());

const realClock: Clock = { now: () => new Date() };
const pdf = new Uint8Array(Buffer.from("%PDF-1.4 listing agreement \u0000\u00ff"));

function signerFor(clock: Clock = realClock, { sdkDefaultChecksums = false } = {}) {
  return new S3UploadSigner({ client: createS3Client(s3.endpoint, { sdkDefaultChecksums }), bucket: s3.bucket, clock });
}

/** A grant for a fresh key, valid for five minutes from the clock's now (as the use case issues it). */
function grantFor(clock: Clock = realClock, contentType = "application/pdf") {
  const key = `agreements/sel_1/auc_1/upload-${++keyCount}.pdf`;
  return { key, contentType, maxBytes: 1024, expiresAt: new Date(clock.now().getTime() + 300_000) };
}

const upload = (signed: SignedUpload, headers = signed.headers, url = signed.url) =>
  fetch(url, { method: signed.method, headers, body: pdf });

const objects = () => new S3ObjectStore({ client: createS3Client(s3.endpoint), bucket: s3.bucket });

describe("S3UploadSigner", () => {
  it("signs a PUT that uploads the object under the granted key with the granted type", async () => {
    const grant = grantFor();
    const signed = await signerFor().presign(grant);
    expect(signed.method).toBe("PUT");
    expect(signed.headers).toEqual({ "content-type": "application/pdf", "if-none-match": "*" });

    expect((await upload(signed)).status).toBe(200);
    const stored = await objects().get(grant.key);
    expect(stored?.contentType).toBe("application/pdf");
    expect(Buffer.from(stored!.body).equals(Buffer.from(pdf))).toBe(true);
  });

  it("is refused with another content type", async () => {
    const grant = grantFor();
    const signed = await signerFor().presign(grant);
    const response = await upload(signed, { ...signed.headers, "content-type": "text/html" });
    expect(response.status).toBe(403);
    expect(await objects().exists(grant.key)).toBe(false);
  });

  it("is refused for another key or a lengthened expiry (a tampered URL)", async () => {
    const grant = grantFor();
    const signed = await signerFor().presign(grant);
    const otherKey = signed.url.replace("/sel_1/", "/sel_2/");
    expect(otherKey).not.toBe(signed.url);
    expect((await upload(signed, signed.headers, otherKey)).status).toBe(403);
    const longer = signed.url.replace("X-Amz-Expires=300", "X-Amz-Expires=3600");
    expect(longer).not.toBe(signed.url);
    expect((await upload(signed, signed.headers, longer)).status).toBe(403);
    expect(await objects().exists(grant.key)).toBe(false);
    expect(await objects().exists(grant.key.replace("/sel_1/", "/sel_2/"))).toBe(false);
  });

  it("is refused once expired", async () => {
    // Signed ten minutes ago with a five-minute grant: the URL expired five minutes ago.
    const tenMinutesAgo: Clock = { now: () => new Date(Date.now() - 600_000) };
    const grant = grantFor(tenMinutesAgo);
    const signed = await signerFor(tenMinutesAgo).presign(grant);
    const response = await upload(signed);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Request has expired");
    expect(await objects().exists(grant.key)).toBe(false);
  });

  it("signs If-None-Match: * so S3 refuses a second upload to the key, and refuses an upload without it", async () => {
    const signed = await signerFor().presign(grantFor());
    // s3rver ignores If-None-Match on PUT, so S3's 412 for a reused URL cannot be seen here: the URL must
    // carry the header among its signed headers, which S3 then requires and evaluates.
    expect(new URL(signed.url).searchParams.get("X-Amz-SignedHeaders")?.split(";").sort()).toEqual([
      "content-type",
      "host",
      "if-none-match",
    ]);
    expect((await upload(signed, { "content-type": "application/pdf" })).status).toBe(403);
  });

  it("expires at the grant's expiry, counted from the whole second it was signed in", async () => {
    const at = new Date("2026-03-01T10:00:00.600Z");
    const signed = await signerFor({ now: () => at }).presign({
      key: "agreements/sel_1/auc_1/x.pdf",
      contentType: "application/pdf",
      maxBytes: 10,
      expiresAt: new Date(at.getTime() + 300_000),
    });
    const query = new URL(signed.url).searchParams;
    expect(query.get("X-Amz-Date")).toBe("20260301T100000Z");
    expect(query.get("X-Amz-Expires")).toBe("300");
    expect(signed.expiresAt).toBe("2026-03-01T10:05:00.000Z");
  });

  it("puts no checksum of an empty body into the URL, also with the SDK's default checksum settings", async () => {
    const grant = grantFor();
    const signed = await signerFor(realClock, { sdkDefaultChecksums: true }).presign(grant);
    // s3rver ignores x-amz-checksum-* on PUT; S3 would refuse the upload (AAAAAA== is the CRC32 of nothing).
    const names = [...new URL(signed.url).searchParams.keys()].map((name) => name.toLowerCase());
    expect(names.filter((name) => name.startsWith("x-amz-checksum") || name.includes("sdk-checksum"))).toEqual([]);
    expect((await upload(signed)).status).toBe(200);
    expect(await objects().exists(grant.key)).toBe(true);
  });

  it("refuses to sign a grant that has already expired or lasts longer than SigV4 allows", async () => {
    const signer = signerFor();
    const grant = grantFor();
    await expect(signer.presign({ ...grant, expiresAt: new Date(Date.now() - 1000) })).rejects.toThrow(RangeError);
    await expect(signer.presign({ ...grant, expiresAt: new Date(Date.now() + 8 * 86_400_000) })).rejects.toThrow(
      RangeError,
    );
  });
});
