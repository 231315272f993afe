import type { Hono } from "hono";
import type { HmacUploadSigner } from "../../adapters/local/hmac-upload-signer.js";
import { ConflictError, DomainError } from "../../domain/shared/errors.js";
import type { ObjectStore } from "../../ports/object-store.js";

/**
 * `PUT /uploads/{token}`: the local stand-in for a presigned S3 upload. It accepts exactly one object,
 * of the signed type, no larger than signed (checked on the header and while streaming); of PUTs that
 * race on one URL, one is received and the others get 409.
 */
export function registerUploadRoute(
  app: Hono<never>,
  deps: {
    signer: HmacUploadSigner;
    objects: ObjectStore;
    onUploaded: (key: string, meta: { contentType: string; size: number }) => Promise<boolean>;
  },
) {
  // Keys being received now: with the stored ones, what makes a URL work once even for PUTs that race.
  const receiving = new Set<string>();
  app.put("/uploads/:token", async (c) => {
    const grant = deps.signer.verify(c.req.param("token"));
    const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim();
    if (type !== grant.contentType) {
      throw new DomainError("UPLOAD_TYPE_REFUSED", "unsupported_media", `This URL accepts ${grant.contentType} only`);
    }
    const tooLarge = () =>
      new DomainError("UPLOAD_TOO_LARGE", "too_large", `This URL accepts at most ${grant.maxBytes} bytes`);
    if (Number(c.req.header("content-length") ?? 0) > grant.maxBytes) throw tooLarge();
    const used = () => new ConflictError("UPLOAD_ALREADY_USED", "This URL was already used");
    if (receiving.has(grant.key)) throw used();
    receiving.add(grant.key);
    try {
      if (await deps.objects.exists(grant.key)) throw used();
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of (c.req.raw.body ?? []) as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > grant.maxBytes) throw tooLarge();
        chunks.push(chunk);
      }
      await deps.objects.put(grant.key, new Uint8Array(Buffer.concat(chunks)), grant.contentType);
      await deps.onUploaded(grant.key, { contentType: grant.contentType, size });
      return c.json({ key: grant.key, size }, 201);
    } finally {
      receiving.delete(grant.key);
    }
  });
}
