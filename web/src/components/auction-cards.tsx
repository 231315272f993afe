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
          <p className="muted">
            {a.phase === "scheduled" ? "Starts" : "Ends"}{" "}
            {new Date(a.phase === "scheduled" ? a.startsAt : a.endsAt).toLocaleString()}
          </p>
          {extra?.(a)}
        </li>
      ))}
    </ul>
  );
}
