import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ObjectStore } from "../../src/ports/object-store.js";

/** The behaviour every ObjectStore adapter must have. */
export function objectStoreContract(name: string, make: () => Promise<ObjectStore>) {
  describe(`ObjectStore contract: ${name}`, () => {
    it("stores bytes with their content type and reads them back", async () => {
      const store = await make();
      const body = new Uint8Array([37, 80, 68, 70, 0, 255, 10]);
      await store.put("receipts/ord_1.pdf", body, "application/pdf");
      const read = await store.get("receipts/ord_1.pdf");
      expect(read?.contentType).toBe("application/pdf");
      expect(Buffer.from(read!.body).equals(Buffer.from(body))).toBe(true);
      expect(await store.exists("receipts/ord_1.pdf")).toBe(true);
    });

    it("answers undefined / false for a missing object", async () => {
      const store = await make();
      expect(await store.get("nothing/here.txt")).toBeUndefined();
      expect(await store.exists("nothing/here.txt")).toBe(false);
    });

    it("overwrites an object and deletes it", async () => {
      const store = await make();
      await store.put("a/b.txt", new TextEncoder().encode("one"), "text/plain");
      await store.put("a/b.txt", new TextEncoder().encode("two"), "text/markdown");
      const read = await store.get("a/b.txt");
      expect(new TextDecoder().decode(read!.body)).toBe("two");
      expect(read!.contentType).toBe("text/markdown");
      await store.delete("a/b.txt");
      expect(await store.exists("a/b.txt")).toBe(false);
      await expect(store.delete("a/b.txt")).resolves.toBeUndefined();
    });

    it("streams an object's bytes with its content type, and nothing for a missing one", async () => {
      const store = await make();
      const body = new Uint8Array(randomBytes(300 * 1024));
      await store.put("agreements/sel_1/terms.pdf", body, "application/pdf");
      const streamed = await store.stream("agreements/sel_1/terms.pdf");
      expect(streamed?.contentType).toBe("application/pdf");
      const bytes = Buffer.from(await new Response(streamed!.body).arrayBuffer());
      expect(bytes.equals(Buffer.from(body))).toBe(true);
      expect(await store.stream("agreements/sel_1/missing.pdf")).toBeUndefined();
    });

    it("keeps what was stored when the caller reuses its buffer afterwards", async () => {
      const store = await make();
      const body = new TextEncoder().encode("original");
      await store.put("notes/n.txt", body, "text/plain");
      body.fill(0);
      expect(new TextDecoder().decode((await store.get("notes/n.txt"))!.body)).toBe("original");
    });

    it("keeps a 5 MB binary object intact", async () => {
      const store = await make();
      const body = new Uint8Array(randomBytes(5 * 1024 * 1024));
      await store.put("docs/large.bin", body, "application/octet-stream");
      expect(Buffer.from((await store.get("docs/large.bin"))!.body).equals(Buffer.from(body))).toBe(true);
    });
  });
}
