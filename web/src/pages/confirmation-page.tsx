import { ApiError, call } from "../api/client";
import { ErrorBox, Loading, PageTitle, useLoad } from "../components/status";
import { Link, useRouter } from "../router";
import { OrderNotFound } from "./tracking-page";

export function ConfirmationPage({ id }: { id: string }) {
  const { location } = useRouter();
  const token = location.query.get("token") ?? undefined;
  const order = useLoad(() => call("get", "/orders/{id}", { params: { id }, query: { token } }), [id, token]);
  if (order.error instanceof ApiError && order.error.status === 404) return <OrderNotFound id={id} token={token} />;
  if (order.error !== undefined) return <ErrorBox error={order.error} retry={order.reload} />;
  if (!order.data) return <Loading />;
  const href = token ? `/orders/${id}?token=${encodeURIComponent(token)}` : `/orders/${id}`;
  return (
    <section className="card confirmation">
      <PageTitle title="Thank you">Thank you for your order!</PageTitle>
      <p>
        Your order number is <strong>{id}</strong>. We are checking your payment now; you will get an e-mail with the
        receipt once it is confirmed.
      </p>
      <p>Keep the tracking link to follow your cake from our oven to your door.</p>
      <Link href={href} className="button">
        Track your order
      </Link>
    </section>
  );
}
