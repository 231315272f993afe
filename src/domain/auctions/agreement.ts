import { z } from "zod";

/** Listing agreements: documents a seller attaches to an auction. */
export const AGREEMENT_TYPES = ["application/pdf", "image/png", "image/jpeg"] as const;
export const AGREEMENT_MAX_BYTES = 25 * 1024 * 1024;
export const UPLOAD_URL_SECONDS = 300;

export const AgreementUploadBody = z
  .strictObject({
    contentType: z.enum(AGREEMENT_TYPES),
    size: z.number().int().positive().max(AGREEMENT_MAX_BYTES, "The agreement may be at most 25 MB"),
  })
  .meta({ id: "AgreementUpload" });
export type AgreementUploadBody = z.infer<typeof AgreementUploadBody>;
