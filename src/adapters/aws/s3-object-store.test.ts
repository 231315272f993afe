import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { objectStoreContract } from "../../../test/contract/object-store.contract.js";
import { createS3Client, startS3rver } from "../../../test/support/s3rver.js";
import { S3ObjectStore } from "./s3-object-store.js";

let s3: Awaited<ReturnType<typeof startS3rver>>;
let bucketCount = 0;

beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(() => s3.stop());

/** Each store gets its own bucket, so contract cases never see each other's objects. */
async function newBucket(): Promise<string> {
  const bucket = `objects-${++bucketCount}`;
  await createS3Client(s3.endpoint).send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}
const newStore = async (bucket?: string) =>
  new S3ObjectStore({ client: createS3Client(s3.endpoint), bucket: bucket ?? (await newBucket()) });

objectStoreContract("S3 (s3rver)", () => newStore());

describe("S3ObjectStore", () => {
  /** Every byte value, repeated to ~1 MB, with an odd length so no chunk boundary lines up. */
  const binary = new Uint8Array(1024 * 1024 + 7).map((_, i) => (i * 31 + (i >> 8)) % 256);

  it("round-trips a 1 MB binary object byte for byte, stored as those bytes (no chunk framing)", async () => {
    const bucket = await newBucket();
    const store = await newStore(bucket);
    await store.put("docs/all-bytes.bin", binary, "application/octet-stream");

    expect(Buffer.from((await store.get("docs/all-bytes.bin"))!.body).equals(Buffer.from(binary))).toBe(true);
    const streamed = await store.stream("docs/all-bytes.bin");
    expect(Buffer.from(await new Response(streamed!.body).arrayBuffer()).equals(Buffer.from(binary))).toBe(true);
    // Read back without the SDK: what the bucket holds is exactly the bytes that were put.
    const raw = await fetch(`${s3.endpoint}/${bucket}/docs/all-bytes.bin`);
    expect(Buffer.from(await raw.arrayBuffer()).equals(Buffer.from(binary))).toBe(true);
  });

  it("hands out a presigned link that serves the object itself, with its type, for the time asked", async () => {
    const store = await newStore();
    await store.put("agreements/sel_1/auc_1/doc.pdf", binary, "application/pdf");
    const url = new URL(await store.downloadUrl("agreements/sel_1/auc_1/doc.pdf", 60));
    expect(url.searchParams.get("X-Amz-Expires")).toBe("60");
    expect(url.pathname).toMatch(/agreements\/sel_1\/auc_1\/doc\.pdf$/);
    const served = await fetch(url);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await served.arrayBuffer()).equals(Buffer.from(binary))).toBe(true);
  });

  it("keeps keys with spaces and non-ASCII characters apart from similar keys", async () => {
    const store = await newStore();
    await store.put("agreements/sel 1/Zoë terms.pdf", new TextEncoder().encode("spaced"), "application/pdf");
    await store.put("agreements/sel+1/Zoë+terms.pdf", new TextEncoder().encode("plussed"), "application/pdf");
    const text = async (key: string) => new TextDecoder().decode((await store.get(key))?.body);
    expect(await text("agreements/sel 1/Zoë terms.pdf")).toBe("spaced");
    expect(await text("agreements/sel+1/Zoë+terms.pdf")).toBe("plussed");
  });

  it("fails loudly when the bucket does not exist instead of answering 'absent'", async () => {
    const store = await newStore("no-such-bucket");
    await expect(store.get("a.txt")).rejects.toThrow();
    await expect(store.stream("a.txt")).rejects.toThrow();
  });
});
