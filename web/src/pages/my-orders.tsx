import { call } from "../api/client";
import { OrderCards } from "../components/order-list";
import { Empty, ErrorBox, Loading, PageTitle, useLoad } from "../components/status";
import { Link } from "../router";

export function MyOrders() {
  const orders = useLoad(async () => (await call("get", "/orders", { query: { limit: 50 } })).items, []);
  return (
    <>
      <PageTitle>My orders</PageTitle>
      {orders.loading && !orders.data && <Loading />}
      {orders.error !== undefined && <ErrorBox error={orders.error} retry={orders.reload} />}
      {orders.data?.length === 0 && (
        <Empty>
          <p>No orders yet.</p>
          <Link href="/" className="button">
            Find a cake
          </Link>
        </Empty>
      )}
      {orders.data && orders.data.length > 0 && <OrderCards orders={orders.data} />}
    </>
  );
}
