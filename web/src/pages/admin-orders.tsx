import { useState } from "react";
import { call, formatMoney, type OrderStatus } from "../api/client";
import { Empty, ErrorBox, Loading, PageTitle, STATUS_LABELS, StatusBadge, useLoad } from "../components/status";
import { Link } from "../router";

const STATUSES = Object.keys(STATUS_LABELS) as OrderStatus[];
const PAGE = 20;
const COLUMNS = ["Order", "Placed", "Customer", "Items", "Total", "Status"] as const;

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
          <table className="table table--stack">
            <caption className="visually-hidden">Orders</caption>
            <thead>
              <tr>
                {COLUMNS.map((column) => (
                  <th key={column} scope="col" data-label={column}>
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((o) => (
                <tr key={o.id}>
                  <td data-label="Order">
                    <Link href={`/orders/${o.id}`}>{o.id}</Link>
                  </td>
                  <td data-label="Placed">{new Date(o.createdAt).toLocaleString()}</td>
                  <td data-label="Customer">{o.customer.name}</td>
                  <td data-label="Items">{o.lines.map((l) => `${l.quantity}× ${l.name}`).join(", ")}</td>
                  <td data-label="Total">{formatMoney(o.total)}</td>
                  <td data-label="Status">
                    <span>
                      <StatusBadge status={o.status} />
                      {o.failureReason && <span className="muted"> {o.failureReason}</span>}
                    </span>
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
