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
}
