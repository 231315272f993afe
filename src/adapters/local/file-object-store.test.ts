import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { objectStoreContract } from "../../../test/contract/object-store.contract.js";
import { FileObjectStore } from "./file-object-store.js";

const newRoot = () => mkdtempSync(join(tmpdir(), "orderflow-objects-"));

objectStoreContract("files", async () => new FileObjectStore(newRoot()));

describe("FileObjectStore", () => {
  it.each(["../escape.txt", "/etc/passwd", "a//b", "a/./b", "", "a/../../b"])("refuses the key %j", async (key) => {
    const store = new FileObjectStore(newRoot());
    await expect(store.put(key, new Uint8Array([1]), "text/plain")).rejects.toThrow(/Invalid object key/);
  });

  it("leaves no temporary files behind after writes", async () => {
    const root = newRoot();
    const store = new FileObjectStore(root);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.put("r/x.pdf", new Uint8Array([i]), "application/pdf")),
    );
    expect(readdirSync(join(root, "r")).sort()).toEqual(["x.pdf", "x.pdf.meta.json"]);
  });

  it("streams an object", async () => {
    const store = new FileObjectStore(newRoot());
    await store.put("s/big.txt", new TextEncoder().encode("streamed"), "text/plain");
    const stream = await store.createReadStream("s/big.txt");
    const chunks: Buffer[] = [];
    for await (const chunk of stream!) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("streamed");
    expect(await store.createReadStream("s/none.txt")).toBeUndefined();
  });
});
