/** What an upload URL allows: exactly one object at `key`, of this type, up to this size, until then. */
export interface UploadGrant {
  key: string;
  contentType: string;
  maxBytes: number;
  expiresAt: Date;
}

export interface SignedUpload {
  url: string;
  method: "PUT";
  headers: Record<string, string>;
  expiresAt: string;
}

/** Short-lived signed upload URLs straight to the object store (S3 presigned URLs on AWS). */
export interface UploadSigner {
  presign(grant: UploadGrant): Promise<SignedUpload>;
}
