import { describe, expect, it } from "vitest";
import { openSqliteDatabase } from "../../adapters/local/sqlite-database.js";
import { SqliteItemStore } from "../../adapters/local/sqlite-item-store.js";
import { createUlidGenerator } from "../../adapters/local/system-clock.js";
import type { ObjectStore } from "../../ports/object-store.js";
import {
  makeAttachAgreement,
  makeGetAgreement,
  makeGetAgreementSummary,
  makeRequestAgreementUpload,
} from "./agreement-upload.js";
import { makeCreateAuction } from "./create-auction.js";

const seller = { userId: "usr_seller", roles: ["seller"] };

/** An object store holding objects in memory; with `links`, it also hands out download links as S3 does. */
function memoryObjects(links: boolean): ObjectStore & { asked: string[] } {
  const objects = new Map<string, { body: Uint8Array; contentType: string }>();
  const asked: string[] = [];
  return {
    asked,
    put: async (key, body, contentType) => void objects.set(key, { body, contentType }),
    get: async (key) => objects.get(key),
    exists: async (key) => objects.has(key),
    stream: async () => undefined,
    delete: async (key) => void objects.delete(key),
    ...(links
      ? {
          downloadUrl: async (key: string, seconds: number) => {
            asked.push(key);
            return `https://objects.example/${key}?expires=${seconds}`;
          },
        }
      : {}),
  };
}

async function attachedAgreement(links: boolean) {
  const clock = { now: () => new Date("2026-12-02T10:00:00Z") };
  const store = new SqliteItemStore(openSqliteDatabase(":memory:"));
  const deps = { store, ids: createUlidGenerator(clock), clock };
  const objects = memoryObjects(links);
  const signer = {
    presign: async () => ({ url: "https://upload.example", method: "PUT" as const, headers: {}, expiresAt: "" }),
  };
  const auction = await makeCreateAuction(deps)(
    {
      title: "Opera cake",
      description: "",
      currency: "EUR",
      startingPrice: 5000,
      startsAt: "2026-12-02T10:00:00Z",
      endsAt: "2026-12-03T10:00:00Z",
    },
    seller,
  );
  const upload = { contentType: "application/pdf", size: 4 } as const;
  const { key } = await makeRequestAgreementUpload({ ...deps, signer })(auction.id, upload, seller);
  const pdf = new TextEncoder().encode("%PDF");
  await objects.put(key, pdf, "application/pdf");
  expect(await makeAttachAgreement({ ...deps, objects })(key, { contentType: "application/pdf", size: 4 })).toBe(true);
  return {
    get: makeGetAgreement({ ...deps, objects }),
    summary: makeGetAgreementSummary(deps),
    auctionId: auction.id,
    objects,
    key,
    pdf,
  };
}

describe("getting a listing agreement", () => {
  it("hands the seller a short-lived link where the object store has them (an agreement may outgrow an API answer)", async () => {
    const { get, auctionId, objects, key } = await attachedAgreement(true);
    expect(await get(auctionId, seller)).toEqual({ url: `https://objects.example/${key}?expires=60` });
    expect(objects.asked).toEqual([key]);
    await expect(get(auctionId, { userId: "usr_other", roles: ["customer"] })).rejects.toMatchObject({
      code: "AGREEMENT_NOT_FOUND",
    });
    // an attached object that is gone is not handed out as a link to nothing
    await objects.delete(key);
    await expect(get(auctionId, seller)).rejects.toMatchObject({ code: "AGREEMENT_NOT_FOUND" });
    expect(objects.asked).toEqual([key]);
  });

  it("answers the bytes where the store has no links (files)", async () => {
    const { get, auctionId, pdf } = await attachedAgreement(false);
    expect(await get(auctionId, { userId: "usr_admin", roles: ["admin"] })).toEqual({
      body: pdf,
      contentType: "application/pdf",
    });
  });

  it("says which agreement is attached (the upload's key, type, size, time) without reading it, to the same people", async () => {
    const { summary, auctionId, objects, key } = await attachedAgreement(true);
    expect(await summary(auctionId, seller)).toEqual({
      key,
      contentType: "application/pdf",
      size: 4,
      uploadedAt: "2026-12-02T10:00:00.000Z",
    });
    expect(await summary(auctionId, { userId: "usr_admin", roles: ["admin"] })).toMatchObject({ key });
    await expect(summary(auctionId, { userId: "usr_other", roles: ["customer"] })).rejects.toMatchObject({
      code: "AGREEMENT_NOT_FOUND",
    });
    expect(objects.asked).toEqual([]);
  });
});
