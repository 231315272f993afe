/** Object storage (files locally, S3 on AWS). Keys are slash-separated paths. */
export interface StoredObject {
  body: Uint8Array;
  contentType: string;
}

export interface ObjectStore {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<StoredObject | undefined>;
  exists(key: string): Promise<boolean>;
  /** The object's bytes as a stream (for large objects), or undefined when absent. */
  stream(key: string): Promise<{ body: ReadableStream<Uint8Array>; contentType: string } | undefined>;
  delete(key: string): Promise<void>;
  /**
   * A short-lived URL from which a browser GETs the object itself, where the store has such URLs (S3:
   * presigned). An API answer cannot carry a large object on AWS (a Lambda answer holds ~6 MB), so large
   * objects are handed out this way; the file store has none and its objects are served by the API.
   */
  downloadUrl?(key: string, expiresInSeconds: number): Promise<string>;
}
