import type { EventBridgeEvent } from "aws-lambda";
import { agreementContentType, type makeAttachAgreement } from "../../application/auctions/agreement-upload.js";
import type { Logger } from "../../ports/logger.js";

/** The detail of S3's "Object Created" event on EventBridge (the parts used here). */
export interface ObjectCreatedDetail {
  bucket: { name: string };
  object: { key: string; size: number; etag?: string };
  reason?: string;
}

/**
 * Lambda handler for S3 "Object Created" events of the objects bucket (EventBridge rule on the
 * `agreements/` prefix): attaches an uploaded listing agreement to its auction, as the local upload
 * route does. Keys arrive URL-encoded in S3 events; attaching twice is harmless (a put of the same item).
 */
export function makeObjectCreatedHandler(attachAgreement: ReturnType<typeof makeAttachAgreement>, logger: Logger) {
  return async (event: EventBridgeEvent<"Object Created", ObjectCreatedDetail>): Promise<void> => {
    const key = decodeURIComponent(event.detail.object.key.replace(/\+/g, " "));
    const contentType = agreementContentType(key);
    if (!key.startsWith("agreements/") || !contentType) {
      logger.warn("ignored an object that is not a listing agreement", { key });
      return;
    }
    const attached = await attachAgreement(key, { contentType, size: event.detail.object.size });
    if (!attached)
      logger.warn("deleted an upload that does not match its grant", { key, size: event.detail.object.size });
  };
}
