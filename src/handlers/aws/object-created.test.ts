import type { EventBridgeEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { createJsonLogger } from "../../adapters/local/json-logger.js";
import { makeObjectCreatedHandler, type ObjectCreatedDetail } from "./object-created.js";

/** An S3 "Object Created" event as EventBridge delivers it to a Lambda target. */
function objectCreated(key: string, size: number): EventBridgeEvent<"Object Created", ObjectCreatedDetail> {
  return {
    version: "0",
    id: "17793124-05d4-b198-2fde-7ededc63b103",
    "detail-type": "Object Created",
    source: "aws.s3",
    account: "123456789012",
    time: "2026-11-22T10:00:00Z",
    region: "eu-west-1",
    resources: ["arn:aws:s3:::orderflow-objects-123456789012-eu-west-1"],
    detail: {
      bucket: { name: "orderflow-objects-123456789012-eu-west-1" },
      object: { key, size, etag: "b1946ac92492d2347c6235b4d2611184" },
      reason: "PutObject",
    },
  };
}

describe("S3 Object Created handler", () => {
  const silent = createJsonLogger({ level: "silent" });

  it("attaches an uploaded agreement with the type its key was signed for and the stored size", async () => {
    const attached: Array<[string, { contentType: string; size: number }]> = [];
    const handler = makeObjectCreatedHandler(async (key, meta) => {
      attached.push([key, meta]);
      return true;
    }, silent);
    await handler(objectCreated("agreements/usr_1/auc_9/01JB2.pdf", 48_213));
    // S3 URL-encodes keys in events.
    await handler(objectCreated("agreements/usr_1/auc_9/scan%2Bpage.png", 1200));
    expect(attached).toEqual([
      ["agreements/usr_1/auc_9/01JB2.pdf", { contentType: "application/pdf", size: 48_213 }],
      ["agreements/usr_1/auc_9/scan+page.png", { contentType: "image/png", size: 1200 }],
    ]);
  });

  it("ignores other objects (receipts, QR codes, unknown extensions)", async () => {
    const attached: string[] = [];
    const handler = makeObjectCreatedHandler(async (key) => {
      attached.push(key);
      return true;
    }, silent);
    await handler(objectCreated("receipts/ord_1.pdf", 3000));
    await handler(objectCreated("agreements/usr_1/auc_9/notes.exe", 10));
    expect(attached).toEqual([]);
  });
});
