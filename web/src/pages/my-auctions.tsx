import { type Auction, call, formatCents } from "../api/client";
import { useAuth } from "../auth";
import { AuctionCards, currentPrice } from "../components/auction-cards";
import { Empty, ErrorBox, Loading, PageTitle, useLoad } from "../components/status";
import { Link } from "../router";
import { AuctionPages, useAuctionPages } from "./auctions";

export function MyAuctions() {
  const { user } = useAuth();
  const pages = useAuctionPages({ seller: user?.id ?? "" });
  return (
    <>
      <PageTitle>My auctions</PageTitle>
      <div className="toolbar">
        <Link href="/auctions/new" className="button">
          Sell a cake
        </Link>
      </div>
      <AuctionPages {...pages}>You have not listed an auction yet.</AuctionPages>
    </>
  );
}

/** Where the reader's best bid stands in an auction. */
function bidOutcome(a: Auction, best: number): string {
  const leading = a.highestBid?.yours;
  if (a.status === "sold") return leading ? "you won" : "lost";
  if (a.status === "unsold") return "not sold";
  if (a.status === "cancelled") return "cancelled";
  if (leading) return "you are the highest bidder";
  return currentPrice(a) > best ? "outbid" : "";
}

export function MyBids() {
  const bids = useLoad(async () => (await call("get", "/me/bids", { query: { limit: 50 } })).items, []);
  return (
    <>
      <PageTitle>My bids</PageTitle>
      {bids.loading && !bids.data && <Loading />}
      {bids.error !== undefined && <ErrorBox error={bids.error} retry={bids.reload} />}
      {bids.data?.length === 0 && (
        <Empty>
          <p>You have not bid yet.</p>
          <Link href="/auctions" className="button">
            See the auctions
          </Link>
        </Empty>
      )}
      {bids.data && bids.data.length > 0 && (
        <AuctionCards
          auctions={bids.data.map((b) => b.auction).filter((a, i, all) => all.findIndex((x) => x.id === a.id) === i)}
          extra={(a) => {
            const mine = bids.data?.filter((b) => b.auction.id === a.id) ?? [];
            const best = Math.max(...mine.map((b) => b.bid.amount));
            const leading = a.highestBid?.yours;
            return (
              <p className={leading ? "note" : "muted"}>
                Your bid: {formatCents(best, a.currency)} · {bidOutcome(a, best)}
              </p>
            );
          }}
        />
      )}
    </>
  );
}
