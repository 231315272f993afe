import { describe, expect, it } from "vitest";
import { AUCTION_START, openAuction } from "../../../test/support/auction-fixture.js";
import { AuctionEvent } from "../../domain/auctions/auction-events.js";
import type { Mailer } from "../../ports/mailer.js";
import { userToItem } from "../users/user-items.js";
import { makeNotifyAuctionParties } from "./auction-notifications.js";
import { makeCloseAuction } from "./close-auction.js";
import { makePlaceBid } from "./place-bid.js";

async function biddingWar() {
  const { deps, store, auction, advance } = await openAuction();
  for (const id of ["a", "b"]) {
    await store.put(
      userToItem({
        id,
        email: `${id}@example.com`,
        name: id,
        roles: ["customer"],
        passwordHash: "-",
        createdAt: new Date(AUCTION_START).toISOString(),
      }),
    );
  }
  const sent: string[] = [];
  const texts: string[] = [];
  const mailer = {
    send: async (mail: { to: string; text: string }) => {
      sent.push(mail.to);
      texts.push(mail.text);
    },
  } as unknown as Mailer;
  const notify = makeNotifyAuctionParties({ store, mailer, shopName: "Shop", publicUrl: "http://shop.test" });
  const bid = (bidder: string, amount: number) =>
    makePlaceBid(deps)(auction.id, amount, { userId: bidder, roles: ["customer"] });
  const outbidNotices = async (bidder: string) =>
    (await store.listByKey(auction.id)).filter((e) => e.type === AuctionEvent.outbid && e.data.bidderId === bidder);
  const close = async () => {
    advance(3_600_000);
    await makeCloseAuction(deps)(auction.id);
  };
  return { bid, notify, sent, texts, outbidNotices, close };
}

describe("outbid e-mails", () => {
  it("tell a bidder who was outbid", async () => {
    const { bid, notify, sent, outbidNotices } = await biddingWar();
    await bid("a", 5000);
    await bid("b", 6000);
    for (const notice of await outbidNotices("a")) await notify(notice);
    expect(sent).toEqual(["a@example.com"]);
  });

  it("are not sent to a bidder who leads again by the time the notice is delivered", async () => {
    const { bid, notify, sent, outbidNotices } = await biddingWar();
    await bid("a", 5000);
    await bid("b", 6000);
    await bid("a", 7000);
    for (const notice of await outbidNotices("a")) await notify(notice);
    expect(sent).toEqual([]);
  });

  it("delivered after the close, still tell the bidder, without asking for another bid", async () => {
    const { bid, notify, sent, texts, outbidNotices, close } = await biddingWar();
    await bid("a", 5000);
    await bid("b", 6000);
    await close();
    for (const notice of await outbidNotices("a")) await notify(notice);
    expect(sent).toEqual(["a@example.com"]);
    expect(texts[0]).toContain("The auction has ended; it went to a higher bid");
    expect(texts[0]).not.toContain("Bid again");
  });
});
