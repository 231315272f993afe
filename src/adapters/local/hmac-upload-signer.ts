import { createHmac, timingSafeEqual } from "node:crypto";
import { DomainError } from "../../domain/shared/errors.js";
import type { Clock } from "../../ports/clock.js";
import type { SignedUpload, UploadGrant, UploadSigner } from "../../ports/upload-signer.js";

/**
 * Upload URLs for the local object store, signed like S3's: the grant (key, type, size, expiry) is in
 * the URL with an HMAC over it, so the upload route trusts only what the runtime signed.
 */
export class HmacUploadSigner implements UploadSigner {
  constructor(private readonly options: { secret: string; publicUrl: string; clock: Clock }) {}

  async presign(grant: UploadGrant): Promise<SignedUpload> {
    const payload = Buffer.from(
      JSON.stringify({ k: grant.key, t: grant.contentType, m: grant.maxBytes, e: grant.expiresAt.getTime() }),
    ).toString("base64url");
    return {
      url: `${this.options.publicUrl.replace(/\/$/, "")}/uploads/${payload}.${this.mac(payload)}`,
      method: "PUT",
      headers: { "content-type": grant.contentType },
      expiresAt: grant.expiresAt.toISOString(),
    };
  }

  /** The grant of a valid, unexpired token; UPLOAD_URL_INVALID / UPLOAD_URL_EXPIRED otherwise. */
  verify(token: string): UploadGrant {
    const [payload, mac] = token.split(".");
    const expected = payload ? Buffer.from(this.mac(payload)) : Buffer.alloc(0);
    if (!payload || !mac || mac.length !== expected.length || !timingSafeEqual(Buffer.from(mac), expected)) {
      throw new DomainError("UPLOAD_URL_INVALID", "forbidden", "This upload URL is not valid");
    }
    const grant = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (grant.e <= this.options.clock.now().getTime()) {
      throw new DomainError("UPLOAD_URL_EXPIRED", "forbidden", "This upload URL has expired; ask for a new one");
    }
    return { key: grant.k, contentType: grant.t, maxBytes: grant.m, expiresAt: new Date(grant.e) };
  }

  private mac(payload: string): string {
    return createHmac("sha256", this.options.secret).update(`upload:${payload}`).digest("base64url");
  }
}
