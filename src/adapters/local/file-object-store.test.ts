import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { objectStoreContract } from "../../../test/contract/object-store.contract.js";
import { FileObjectStore, InvalidObjectKeyError } from "./file-object-store.js";

const newRoot = () => mkdtempSync(join(tmpdir(), "orderflow-objects-"));
const MB = 1024 * 1024;

objectStoreContract("files", async () => new FileObjectStore(newRoot()));

describe("FileObjectStore", () => {
  it.each(["../escape.txt", "/etc/passwd", "a//b", "a/./b", "", "a/../../b", "a\\..\\b", "x.meta.json"])(
    "refuses the key %j in every operation",
    async (key) => {
      const store = new FileObjectStore(newRoot());
      await expect(store.put(key, new Uint8Array([1]), "text/plain")).rejects.toThrow(InvalidObjectKeyError);
      await expect(store.get(key)).rejects.toThrow(/Invalid object key/);
      await expect(store.exists(key)).rejects.toThrow(/Invalid object key/);
      await expect(store.delete(key)).rejects.toThrow(/Invalid object key/);
      await expect(store.stream(key)).rejects.toThrow(/Invalid object key/);
    },
  );

  it("writes nothing outside its root for a refused key", async () => {
    const parent = newRoot();
    const store = new FileObjectStore(join(parent, "objects"));
    await store.put("inside.txt", new Uint8Array([1]), "text/plain");
    await expect(store.put("../outside.txt", new Uint8Array([2]), "text/plain")).rejects.toThrow();
    expect(readdirSync(parent)).toEqual(["objects"]);
  });

  it("leaves no temporary files behind after writes", async () => {
    const root = newRoot();
    const store = new FileObjectStore(root);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.put("r/x.pdf", new Uint8Array([i]), "application/pdf")),
    );
    expect(readdirSync(join(root, "r")).sort()).toEqual(["x.pdf"]);
  });

  it("keeps a type sidecar only where the extension does not already say the type", async () => {
    const root = newRoot();
    const store = new FileObjectStore(root);
    await store.put("r/x.pdf", new Uint8Array([1]), "application/octet-stream");
    expect(readdirSync(join(root, "r")).sort()).toEqual(["x.pdf", "x.pdf.meta.json"]);
    expect((await store.get("r/x.pdf"))?.contentType).toBe("application/octet-stream");
    await store.put("r/x.pdf", new Uint8Array([2]), "application/pdf");
    expect(readdirSync(join(root, "r")).sort()).toEqual(["x.pdf"]);
    expect((await store.get("r/x.pdf"))?.contentType).toBe("application/pdf");
    await store.put("r/y.txt", new Uint8Array([3]), "text/plain");
    expect((await store.get("r/y.txt"))?.contentType).toBe("text/plain");
  });

  it("never lets a reader see a half-written object while it is overwritten", async () => {
    const store = new FileObjectStore(newRoot());
    const filled = (byte: number) => new Uint8Array(4 * MB).fill(byte);
    await store.put("big.bin", filled(1), "application/octet-stream");
    const torn: string[] = [];
    const readers = Array.from({ length: 40 }, async () => {
      const { body } = (await store.get("big.bin"))!;
      if (body.length !== 4 * MB || body[0] !== body[body.length - 1]) torn.push(`${body.length}`);
    });
    await Promise.all([...readers, ...[2, 3, 4, 5].map((b) => store.put("big.bin", filled(b), "application/x"))]);
    expect(torn).toEqual([]);
  });

  it("answers absent for a key below an object (a file, not a folder)", async () => {
    const store = new FileObjectStore(newRoot());
    await store.put("a", new Uint8Array([1]), "text/plain");
    expect(await store.get("a/b")).toBeUndefined();
    expect(await store.exists("a/b")).toBe(false);
    expect(await store.createReadStream("a/b")).toBeUndefined();
  });

  it("serves a file dropped in by hand as an octet stream", async () => {
    const root = newRoot();
    writeFileSync(join(root, "manual.bin"), "hand made");
    const store = new FileObjectStore(root);
    expect(await store.exists("manual.bin")).toBe(true);
    expect((await store.get("manual.bin"))?.contentType).toBe("application/octet-stream");
  });

  it("streams an object as a Node stream", async () => {
    const store = new FileObjectStore(newRoot());
    await store.put("s/big.txt", new TextEncoder().encode("streamed"), "text/plain");
    const stream = await store.createReadStream("s/big.txt");
    const chunks: Buffer[] = [];
    for await (const chunk of stream!) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("streamed");
    expect(await store.createReadStream("s/none.txt")).toBeUndefined();
    expect(await store.createReadStream("s")).toBeUndefined();
    expect(await store.get("s")).toBeUndefined();
  });
});
