import { type FormEvent, type MouseEvent, useState } from "react";
import { ApiError, buildUrl, call, downloadFile, errorMessage, formatMoney, type Order } from "../api/client";
import { useAuth } from "../auth";
import { trackingTokens } from "../cart";
import { useLiveOrder } from "../components/live-order";
import { OrderFailed } from "../components/order-failed";
import { Empty, ErrorBox, LiveIndicator, Loading, PageTitle, StatusBadge } from "../components/status";
import { Link, signInHref, useRouter } from "../router";

const EVENT_LABELS: Record<string, string> = {
  order_received: "Order received",
  stock_reserved: "Cakes set aside for you",
  payment_charged: "Payment taken",
  order_placed: "Order confirmed",
  receipt_issued: "Receipt sent by e-mail",
  maker_notified: "The baker has your order",
  order_fulfilled: "Baked and boxed",
  delivery_requested: "Courier booked",
  order_out_for_delivery: "Out for delivery",
  order_delivered: "Delivered",
  order_reviewed: "Thanks for your feedback",
  order_failed: "Order failed",
  payment_refunded: "Payment refunded",
  stock_released: "Reserved cakes released",
};

export function TrackingPage({ id }: { id: string }) {
  const { location } = useRouter();
  const token = location.query.get("token") ?? trackingTokens.get(id) ?? undefined;
  const { order, setOrder, timeline, error, live, retry } = useLiveOrder(id, token);

  if (error instanceof ApiError && error.status === 404 && !order) return <OrderNotFound id={id} token={token} />;
  if (error && !order) return <ErrorBox error={error} retry={retry} />;
  if (!order) return <Loading label="Finding your order…" />;
  const paid = !["pending", "failed"].includes(order.status);
  return (
    <div className="tracking">
      <PageTitle title="Your order">Order {order.id}</PageTitle>
      <p className="tracking__status">
        Status: <StatusBadge status={order.status} /> <LiveIndicator state={live} label="Live updates" />
      </p>
      {order.status === "failed" && <OrderFailed order={order} timeline={timeline} token={token} />}
      <div className="tracking__grid">
        <section className="card" aria-labelledby="timeline-title">
          <h2 id="timeline-title">Timeline</h2>
          <ol className="timeline" aria-live="polite">
            {timeline.map((event) => (
              <li key={event.seq} className={`timeline__item timeline__item--${event.type}`} data-event={event.type}>
                <span className="timeline__label">{EVENT_LABELS[event.type] ?? event.type.replaceAll("_", " ")}</span>
                <time dateTime={event.at}>{new Date(event.at).toLocaleTimeString()}</time>
              </li>
            ))}
          </ol>
        </section>
        <section className="card" aria-labelledby="summary-title">
          <h2 id="summary-title">Summary</h2>
          <ul className="summary">
            {order.lines.map((line) => (
              <li key={line.productId}>
                <span>
                  {line.quantity} × {line.name}
                </span>
                <span>{formatMoney(line.lineTotal)}</span>
              </li>
            ))}
          </ul>
          <p className="summary__total">
            <span>Total</span> <strong>{formatMoney(order.total)}</strong>
          </p>
          <p className="muted">
            To {order.customer.name}, {order.deliveryAddress.line1}, {order.deliveryAddress.city}
          </p>
          {paid && <ReceiptLink id={order.id} token={token} />}
          <OrderActions order={order} token={token} onChange={setOrder} />
        </section>
      </div>
    </div>
  );
}

/** The server answers 404 for an order that does not exist and for one the reader may not see. */
export function OrderNotFound({ id, token }: { id: string; token?: string }) {
  const { user } = useAuth();
  const { location } = useRouter();
  return (
    <Empty>
      <PageTitle title="Order not found">We cannot show order {id}</PageTitle>
      {token ? (
        <p>This tracking link does not lead to an order: open it again from your order confirmation e-mail.</p>
      ) : (
        <p>
          Open it with the tracking link in your order confirmation e-mail
          {user ? (
            ", or sign in with the account that placed it."
          ) : (
            <>
              , or <Link href={signInHref(location)}>sign in</Link> with the account that placed it.
            </>
          )}
        </p>
      )}
    </Empty>
  );
}

/** A guest's link carries the tracking token; a signed-in reader without it needs the bearer header. */
function ReceiptLink({ id, token }: { id: string; token?: string }) {
  const [problem, setProblem] = useState<string>();
  const url = buildUrl("/orders/{id}/receipt", { id }, { token });
  const fileName = `receipt-${id}.pdf`;
  async function download(event: MouseEvent) {
    if (token) return;
    event.preventDefault();
    setProblem(undefined);
    try {
      await downloadFile(url, fileName);
    } catch (e) {
      setProblem(errorMessage(e));
    }
  }
  return (
    <>
      <a className="button button--ghost" href={url} download={fileName} onClick={download}>
        Download receipt (PDF)
      </a>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}

function OrderActions({ order, token, onChange }: { order: Order; token?: string; onChange: (o: Order) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState("");
  const params = { id: order.id };
  const query = { token };

  async function delivered() {
    setBusy(true);
    setError(undefined);
    try {
      onChange(await call("post", "/orders/{id}/delivered", { params, query }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  async function feedback(event: FormEvent) {
    event.preventDefault();
    if (rating < 1) return setError("Choose a rating from 1 to 5 stars");
    setBusy(true);
    setError(undefined);
    try {
      const body = comment.trim() ? { rating, comment: comment.trim() } : { rating };
      onChange(await call("post", "/orders/{id}/feedback", { params, query, body }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="actions">
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {(order.status === "fulfilled" || order.status === "out_for_delivery") && (
        <button type="button" className="button" onClick={delivered} disabled={busy}>
          My cake arrived — mark delivered
        </button>
      )}
      {order.status === "delivered" && (
        <form className="form feedback" onSubmit={feedback}>
          <fieldset>
            <legend>How was your cake?</legend>
            <div className="stars">
              {[1, 2, 3, 4, 5].map((n) => (
                <label key={n} className={n <= rating ? "star star--on" : "star"}>
                  <input
                    type="radio"
                    name="rating"
                    value={n}
                    checked={rating === n}
                    onChange={() => {
                      setRating(n);
                      setError(undefined);
                    }}
                    className="visually-hidden"
                  />
                  <span aria-hidden="true">★</span>
                  <span className="visually-hidden">
                    {n} star{n > 1 ? "s" : ""}
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <div className="field">
            <label htmlFor="feedback-comment">Comment (optional)</label>
            <textarea
              id="feedback-comment"
              rows={3}
              maxLength={2000}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
            />
          </div>
          <button type="submit" className="button" disabled={busy}>
            Send feedback
          </button>
        </form>
      )}
      {order.feedback && (
        <p className="thanks">
          You rated this order {order.feedback.rating} of 5. {order.feedback.comment && `“${order.feedback.comment}”`}
        </p>
      )}
    </div>
  );
}
