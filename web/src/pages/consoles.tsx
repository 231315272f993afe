import { useEffect, useState } from "react";
import { call, errorMessage, type Order } from "../api/client";
import { OrderCards } from "../components/order-list";
import { Empty, ErrorBox, Loading, PageTitle, useLoad } from "../components/status";

function Console({
  title,
  intro,
  status,
  oldest,
  actionLabel,
  act,
  empty,
}: {
  title: string;
  intro: string;
  status: "confirmed" | "out_for_delivery";
  oldest?: boolean;
  actionLabel: string;
  act: (id: string) => Promise<unknown>;
  empty: string;
}) {
  const orders = useLoad(
    async () =>
      (await call("get", "/orders", { query: { status, limit: 100, ...(oldest ? { order: "oldest" } : {}) } })).items,
    [status, oldest],
  );
  const [busy, setBusy] = useState<string>();
  const [message, setMessage] = useState<string>();
  const { reload } = orders;
  useEffect(() => {
    const timer = setInterval(reload, 5000); // new orders arrive while the page is open
    return () => clearInterval(timer);
  }, [reload]);

  async function run(order: Order) {
    setBusy(order.id);
    setMessage(undefined);
    try {
      await act(order.id);
      setMessage(`Order ${order.id}: done.`);
      reload();
    } catch (e) {
      setMessage(`Order ${order.id}: ${errorMessage(e)}`);
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <>
      <PageTitle>{title}</PageTitle>
      <p className="lead">{intro}</p>
      <p role="status" className="console-message">
        {message}
      </p>
      {orders.loading && !orders.data && <Loading />}
      {orders.error !== undefined && <ErrorBox error={orders.error} retry={reload} />}
      {orders.data && orders.data.length === 0 && <Empty>{empty}</Empty>}
      {orders.data && orders.data.length > 0 && (
        <OrderCards
          orders={orders.data}
          action={(order) => (
            <button type="button" className="button" disabled={busy === order.id} onClick={() => run(order)}>
              {actionLabel} <span className="visually-hidden">order {order.id}</span>
            </button>
          )}
        />
      )}
    </>
  );
}

export function MakerConsole() {
  return (
    <Console
      title="Bake list"
      intro="Confirmed orders, oldest first. Mark an order baked when it is boxed; the courier is told."
      status="confirmed"
      oldest
      actionLabel="Mark baked"
      act={(id) => call("post", "/orders/{id}/fulfilled", { params: { id } })}
      empty="Nothing to bake right now. Time for a coffee."
    />
  );
}

export function CourierConsole() {
  return (
    <Console
      title="Deliveries"
      intro="Orders out for delivery. Mark each one delivered at the door."
      status="out_for_delivery"
      actionLabel="Mark delivered"
      act={(id) => call("post", "/orders/{id}/delivered", { params: { id } })}
      empty="No deliveries waiting."
    />
  );
}
