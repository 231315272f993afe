/** Object storage (files locally, S3 on AWS). Keys are slash-separated paths. */
export interface StoredObject {
  body: Uint8Array;
  contentType: string;
}

export interface ObjectStore {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<StoredObject | undefined>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}
