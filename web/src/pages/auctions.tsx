import { useState } from "react";
import { type Auction, type AuctionStatus, call } from "../api/client";
import { AuctionCards } from "../components/auction-cards";
import { Empty, ErrorBox, Loading, PageTitle, useLoad } from "../components/status";

const STATUSES: Array<[AuctionStatus, string]> = [
  ["active", "Active"],
  ["sold", "Sold"],
  ["unsold", "Not sold"],
  ["cancelled", "Cancelled"],
];
const PAGE = 20;

/** A list of auctions with a "more" button following the API's cursor. */
export function useAuctionPages(query: Record<string, string>) {
  const [more, setMore] = useState<{ items: Auction[]; cursor?: string; loading: boolean; error?: unknown }>({
    items: [],
    loading: false,
  });
  const key = JSON.stringify(query);
  const first = useLoad(async () => {
    setMore({ items: [], loading: false });
    return call("get", "/auctions", { query: { limit: PAGE, ...query } });
  }, [key]);
  const cursor = more.items.length > 0 || more.cursor ? more.cursor : first.data?.cursor;
  async function loadMore() {
    if (!cursor) return;
    setMore((m) => ({ ...m, loading: true, error: undefined }));
    try {
      const page = await call("get", "/auctions", { query: { limit: PAGE, ...query, cursor } });
      setMore((m) => ({ items: [...m.items, ...page.items], cursor: page.cursor, loading: false }));
    } catch (error) {
      setMore((m) => ({ ...m, loading: false, error }));
    }
  }
  const items = first.data ? [...first.data.items, ...more.items] : undefined;
  const hasMore = more.items.length > 0 ? !!more.cursor : !!first.data?.cursor;
  return { first, items, hasMore, loadMore, more };
}

export function AuctionList() {
  const [status, setStatus] = useState<AuctionStatus>("active");
  const { first, items, hasMore, loadMore, more } = useAuctionPages({ status });
  return (
    <>
      <PageTitle>Auctions</PageTitle>
      <p className="lead">Bid on one-off cakes and bakes. Ending soonest first.</p>
      <div className="toolbar">
        <label htmlFor="auction-status">Status</label>
        <select id="auction-status" value={status} onChange={(e) => setStatus(e.target.value as AuctionStatus)}>
          {STATUSES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <AuctionPages first={first} items={items} hasMore={hasMore} loadMore={loadMore} more={more}>
        No {STATUSES.find(([s]) => s === status)?.[1].toLowerCase()} auctions right now.
      </AuctionPages>
    </>
  );
}

export function AuctionPages({
  first,
  items,
  hasMore,
  loadMore,
  more,
  children,
}: ReturnType<typeof useAuctionPages> & { children: React.ReactNode }) {
  return (
    <>
      {first.loading && !items && <Loading />}
      {first.error !== undefined && <ErrorBox error={first.error} retry={first.reload} />}
      {items?.length === 0 && <Empty>{children}</Empty>}
      {items && items.length > 0 && <AuctionCards auctions={items} />}
      {more.error !== undefined && <ErrorBox error={more.error} retry={loadMore} />}
      {hasMore && (
        <div className="pager">
          <button type="button" className="button button--ghost" disabled={more.loading} onClick={loadMore}>
            {more.loading ? "Loading…" : "More auctions"}
          </button>
        </div>
      )}
    </>
  );
}
