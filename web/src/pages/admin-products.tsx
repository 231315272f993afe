import { type FormEvent, useState } from "react";
import { call, errorMessage, formatMoney, type Product } from "../api/client";
import { CakeArt } from "../components/cake-art";
import { Empty, ErrorBox, Loading, PageTitle } from "../components/status";
import { useProducts } from "./storefront";

function ProductRow({ product, onSaved }: { product: Product; onSaved: () => void }) {
  const [price, setPrice] = useState((product.price.amount / 100).toFixed(2));
  const [stock, setStock] = useState(String(product.stock));
  const [state, setState] = useState<{ busy?: boolean; message?: string; error?: boolean }>({});

  async function save(event: FormEvent) {
    event.preventDefault();
    const amount = Math.round(Number(price) * 100);
    const count = Number(stock);
    if (!Number.isFinite(amount) || amount <= 0) return setState({ message: "Enter a price above 0", error: true });
    if (!Number.isInteger(count) || count < 0) return setState({ message: "Stock is a whole number ≥ 0", error: true });
    setState({ busy: true });
    try {
      const params = { id: product.id };
      if (amount !== product.price.amount)
        await call("patch", "/products/{id}", {
          params,
          body: { price: { amount, currency: product.price.currency } },
        });
      if (count !== product.stock) await call("put", "/products/{id}/stock", { params, body: { stock: count } });
      setState({ message: "Saved" });
      onSaved();
    } catch (e) {
      setState({ message: errorMessage(e), error: true });
    }
  }

  return (
    <tr>
      <td>
        <span className="admin-product">
          <CakeArt id={product.id} size="thumb" />
          {product.name}
        </span>
      </td>
      <td colSpan={3}>
        <form className="inline-form" onSubmit={save} aria-label={`Edit ${product.name}`}>
          <label>
            <span className="visually-hidden">Price of {product.name} in </span>
            {product.price.currency}
            <input inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} size={7} />
          </label>
          <label>
            <span className="visually-hidden">Stock of {product.name}</span>
            <input
              type="number"
              min={0}
              value={stock}
              onChange={(e) => setStock(e.target.value)}
              className="narrow-input"
            />
          </label>
          <button type="submit" className="button button--small" disabled={state.busy}>
            Save <span className="visually-hidden">{product.name}</span>
          </button>
          <span role="status" className={state.error ? "field-error" : "muted"}>
            {state.message}
          </span>
        </form>
      </td>
    </tr>
  );
}

export function AdminProducts() {
  const products = useProducts();
  return (
    <>
      <PageTitle>Products and stock</PageTitle>
      {products.loading && !products.data && <Loading />}
      {products.error !== undefined && <ErrorBox error={products.error} retry={products.reload} />}
      {products.data?.length === 0 && <Empty>No products yet.</Empty>}
      {products.data && products.data.length > 0 && (
        <div className="card table-wrap">
          <table className="table">
            <caption className="visually-hidden">Products with price and stock</caption>
            <thead>
              <tr>
                <th scope="col">Cake</th>
                <th scope="col" colSpan={3}>
                  Price · stock (now {products.data.reduce((n, p) => n + p.stock, 0)} cakes,{" "}
                  {formatMoney({
                    amount: products.data.reduce((n, p) => n + p.stock * p.price.amount, 0),
                    currency: products.data[0]?.price.currency ?? "EUR",
                  })}{" "}
                  on the shelves)
                </th>
              </tr>
            </thead>
            <tbody>
              {products.data.map((p) => (
                <ProductRow key={`${p.id}-${p.updatedAt}`} product={p} onSaved={products.reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
