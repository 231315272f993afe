import { type AGREEMENT_TYPES, type AgreementUploadBody, UPLOAD_URL_SECONDS } from "../../domain/auctions/agreement.js";
import type { Actor } from "../../domain/shared/actor.js";
import { ForbiddenError, NotFoundError } from "../../domain/shared/errors.js";
import { expiresAfter, itemAt } from "../../ports/item-store.js";
import type { ObjectStore, StoredObject } from "../../ports/object-store.js";
import type { SignedUpload, UploadSigner } from "../../ports/upload-signer.js";
import type { AuctionDeps } from "./auction-deps.js";
import { loadAuction } from "./auction-items.js";
import { assertSeller } from "./create-auction.js";

const EXTENSIONS: Record<(typeof AGREEMENT_TYPES)[number], string> = {
  "application/pdf": "pdf",
  "image/png": "png",
  "image/jpeg": "jpg",
};
const agreementKey = (auctionId: string) => ({ pk: `AUCTION#${auctionId}`, sk: "AGREEMENT" });
/** What an upload URL was issued for, kept until its object is checked (S3 cannot cap a presigned PUT's size). */
const grantKey = (objectKey: string) => ({ pk: `UPLOAD#${objectKey}`, sk: "GRANT" });

/**
 * The seller asks for an upload URL for their auction's listing agreement: it admits one object under
 * the seller's own prefix, of the declared type, no larger than declared, for five minutes.
 */
/** Where an uploaded listing agreement is stored: under `agreements/`, per seller and auction. */
export const agreementObjectKey = (sellerId: string, auctionId: string, id: string, extension: string) =>
  `agreements/${sellerId}/${auctionId}/${id}.${extension}`;

export function makeRequestAgreementUpload(deps: AuctionDeps & { signer: UploadSigner }) {
  return async (
    auctionId: string,
    input: AgreementUploadBody,
    actor: Actor,
  ): Promise<SignedUpload & { key: string }> => {
    const sellerId = assertSeller(actor);
    const auction = await loadAuction(deps.store, auctionId);
    if (auction.sellerId !== sellerId)
      throw new ForbiddenError("Only the auction's seller may attach its agreement", "NOT_YOUR_AUCTION");
    const key = agreementObjectKey(sellerId, auctionId, deps.ids.next(), EXTENSIONS[input.contentType]);
    const expiresAt = new Date(deps.clock.now().getTime() + UPLOAD_URL_SECONDS * 1000);
    await deps.store.put(
      itemAt(grantKey(key), {
        contentType: input.contentType,
        maxBytes: input.size,
        // Kept a day past the URL's expiry: an upload may be reported late (event retries).
        expiresAt: expiresAfter(expiresAt, 24 * 3600),
      }),
    );
    const signed = await deps.signer.presign({ key, contentType: input.contentType, maxBytes: input.size, expiresAt });
    return { ...signed, key };
  };
}

/** The content type an agreement was signed for, from its key's extension (S3 events carry no type). */
export function agreementContentType(key: string): string | undefined {
  const extension = key.slice(key.lastIndexOf(".") + 1);
  return Object.entries(EXTENSIONS).find(([, ext]) => ext === extension)?.[0];
}

/**
 * After an upload lands (S3 event on AWS, the upload route locally): checks it against its grant and
 * attaches it to its auction. An object without a grant, of another type or larger than granted is
 * deleted and not attached (returns false).
 */
export function makeAttachAgreement(deps: AuctionDeps & { objects: ObjectStore }) {
  return async (key: string, meta: { contentType: string; size: number }): Promise<boolean> => {
    const [, , auctionId] = key.split("/");
    const grant = await deps.store.get(grantKey(key));
    const fits = grant && grant.contentType === meta.contentType && meta.size <= Number(grant.maxBytes);
    if (!auctionId || !fits) {
      await deps.objects.delete(key);
      return false;
    }
    await deps.store.put(
      itemAt(agreementKey(auctionId), { key }, meta, { uploadedAt: deps.clock.now().toISOString() }),
    );
    return true;
  };
}

/** What is known of an attached agreement without reading it. */
export interface AgreementSummary {
  /** The object's key: the `key` its upload URL was given for. */
  key: string;
  contentType: string;
  size: number;
  uploadedAt: string;
}

const noAgreement = (message: string) => new NotFoundError("AGREEMENT_NOT_FOUND", message);

/** The auction's attached agreement, for its seller or an admin (404 to anyone else, and when none). */
async function attachedAgreement(deps: AuctionDeps, auctionId: string, actor: Actor): Promise<AgreementSummary> {
  const auction = await loadAuction(deps.store, auctionId);
  if (auction.sellerId !== actor.userId && !actor.roles.includes("admin")) {
    throw noAgreement("No agreement you may see");
  }
  const attached = await deps.store.get(agreementKey(auctionId));
  if (!attached) throw noAgreement("No agreement has been uploaded");
  const { key, contentType, size, uploadedAt } = attached;
  return { key: String(key), contentType: String(contentType), size: Number(size), uploadedAt: String(uploadedAt) };
}

/** Whether the auction has an agreement attached, and which (the key its upload URL was given for). */
export const makeGetAgreementSummary = (deps: AuctionDeps) => (auctionId: string, actor: Actor) =>
  attachedAgreement(deps, auctionId, actor);

/** How long a link to download an agreement works (it is followed at once, by the browser that asked). */
const DOWNLOAD_URL_SECONDS = 60;

/**
 * The attached agreement, for the auction's seller (or an admin): a short-lived link to the object where
 * the object store has them (S3: an agreement may be larger than an API answer), else its bytes.
 */
export function makeGetAgreement(deps: AuctionDeps & { objects: ObjectStore }) {
  return async (auctionId: string, actor: Actor): Promise<{ url: string } | StoredObject> => {
    const { key } = await attachedAgreement(deps, auctionId, actor);
    const gone = () => noAgreement("No agreement has been uploaded");
    if (deps.objects.downloadUrl) {
      if (!(await deps.objects.exists(key))) throw gone(); // as the bytes would answer
      return { url: await deps.objects.downloadUrl(key, DOWNLOAD_URL_SECONDS) };
    }
    const object = await deps.objects.get(key);
    if (!object) throw gone();
    return object;
  };
}
