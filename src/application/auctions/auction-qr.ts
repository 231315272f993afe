import { NotFoundError } from "../../domain/shared/errors.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { ObjectStore, StoredObject } from "../../ports/object-store.js";
import type { QrCodeRenderer } from "../../ports/qr-code-renderer.js";

export const auctionQrKey = (auctionId: string, format: "svg" | "png") => `qr-codes/${auctionId}.${format}`;
/** Where QR codes were stored before they had their own prefix (local object stores may still hold some). */
const legacyAuctionQrKey = (auctionId: string, format: "svg" | "png") => `auctions/${auctionId}/qr.${format}`;
export const auctionPageUrl = (publicUrl: string, auctionId: string) =>
  `${publicUrl.replace(/\/$/, "")}/auctions/${auctionId}`;

/** Consumer of `auction_created` (choreography): renders the auction page's QR code as SVG and PNG. */
export function makePublishAuctionQr(deps: { objects: ObjectStore; qr: QrCodeRenderer; publicUrl: string }) {
  return async (event: StoredEvent): Promise<void> => {
    const url = auctionPageUrl(deps.publicUrl, event.key);
    await deps.objects.put(
      auctionQrKey(event.key, "svg"),
      new TextEncoder().encode(await deps.qr.svg(url)),
      "image/svg+xml",
    );
    await deps.objects.put(auctionQrKey(event.key, "png"), await deps.qr.png(url), "image/png");
  };
}

export function makeGetAuctionQr(deps: { objects: ObjectStore }) {
  return async (auctionId: string, format: "svg" | "png"): Promise<StoredObject> => {
    const object =
      (await deps.objects.get(auctionQrKey(auctionId, format))) ??
      (await deps.objects.get(legacyAuctionQrKey(auctionId, format)));
    if (!object) throw new NotFoundError("QR_NOT_READY", "The QR code is made right after the auction is created");
    return object;
  };
}
