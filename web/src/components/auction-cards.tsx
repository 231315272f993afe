import type { ReactNode } from "react";
import { type Auction, formatCents } from "../api/client";
import { Link } from "../router";

export const PHASE_LABELS: Record<Auction["phase"], string> = {
  scheduled: "Starts soon",
  open: "Open for bids",
  ended: "Ended",
  sold: "Sold",
  unsold: "Not sold",
  cancelled: "Cancelled",
};

export function PhaseBadge({ phase }: { phase: Auction["phase"] }) {
  return <span className={`badge badge--auction-${phase}`}>{PHASE_LABELS[phase] ?? phase}</span>;
}

/** The amount to show as "the price now": the highest bid, or the starting price before any bid. */
export const currentPrice = (a: Auction) => a.highestBid?.amount ?? a.startingPrice;

/** What the end time is to the reader: still ahead, passed, or never reached (sold at the buy-now price, cancelled). */
export function endLabel(a: Auction): string {
  if (a.phase === "open" || a.phase === "scheduled") return "Ends";
  return Date.parse(a.endsAt) > Date.now() ? "Closed early; was to end" : "Ended";
}

/** A card's one line of timing: when it starts or ends, or that it ended (or was cancelled). */
function timing(a: Auction): string {
  const at = (iso: string) => new Date(iso).toLocaleString();
  if (a.phase === "scheduled") return `Starts ${at(a.startsAt)}`;
  if (a.phase === "cancelled") return "Cancelled";
  return `${endLabel(a)} ${at(a.endsAt)}`;
}

export function AuctionCards({ auctions, extra }: { auctions: Auction[]; extra?: (a: Auction) => ReactNode }) {
  return (
    <ul className="order-cards">
      {auctions.map((a) => (
        <li key={a.id} className="card order-card auction-card" data-auction-id={a.id}>
          <div className="order-card__head">
            <Link href={`/auctions/${a.id}`}>{a.title}</Link>
            <PhaseBadge phase={a.phase} />
          </div>
          <p>
            <strong className="price">{formatCents(currentPrice(a), a.currency)}</strong>{" "}
            <span className="muted">
              {a.bidCount === 0 ? "starting price, no bids yet" : `${a.bidCount} bid${a.bidCount === 1 ? "" : "s"}`}
            </span>
          </p>
          <p className="muted">{timing(a)}</p>
          {extra?.(a)}
        </li>
      ))}
    </ul>
  );
}
