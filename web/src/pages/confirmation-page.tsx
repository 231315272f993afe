import { ApiError, type Order } from "../api/client";
import { trackingTokens } from "../cart";
import { useLiveOrder } from "../components/live-order";
import { OrderFailed } from "../components/order-failed";
import { ErrorBox, LiveIndicator, Loading, PageTitle } from "../components/status";
import { Link, useRouter } from "../router";
import { OrderNotFound } from "./tracking-page";

/** Right after checkout: follows the order live, so a payment that fails says so here, with what to do. */
export function ConfirmationPage({ id }: { id: string }) {
  const { location } = useRouter();
  const token = location.query.get("token") ?? trackingTokens.get(id) ?? undefined;
  const { order, timeline, error, live, retry } = useLiveOrder(id, token);
  if (error instanceof ApiError && error.status === 404 && !order) return <OrderNotFound id={id} token={token} />;
  if (error !== undefined && !order) return <ErrorBox error={error} retry={retry} />;
  if (!order) return <Loading label="Finding your order…" />;
  const href = token ? `/orders/${id}?token=${encodeURIComponent(token)}` : `/orders/${id}`;
  if (order.status === "failed")
    return (
      <section className="card confirmation">
        <PageTitle title="Order not placed">Your order did not go through</PageTitle>
        <p>
          Order number <strong className="order-number">{id}</strong>
        </p>
        <OrderFailed order={order} timeline={timeline} token={token} />
        <p>
          <Link href={href}>See what happened to this order</Link>
        </p>
      </section>
    );
  return (
    <section className="card confirmation">
      <PageTitle title="Thank you">Thank you for your order!</PageTitle>
      <p>
        Your order number is <strong className="order-number">{id}</strong>.
      </p>
      <p role="status">{paymentNews(order)}</p>
      <p>
        <LiveIndicator state={live} label="Live updates" />
      </p>
      <p>Keep the tracking link to follow your cake from our oven to your door.</p>
      <Link href={href} className="button">
        Track your order
      </Link>
    </section>
  );
}

function paymentNews(order: Order): string {
  if (order.status === "pending") return "We are checking your payment now.";
  return `Your payment went through and the bakery has your order. We will e-mail the receipt to ${order.customer.email}.`;
}
