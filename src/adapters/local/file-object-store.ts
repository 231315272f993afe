import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, type ReadStream, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, extname, join, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import type { ObjectStore, StoredObject } from "../../ports/object-store.js";

/** Thrown for a key that is empty, too long, or would leave the store's root folder. */
export class InvalidObjectKeyError extends Error {
  readonly code = "INVALID_OBJECT_KEY";
  constructor(readonly key: string) {
    super(`Invalid object key: ${JSON.stringify(key)} (use non-empty slash-separated segments, no "." or "..")`);
    this.name = "InvalidObjectKeyError";
  }
}

const META_SUFFIX = ".meta.json";
const FALLBACK_TYPE = "application/octet-stream";
/**
 * Bodies up to this size are written synchronously: a receipt or a QR code is written in a few
 * microseconds, less than the thread-pool round trips of an asynchronous write cost on a busy core.
 */
const SYNC_WRITE_BYTES = 256 * 1024;
/** Types a key's extension already says: objects of these need no sidecar (one file less to create). */
const TYPE_BY_EXTENSION: Record<string, string> = {
  ".pdf": "application/pdf",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};
const impliedType = (path: string) => TYPE_BY_EXTENSION[extname(path).toLowerCase()];

/** No object there: a missing file, a file where a folder should be, or a folder (a key prefix). */
const isAbsent = (error: unknown) =>
  ["ENOENT", "ENOTDIR", "EISDIR"].includes((error as NodeJS.ErrnoException).code ?? "");

/**
 * Objects as files under a root folder; a key's content type lives in a `<file>.meta.json` sidecar
 * unless its extension already says it (`.pdf` stored as application/pdf needs none).
 * Every file is written to a temp file in the same folder and renamed, so a crash never leaves half an
 * object. The sidecar is written (or removed) before the body: a crash in between leaves no new object.
 */
export class FileObjectStore implements ObjectStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    const path = this.pathOf(key);
    const meta = `${path}${META_SUFFIX}`;
    const sidecar = impliedType(path) === contentType ? undefined : JSON.stringify({ contentType });
    if (body.byteLength <= SYNC_WRITE_BYTES) {
      const folder = dirname(path);
      const write = () => {
        if (sidecar === undefined) removeSync(meta);
        else atomicWriteSync(meta, sidecar);
        atomicWriteSync(path, body);
      };
      this.ensureFolder(folder);
      try {
        write();
      } catch (error) {
        // The folder was removed behind the store's back: make it again.
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        this.folders.delete(folder);
        this.ensureFolder(folder);
        write();
      }
      return;
    }
    await mkdir(dirname(path), { recursive: true });
    if (sidecar === undefined) await rm(meta, { force: true });
    else await this.atomicWrite(meta, sidecar);
    await this.atomicWrite(path, body);
  }

  /** Folders already made (or found), so a put does not ask the file system again each time. */
  private readonly folders = new Set<string>();

  private ensureFolder(folder: string): void {
    if (this.folders.has(folder)) return;
    mkdirSync(folder, { recursive: true });
    if (this.folders.size > 10_000) this.folders.clear();
    this.folders.add(folder);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const path = this.pathOf(key);
    try {
      const body = await readFile(path);
      return {
        body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
        contentType: await this.typeOf(path),
      };
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    const path = this.pathOf(key);
    try {
      return (await stat(path)).isFile();
    } catch (error) {
      if (isAbsent(error)) return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await rm(path, { force: true });
    await rm(`${path}${META_SUFFIX}`, { force: true });
  }

  async stream(key: string): Promise<{ body: ReadableStream<Uint8Array>; contentType: string } | undefined> {
    const contentType = await this.typeOf(this.pathOf(key));
    const file = await this.createReadStream(key);
    return file && { body: Readable.toWeb(file) as ReadableStream<Uint8Array>, contentType };
  }

  /** A Node stream of the object's bytes, for large objects; undefined when absent. */
  async createReadStream(key: string): Promise<ReadStream | undefined> {
    const path = this.pathOf(key);
    try {
      // Opening first pins the file: a concurrent overwrite or delete cannot break a stream already begun.
      const handle = await open(path, "r");
      if ((await handle.stat()).isFile()) return handle.createReadStream();
      await handle.close();
      return undefined;
    } catch (error) {
      if (isAbsent(error)) return undefined;
      throw error;
    }
  }

  private async typeOf(path: string): Promise<string> {
    try {
      const meta = JSON.parse(await readFile(`${path}${META_SUFFIX}`, "utf8")) as { contentType?: unknown };
      return typeof meta.contentType === "string" ? meta.contentType : FALLBACK_TYPE;
    } catch (error) {
      // No sidecar: the type the extension implies, or a body copied in by hand (still an object).
      if (isAbsent(error)) return impliedType(path) ?? FALLBACK_TYPE;
      throw error;
    }
  }

  private pathOf(key: string): string {
    const segments = key.split("/");
    const invalid =
      key.length === 0 ||
      key.length > 1024 ||
      key.endsWith(META_SUFFIX) ||
      segments.some((s) => s === "" || s === "." || s === ".." || s.includes("\\") || s.includes("\0"));
    const path = join(this.root, ...segments);
    if (invalid || !path.startsWith(this.root + sep)) throw new InvalidObjectKeyError(key);
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

/** Removes a file that may not be there (asked first: a refused unlink costs a thrown error, ~4x the stat). */
function removeSync(path: string): void {
  if (!existsSync(path)) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

function atomicWriteSync(path: string, data: Uint8Array | string): void {
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
