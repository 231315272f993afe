import { randomBytes } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import type { ObjectStore, StoredObject } from "../../ports/object-store.js";

/**
 * Objects as files under a root folder. The content type is kept in a `<file>.meta.json` sidecar;
 * both are written to a temp file and renamed, so a crash never leaves half an object.
 */
export class FileObjectStore implements ObjectStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    await this.atomicWrite(`${path}.meta.json`, JSON.stringify({ contentType }));
    await this.atomicWrite(path, body);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const path = this.pathOf(key);
    try {
      const [body, meta] = await Promise.all([readFile(path), readFile(`${path}.meta.json`, "utf8")]);
      return { body: new Uint8Array(body), contentType: JSON.parse(meta).contentType };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await rm(path, { force: true });
    await rm(`${path}.meta.json`, { force: true });
  }

  async stream(key: string): Promise<{ body: ReadableStream<Uint8Array>; contentType: string } | undefined> {
    const path = this.pathOf(key);
    try {
      const meta = JSON.parse(await readFile(`${path}.meta.json`, "utf8"));
      await stat(path);
      return {
        body: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
        contentType: meta.contentType,
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  /** A stream of the object's bytes, for large objects; undefined when absent. */
  async createReadStream(key: string): Promise<ReadStream | undefined> {
    return (await this.exists(key)) ? createReadStream(this.pathOf(key)) : undefined;
  }

  private pathOf(key: string): string {
    const segments = key.split("/");
    if (
      key.length === 0 ||
      key.length > 1024 ||
      segments.some((s) => s === "" || s === "." || s === ".." || s.includes("\\") || s.includes("\0")) ||
      key.endsWith(".meta.json")
    ) {
      throw new Error(`Invalid object key: ${JSON.stringify(key)}`);
    }
    const path = join(this.root, ...segments);
    if (!path.startsWith(this.root + sep)) throw new Error(`Invalid object key: ${JSON.stringify(key)}`);
    return path;
  }

  private async atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
    const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await writeFile(temp, data);
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}
