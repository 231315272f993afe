import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Clock } from "../../ports/clock.js";
import type { SignedUpload, UploadGrant, UploadSigner } from "../../ports/upload-signer.js";

export interface S3UploadSignerOptions {
  client: S3Client;
  bucket: string;
  clock: Clock;
}

/** SigV4 query-string signatures live at most seven days. */
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

/**
 * Presigned S3 PUT URLs for upload grants. S3 itself refuses a request for another key, with another
 * content type, without `If-None-Match: *` (all signed), with a tampered URL or after the expiry, and
 * `If-None-Match: *` makes it refuse a second upload to the key (412).
 *
 * S3 cannot cap the size of a presigned PUT (`maxBytes` is not in the URL): whoever accepts the
 * uploaded object must compare its stored size with the grant.
 */
export class S3UploadSigner implements UploadSigner {
  constructor(private readonly options: S3UploadSignerOptions) {}

  async presign(grant: UploadGrant): Promise<SignedUpload> {
    // X-Amz-Date has whole seconds; counting from there keeps the URL's expiry at or before the grant's.
    const signedAt = Math.floor(this.options.clock.now().getTime() / 1000) * 1000;
    const expiresIn = Math.floor((grant.expiresAt.getTime() - signedAt) / 1000);
    if (expiresIn < 1 || expiresIn > MAX_EXPIRES_SECONDS) {
      throw new RangeError(`An upload URL must expire within 1 s to 7 days, not ${expiresIn} s`);
    }
    const command = new PutObjectCommand({
      Bucket: this.options.bucket,
      Key: grant.key,
      ContentType: grant.contentType,
      IfNoneMatch: "*",
    });
    withoutEmptyBodyChecksum(command);
    const url = await getSignedUrl(this.options.client, command, {
      expiresIn,
      signingDate: new Date(signedAt),
      signableHeaders: new Set(["content-type", "if-none-match"]),
    });
    return {
      url,
      method: "PUT",
      headers: { "content-type": grant.contentType, "if-none-match": "*" },
      expiresAt: new Date(signedAt + expiresIn * 1000).toISOString(),
    };
  }
}

/**
 * With the SDK's default `requestChecksumCalculation` (what Lambda clients get), PutObject computes the
 * CRC32 of its (absent) body and the presigner puts `x-amz-checksum-crc32=AAAAAA==` into the URL, so S3
 * refuses every real upload with a checksum mismatch. The checksum belongs to the uploader, not the URL.
 */
function withoutEmptyBodyChecksum(command: PutObjectCommand): void {
  command.middlewareStack.add(
    (next) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
      for (const name of Object.keys(headers)) {
        if (/^x-amz-(checksum-|sdk-checksum-algorithm$)/i.test(name)) delete headers[name];
      }
      return next(args);
    },
    { step: "build", priority: "low", name: "dropEmptyBodyChecksum" },
  );
}
