import { ApiError, buildUrl, call, downloadFile, type Schemas } from "./client";

/** A listing agreement's content type, as the API accepts it (src/domain/auctions/agreement.ts). */
export type AgreementType = Schemas["AgreementUpload"]["contentType"];
/** The types the API accepts, each with the name a seller knows it by and its file extension. */
export const AGREEMENT_TYPES: Record<AgreementType, { label: string; extension: string }> = {
  "application/pdf": { label: "PDF", extension: "pdf" },
  "image/png": { label: "PNG", extension: "png" },
  "image/jpeg": { label: "JPEG", extension: "jpg" },
};
/** The largest agreement the API accepts (AGREEMENT_MAX_BYTES on the server). */
export const AGREEMENT_MAX_BYTES = 25 * 1024 * 1024;

const isAgreementType = (type: string): type is AgreementType => Object.hasOwn(AGREEMENT_TYPES, type);
export const typeLabel = (type: string) => (isAgreementType(type) ? AGREEMENT_TYPES[type].label : type || "file");

/** A size as people say it: 820 bytes, 14 KB, 3.2 MB. */
export function formatBytes(bytes: number) {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? "" : "s"}`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "")} MB`;
}

/** Why the API would refuse this file as an agreement, said before anything is sent; undefined when it fits. */
export function agreementFileProblem(file: File): string | undefined {
  if (!isAgreementType(file.type)) return `“${file.name}” is not a PDF, PNG or JPEG file: choose one of those.`;
  if (file.size === 0) return `“${file.name}” is empty: choose the signed agreement.`;
  if (file.size > AGREEMENT_MAX_BYTES)
    return `“${file.name}” is ${formatBytes(file.size)}; an agreement may be at most ${formatBytes(AGREEMENT_MAX_BYTES)}.`;
  return undefined;
}

/** What the upload URL answered instead of storing the file, in words (the local route or S3, which answers XML). */
function refusedUpload(status: number, code: string | undefined): ApiError {
  const message =
    status === 403 && code !== "UPLOAD_URL_INVALID"
      ? "The upload link expired before the file arrived. Upload it again."
      : status === 403
        ? "The upload link was refused. Upload the file again."
        : status === 409 || status === 412
          ? "This upload link was already used. Upload the file again to get a new one."
          : status === 413
            ? "The file is larger than the upload allows. Choose the file again and upload it."
            : status === 415
              ? "The file's type was refused: upload a PDF, PNG or JPEG file."
              : `The upload failed (${status}). Try again.`;
  return new ApiError(status, code ?? `UPLOAD_HTTP_${status}`, message);
}

/**
 * Uploads `file` as the auction's listing agreement: asks the API for a one-time URL, then PUTs the file
 * there with plain fetch (on AWS a presigned S3 URL on another origin: it takes no bearer token). The
 * auction gets the agreement once the upload has been checked, shortly after: answers the upload's key,
 * which the agreement's summary names once it is attached (see `attachedAgreement`).
 */
export async function uploadAgreement(auctionId: string, file: File, onSending: () => void): Promise<string> {
  const contentType = file.type as AgreementType;
  const signed = await call("post", "/auctions/{id}/agreement/upload-url", {
    params: { id: auctionId },
    body: { contentType, size: file.size },
  });
  onSending();
  let response: Response;
  try {
    response = await fetch(signed.url, {
      method: signed.method,
      headers: { "content-type": contentType, ...signed.headers },
      body: file,
    });
  } catch {
    throw new ApiError(0, "NETWORK", "The file could not be sent. Check your connection and upload it again.");
  }
  if (!response.ok) {
    const data = (await response.json().catch(() => undefined)) as { error?: { code?: string } } | undefined;
    throw refusedUpload(response.status, data?.error?.code);
  }
  return signed.key;
}

export type AttachedAgreement = Schemas["AgreementSummary"];

/** The attached agreement (its upload's key, type, size), or undefined when none is attached; not read. */
export async function attachedAgreement(auctionId: string): Promise<AttachedAgreement | undefined> {
  try {
    return await call("get", "/auctions/{id}/agreement/summary", { params: { id: auctionId } });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

const agreementUrl = (auctionId: string) => buildUrl("/auctions/{id}/agreement", { id: auctionId });

/** Saves the attached agreement, named after the auction and its type (the browser cannot send the token on a link). */
export function downloadAgreement(auctionId: string) {
  return downloadFile(
    agreementUrl(auctionId),
    (type) => `listing-agreement-${auctionId}.${isAgreementType(type) ? AGREEMENT_TYPES[type].extension : "bin"}`,
  );
}
