import { useState } from "react";
import { call, formatMoney, type OrderStatus } from "../api/client";
import { Empty, ErrorBox, Loading, PageTitle, STATUS_LABELS, StatusBadge, useLoad } from "../components/status";
import { Link } from "../router";

const STATUSES = Object.keys(STATUS_LABELS) as OrderStatus[];
const PAGE = 20;

export function AdminOrders() {
  const [status, setStatus] = useState<OrderStatus | "">("");
  const [cursors, setCursors] = useState<string[]>([]); // cursors of the pages before this one
  const [cursor, setCursor] = useState<string>();
  const page = useLoad(
    () =>
      call("get", "/orders", { query: { limit: PAGE, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } }),
    [status, cursor],
  );
  return (
    <>
      <PageTitle>All orders</PageTitle>
      <div className="toolbar">
        <label htmlFor="status-filter">Status</label>
        <select
          id="status-filter"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as OrderStatus | "");
            setCursor(undefined);
            setCursors([]);
          }}
        >
          <option value="">All</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      {page.loading && <Loading />}
      {page.error !== undefined && <ErrorBox error={page.error} retry={page.reload} />}
      {page.data?.items.length === 0 && (
        <Empty>No orders {status ? `with status “${STATUS_LABELS[status]}”` : "yet"}.</Empty>
      )}
      {page.data && page.data.items.length > 0 && (
        <div className="card table-wrap">
          <table className="table">
            <caption className="visually-hidden">Orders</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Placed</th>
                <th scope="col">Customer</th>
                <th scope="col">Items</th>
                <th scope="col">Total</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((o) => (
                <tr key={o.id}>
                  <td>
                    <Link href={`/orders/${o.id}`}>{o.id}</Link>
                  </td>
                  <td>{new Date(o.createdAt).toLocaleString()}</td>
                  <td>{o.customer.name}</td>
                  <td>{o.lines.map((l) => `${l.quantity}× ${l.name}`).join(", ")}</td>
                  <td>{formatMoney(o.total)}</td>
                  <td>
                    <StatusBadge status={o.status} />
                    {o.failureReason && <span className="muted"> {o.failureReason}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Pages">
        <button
          type="button"
          className="button button--ghost"
          disabled={cursors.length === 0}
          onClick={() => {
            setCursor(cursors.at(-1) || undefined);
            setCursors((c) => c.slice(0, -1));
          }}
        >
          ← Newer
        </button>
        <button
          type="button"
          className="button button--ghost"
          disabled={!page.data?.cursor}
          onClick={() => {
            setCursors((c) => [...c, cursor ?? ""]);
            setCursor(page.data?.cursor);
          }}
        >
          Older →
        </button>
      </nav>
    </>
  );
}
