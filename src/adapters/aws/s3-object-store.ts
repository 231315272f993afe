import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { ObjectStore, StoredObject } from "../../ports/object-store.js";

export interface S3ObjectStoreOptions {
  client: S3Client;
  bucket: string;
}

const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** The object store on S3: one bucket, object keys as given. */
export class S3ObjectStore implements ObjectStore {
  constructor(private readonly options: S3ObjectStoreOptions) {}

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.options.client.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const object = await this.getObject(key);
    if (!object?.Body) return undefined;
    return { body: await object.Body.transformToByteArray(), contentType: object.ContentType ?? DEFAULT_CONTENT_TYPE };
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.options.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissingObject(error)) return false;
      throw error;
    }
  }

  async stream(key: string): Promise<{ body: ReadableStream<Uint8Array>; contentType: string } | undefined> {
    const object = await this.getObject(key);
    if (!object?.Body) return undefined;
    return {
      body: object.Body.transformToWebStream() as ReadableStream<Uint8Array>,
      contentType: object.ContentType ?? DEFAULT_CONTENT_TYPE,
    };
  }

  async downloadUrl(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.options.client, new GetObjectCommand({ Bucket: this.options.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }

  /** Deleting a missing object succeeds, as on S3 itself. */
  async delete(key: string): Promise<void> {
    await this.options.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }

  private async getObject(key: string): Promise<GetObjectCommandOutput | undefined> {
    try {
      return await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw error;
    }
  }
}

/**
 * GetObject answers NoSuchKey; HeadObject has no body, so the SDK names its 404 `NotFound`. Other errors
 * (NoSuchBucket, AccessDenied) are not "absent" and must surface.
 */
function isMissingObject(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === "NoSuchKey" || name === "NotFound";
}
