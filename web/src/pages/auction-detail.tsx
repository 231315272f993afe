import { type FormEvent, useEffect, useRef, useState } from "react";
import { ApiError, type Auction, buildUrl, call, errorMessage, formatCents, toCents, toEuros } from "../api/client";
import { followAuction, type StreamState } from "../api/event-stream";
import { useAuth } from "../auth";
import { currentPrice, endLabel, PhaseBadge } from "../components/auction-cards";
import { ListingAgreement } from "../components/listing-agreement";
import { Empty, ErrorBox, LiveIndicator, Loading, PageTitle, useLoad } from "../components/status";
import { Link, signInHref, useRouter } from "../router";
import { WinnerCheckout } from "./auction-checkout";

interface LiveBid {
  seq: number;
  amount: number;
  at: string;
}

/** Events after which the page reads the auction again: it changed in a way the event alone does not show. */
const RELOADING_EVENTS = [
  "bid_placed",
  "auction_closed",
  "auction_cancelled",
  "auction_updated",
  "auction_paid",
  "auction_checkout_lapsed",
];

export function AuctionDetail({ id }: { id: string }) {
  const { user, has } = useAuth();
  const auction = useLoad(() => call("get", "/auctions/{id}", { params: { id } }), [id]);
  const [live, setLive] = useState<StreamState>("connecting");
  const [bids, setBids] = useState<LiveBid[]>([]);
  /** The public stream says the winner paid (the auction itself tells only the winner and the seller). */
  const [paid, setPaid] = useState(false);
  const { reload } = auction;
  // Only an auction that is there gets a live stream (the page is keyed by id, so this starts false).
  const [exists, setExists] = useState(false);
  useEffect(() => {
    if (auction.data) setExists(true);
  }, [auction.data]);
  useEffect(() => {
    if (!exists) return;
    setBids([]);
    setLive("connecting");
    return followAuction(
      id,
      (event) => {
        if (event.type === "bid_placed") {
          const amount = Number(event.data.amount);
          setBids((old) =>
            old.some((b) => b.seq === event.seq) ? old : [{ seq: event.seq, amount, at: event.at }, ...old],
          );
        }
        if (event.type === "auction_paid") setPaid(true);
        if (RELOADING_EVENTS.includes(event.type)) reload();
      },
      setLive,
    );
  }, [id, exists, reload]);
  useOpenAtStart(auction.data, reload);

  if (auction.loading && !auction.data) return <Loading />;
  if (auction.error instanceof ApiError && auction.error.status === 404 && !auction.data) return <AuctionNotFound />;
  if (auction.error !== undefined && !auction.data)
    return (
      <>
        <PageTitle>Auction</PageTitle>
        <ErrorBox error={auction.error} retry={auction.reload} />
      </>
    );
  const a = auction.data;
  if (!a) return null;
  const latest = bids[0];
  // the stream can be ahead of the last fetch: show whichever is newer
  const price = latest && latest.amount > currentPrice(a) ? latest.amount : currentPrice(a);
  const bidCount = Math.max(a.bidCount, bids.length);
  const isSeller = user?.id === a.sellerId;

  return (
    <>
      <p className="crumbs">
        <Link href="/auctions">← All auctions</Link>
      </p>
      <PageTitle>{a.title}</PageTitle>
      <div className="auction">
        <div className="auction__main">
          <section className="card" aria-labelledby="price-title">
            <h2 id="price-title" className="visually-hidden">
              Price and bids
            </h2>
            <p>
              <PhaseBadge phase={a.phase} /> <LiveIndicator state={live} label="Live bids" />
            </p>
            <p className="auction__price" aria-live="polite">
              <span className="muted">{bidCount === 0 ? "Starting price" : "Highest bid"}</span>{" "}
              <strong className="price price--large" data-testid="current-price">
                {formatCents(price, a.currency)}
              </strong>{" "}
              <span className="muted" data-testid="bid-count">
                {bidCount} bid{bidCount === 1 ? "" : "s"}
              </span>
            </p>
            {a.highestBid?.yours && a.phase === "open" && <p className="note">You are the highest bidder.</p>}
            {a.phase === "open" && (
              <p>
                Minimum next bid:{" "}
                <strong data-testid="minimum-bid">{formatCents(Math.max(a.minimumBid, 0), a.currency)}</strong>
              </p>
            )}
            <p className="muted">
              {a.phase === "scheduled" ? "Starts" : "Started"} {new Date(a.startsAt).toLocaleString()} · {endLabel(a)}{" "}
              {new Date(a.endsAt).toLocaleString()}
              {a.buyNowPrice ? ` · Buy now at ${formatCents(a.buyNowPrice, a.currency)}` : ""}
            </p>
            {a.description && <p className="auction__desc">{a.description}</p>}
          </section>

          {a.phase === "open" && !isSeller && (
            <BidForm auction={a} highest={price} signedIn={!!user} onPlaced={auction.reload} />
          )}
          {isSeller && <SellerActions auction={a} onChange={auction.reload} />}
          {(isSeller || has("admin")) && <ListingAgreement auctionId={a.id} canUpload={isSeller} />}
          {a.status === "sold" && (a.highestBid?.yours || a.checkout) && !isSeller && (
            <WinnerCheckout auction={a} reload={auction.reload} />
          )}
          {a.status === "sold" && !user && !paid && awaitingPayment(a) && <GuestWinnerNote />}
          {user && !isSeller && a.status !== "active" && !a.highestBid?.yours && <YourBidOutcome auction={a} />}

          <section aria-labelledby="history-title">
            <h2 id="history-title">Bids</h2>
            {bids.length === 0 ? (
              <Empty>
                {a.phase === "open" || a.phase === "scheduled" ? "No bids yet — be the first." : "No bids."}
              </Empty>
            ) : (
              <ol className="bid-history" aria-live="polite">
                {bids.map((b) => (
                  <li key={b.seq}>
                    <strong>{formatCents(b.amount, a.currency)}</strong>{" "}
                    <span className="muted">{new Date(b.at).toLocaleTimeString()}</span>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </div>
        <aside className="card auction__qr" aria-label="Share">
          <QrCode id={a.id} title={a.title} />
        </aside>
      </div>
    </>
  );
}

/**
 * A scheduled auction opens at its start time, which no server event announces: fetch it again then. If
 * this browser's clock runs ahead of the server's, it is still scheduled; each answer sets a new timer.
 */
function useOpenAtStart(auction: Auction | undefined, reload: () => void) {
  const scheduled = auction?.phase === "scheduled" ? auction : undefined;
  useEffect(() => {
    if (!scheduled) return;
    const wait = Date.parse(scheduled.startsAt) - Date.now();
    const timer = setTimeout(reload, wait > 0 ? Math.min(wait + 250, MAX_TIMER_MS) : 1000);
    return () => clearTimeout(timer);
  }, [scheduled, reload]);
}
const MAX_TIMER_MS = 2 ** 31 - 1; // a longer delay would fire at once

function AuctionNotFound() {
  return (
    <Empty>
      <PageTitle title="Auction not found">We cannot find that auction</PageTitle>
      <p>
        The link may have a typo, or the auction was never listed. <Link href="/auctions">See all auctions</Link>
      </p>
    </Empty>
  );
}

/** Whether a sold auction may still be paid for: until its deadline (the public stream says when it was paid). */
const awaitingPayment = (a: Auction) => !a.checkoutDeadline || Date.parse(a.checkoutDeadline) > Date.now();

/** How a finished auction went for a signed-in bidder who did not win it (nothing when they did not bid). */
function YourBidOutcome({ auction }: { auction: Auction }) {
  // A bidder's own bids are theirs to see (/me/bids); the auction answer names only the winner as "yours".
  const mine = useLoad(async () => {
    const bids = (await call("get", "/me/bids", { query: { limit: 50 } })).items;
    return bids.filter((b) => b.auction.id === auction.id).map((b) => b.bid.amount);
  }, [auction.id, auction.status]);
  if (!mine.data?.length) return null;
  const best = formatCents(Math.max(...mine.data), auction.currency);
  const price = formatCents(currentPrice(auction), auction.currency);
  const outcome =
    auction.status === "sold"
      ? `it went to another bidder for ${price}`
      : auction.status === "unsold"
        ? "it ended without a sale (the reserve price was not met)"
        : "the seller cancelled it";
  return (
    <p className="note" role="status" data-testid="your-bid-outcome">
      The auction has ended: {outcome}. Your highest bid was {best}.
    </p>
  );
}

/** A winner who opens the auction signed out (e.g. from its QR code) must sign in to pay. */
function GuestWinnerNote() {
  const { location } = useRouter();
  return (
    <section className="card" aria-labelledby="guest-winner-title">
      <h2 id="guest-winner-title">Won this auction?</h2>
      <p>
        <Link href={signInHref(location)}>Sign in to pay</Link> for your cake with the account you bid with.
      </p>
    </section>
  );
}

function QrCode({ id, title }: { id: string; title: string }) {
  const [failed, setFailed] = useState(false);
  if (failed) return <p className="muted">The QR code is not ready yet.</p>;
  return (
    <figure>
      <img
        src={buildUrl("/auctions/{id}/qr", { id }, { format: "svg" })}
        alt={`QR code linking to the auction “${title}”`}
        width={180}
        height={180}
        onError={() => setFailed(true)}
      />
      <figcaption className="muted">Scan to open this auction on a phone.</figcaption>
    </figure>
  );
}

/** `highest`: the highest bid now, from the live stream when it is ahead of the last fetch. */
function BidForm({
  auction,
  highest,
  signedIn,
  onPlaced,
}: {
  auction: Auction;
  highest: number;
  signedIn: boolean;
  onPlaced: () => void;
}) {
  const { location } = useRouter();
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string>();
  const [placed, setPlaced] = useState<number>(); // this page's last accepted bid
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  if (!signedIn)
    return (
      <section className="card">
        <h2>Place a bid</h2>
        <p>
          <Link href={signInHref(location)}>Sign in</Link> to bid.
        </p>
      </section>
    );
  const outbid = placed !== undefined && highest > placed;
  async function submit(event: FormEvent) {
    event.preventDefault();
    setPlaced(undefined);
    const cents = toCents(amount);
    if (cents === undefined || cents <= 0) {
      setError("Enter an amount in euros, like 12.50");
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const placed = await call("post", "/auctions/{id}/bids", { params: { id: auction.id }, body: { amount: cents } });
      setPlaced(placed.bid.amount);
      setAmount("");
      onPlaced();
    } catch (e) {
      if (e instanceof ApiError && e.code === "BID_TOO_LOW") {
        const highest = e.details.currentHighest as number | null | undefined;
        const minimum = e.details.minimumBid as number | undefined;
        setError(
          `Too low: ${highest ? `the highest bid is ${formatCents(highest, auction.currency)}, so ` : ""}bid at least ${
            minimum !== undefined ? formatCents(minimum, auction.currency) : "more"
          }.`,
        );
        onPlaced();
      } else setError(errorMessage(e));
      input.current?.focus();
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card" aria-labelledby="bid-title">
      <h2 id="bid-title">Place a bid</h2>
      <form className="form inline-form" onSubmit={submit} noValidate>
        <div className={`field${error ? " field--invalid" : ""}`}>
          <label htmlFor="bid-amount">Your bid (€)</label>
          <input
            ref={input}
            id="bid-amount"
            name="amount"
            inputMode="decimal"
            className="narrow-input"
            placeholder={toEuros(auction.minimumBid)}
            value={amount}
            aria-invalid={!!error}
            aria-describedby="bid-amount-hint bid-amount-error"
            onChange={(e) => setAmount(e.target.value)}
          />
          <p id="bid-amount-hint" className="muted">
            At least {formatCents(auction.minimumBid, auction.currency)}
          </p>
          <p id="bid-amount-error" className="field-error">
            {error}
          </p>
        </div>
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Bidding…" : "Place bid"}
        </button>
      </form>
      <p role="status" className={outbid ? "note" : "console-message"}>
        {placed === undefined
          ? ""
          : outbid
            ? `You have been outbid: the highest bid is now ${formatCents(highest, auction.currency)}.`
            : `Your bid of ${formatCents(placed, auction.currency)} is the highest.`}
      </p>
    </section>
  );
}

function SellerActions({ auction, onChange }: { auction: Auction; onChange: () => void }) {
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);
  const outcome = sellerOutcome(auction);
  // Past its end time the close settles the outcome: no more edits or cancelling (the API says AUCTION_ENDED).
  const running = auction.phase === "open" || auction.phase === "scheduled";
  async function cancel() {
    if (!window.confirm(`Cancel the auction “${auction.title}”? Bidders are told.`)) return;
    setBusy(true);
    try {
      await call("post", "/auctions/{id}/cancel", { params: { id: auction.id } });
      setMessage("The auction is cancelled.");
      onChange();
    } catch (e) {
      setMessage(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card" aria-labelledby="seller-title">
      <h2 id="seller-title">Your auction</h2>
      <div className="actions">
        {running && auction.bidCount === 0 && (
          <Link href={`/auctions/${auction.id}/edit`} className="button button--ghost">
            Edit
          </Link>
        )}
        {running && (
          <button type="button" className="button button--ghost" disabled={busy} onClick={cancel}>
            Cancel auction
          </button>
        )}
      </div>
      {running && auction.bidCount > 0 && <p className="muted">An auction with bids can no longer be edited.</p>}
      {outcome && <p>{outcome}</p>}
      <p role="status" className="console-message">
        {message}
      </p>
    </section>
  );
}

/** How the seller's auction turned out; the winner's order is theirs, so the seller gets no link to it. */
function sellerOutcome(a: Auction): string {
  const price = formatCents(currentPrice(a), a.currency);
  switch (a.status) {
    case "cancelled":
      return "You cancelled this auction.";
    case "unsold":
      return a.bidCount === 0 ? "Not sold: nobody bid." : "Not sold: the reserve price was not met.";
    case "sold": {
      const state = a.checkout?.state;
      if (state === "paid") return `Sold for ${price}. The winner has paid; the bakery has the order.`;
      if (state === "failed") return `Sold for ${price}, but the winner's payment failed.`;
      if (state) return `Sold for ${price}. The winner is paying now.`;
      const deadline = a.checkoutDeadline ? ` before ${new Date(a.checkoutDeadline).toLocaleString()}` : "";
      return `Sold for ${price}. Waiting for the winner to pay${deadline}.`;
    }
    default:
      return a.phase === "ended" ? "The auction has ended; the result is being worked out." : "";
  }
}
