import type { Auction } from "../../domain/auctions/auction.js";
import { AuctionEvent } from "../../domain/auctions/auction-events.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import { formatMoney } from "../../domain/shared/money.js";
import type { ItemStore } from "../../ports/item-store.js";
import type { Mailer } from "../../ports/mailer.js";
import { findUserById } from "../users/user-items.js";
import { loadAuction } from "./auction-items.js";

/** Outbid notices to one bidder on one auction are merged within this window (one e-mail per burst). */
export const OUTBID_BURST_MS = 10 * 60_000;
/** How many outbid e-mails a consumer remembers having sent (the oldest is forgotten first). */
const REMEMBERED_OUTBID_MAILS = 10_000;

export const NOTIFIED_EVENTS = [
  AuctionEvent.outbid,
  AuctionEvent.closed,
  AuctionEvent.cancelled,
  AuctionEvent.checkoutLapsed,
];

const price = (auction: Auction, amount: number) => formatMoney({ amount, currency: auction.currency });

/**
 * Consumer of the notification queue: outbid bidders, winner and seller at the close, bidders of a
 * cancelled auction. Each e-mail's id derives from the event (or the burst), so redelivery sends nothing twice.
 */
export function makeNotifyAuctionParties(deps: {
  store: ItemStore;
  mailer: Mailer;
  shopName: string;
  publicUrl: string;
}) {
  const mailTo = async (userId: string, id: string, subject: string, text: string) => {
    const user = await findUserById(deps.store, userId);
    if (user) await deps.mailer.send({ id, to: user.email, subject: `${deps.shopName}: ${subject}`, text });
  };
  // A hot auction outbids the same bidders again and again: after the burst's e-mail is sent (the mailer
  // would refuse a second one anyway), its later notices need no look-ups at all.
  const outbidMailsSent = new Set<string>();
  const linkTo = (auction: Auction) => `${deps.publicUrl.replace(/\/$/, "")}/auctions/${auction.id}`;
  return async (event: StoredEvent): Promise<void> => {
    if (event.type === AuctionEvent.outbid) {
      const bidderId = String(event.data.bidderId);
      const burst = Math.floor(Date.parse(event.at) / OUTBID_BURST_MS);
      const id = `outbid-${event.key}-${bidderId}-${burst}`;
      if (outbidMailsSent.has(id)) return;
      const auction = await loadAuction(deps.store, event.key);
      // Stale by the time it is delivered (a queue behind, a redelivery): the bidder leads again. A later
      // outbid in the same burst is still told. After the close it is still sent (losers get no other word),
      // without asking for another bid.
      if (auction.highestBid?.bidderId === bidderId) return;
      const next =
        auction.status === "active"
          ? `Bid again before ${auction.endsAt}`
          : "The auction has ended; it went to a higher bid";
      await mailTo(
        bidderId,
        id,
        `you have been outbid on "${auction.title}"`,
        `Someone bid more than you on "${auction.title}". ${next}: ${linkTo(auction)}\n`,
      );
      if (outbidMailsSent.size >= REMEMBERED_OUTBID_MAILS) {
        outbidMailsSent.delete(outbidMailsSent.values().next().value as string);
      }
      outbidMailsSent.add(id);
      return;
    }
    const auction = await loadAuction(deps.store, event.key);
    const link = linkTo(auction);
    if (event.type === AuctionEvent.closed) {
      const sold = event.data.outcome === "sold";
      if (sold) {
        const amount = Number(event.data.amount);
        await mailTo(
          String(event.data.winnerId),
          `won-${event.id}`,
          `you won "${auction.title}"`,
          `Your bid of ${price(auction, amount)} won "${auction.title}". Check out here: ${link}\n`,
        );
      }
      await mailTo(
        auction.sellerId,
        `closed-${event.id}`,
        sold ? `"${auction.title}" sold` : `"${auction.title}" ended unsold`,
        sold
          ? `"${auction.title}" sold for ${price(auction, Number(event.data.amount))}.\n`
          : `"${auction.title}" ended without a sale (${String(event.data.reason)}).\n`,
      );
    } else if (event.type === AuctionEvent.checkoutLapsed) {
      await mailTo(
        auction.sellerId,
        `lapsed-seller-${event.id}`,
        `"${auction.title}" was not paid for`,
        `The winner did not pay for "${auction.title}" in time, so it ended unsold.\n`,
      );
      if (event.data.winnerId) {
        await mailTo(
          String(event.data.winnerId),
          `lapsed-winner-${event.id}`,
          `your win of "${auction.title}" lapsed`,
          `You did not check out "${auction.title}" in time, so the win lapsed.\n`,
        );
      }
    } else if (event.type === AuctionEvent.cancelled) {
      const bids = await deps.store.query({ partition: `AUCTION#${auction.id}`, beginsWith: "BID#", limit: 10_000 });
      const bidders = new Set(bids.items.map((bid) => String(bid.bidderId)));
      for (const bidderId of bidders) {
        await mailTo(
          bidderId,
          `cancelled-${event.id}-${bidderId}`,
          `"${auction.title}" was cancelled`,
          `The auction "${auction.title}" you bid on was cancelled; no one will be charged.\n`,
        );
      }
    }
  };
}
