import { describe, expect, it } from "vitest";
import { AUCTION_START, openAuction, SELLER } from "../../../test/support/auction-fixture.js";
import { loadAuction } from "./auction-items.js";
import { makeCancelAuction, makeUpdateAuction } from "./change-auction.js";
import { makeCloseAuction } from "./close-auction.js";
import { makePlaceBid } from "./place-bid.js";

const HOUR = 3_600_000;

describe("changing an auction after its end time, before its close has run", () => {
  it("the seller cannot cancel it: the highest bid still wins", async () => {
    const { deps, store, auction, advance } = await openAuction();
    await makePlaceBid(deps)(auction.id, 7500, { userId: "winner", roles: ["customer"] });
    advance(HOUR + 1000);
    await expect(makeCancelAuction(deps)(auction.id, SELLER)).rejects.toMatchObject({ code: "AUCTION_ENDED" });
    await makeCloseAuction(deps)(auction.id);
    expect(await loadAuction(store, auction.id)).toMatchObject({
      status: "sold",
      highestBid: { bidderId: "winner", amount: 7500 },
    });
  });

  it("the seller cannot revive it by moving its end time", async () => {
    const { deps, auction, advance } = await openAuction();
    advance(HOUR + 1000);
    const later = { endsAt: new Date(AUCTION_START + 2 * HOUR).toISOString() };
    await expect(makeUpdateAuction(deps)(auction.id, later, SELLER)).rejects.toMatchObject({ code: "AUCTION_ENDED" });
  });

  it("up to its end time the seller may still cancel it", async () => {
    const { deps, auction, advance } = await openAuction();
    advance(HOUR - 1);
    expect((await makeCancelAuction(deps)(auction.id, SELLER)).status).toBe("cancelled");
  });
});
