import { type FormEvent, useEffect, useState } from "react";
import { ApiError, call, errorMessage, formatMoney, type Product, toCents, toEuros } from "../api/client";
import { CakeArt } from "../components/cake-art";
import { Empty, ErrorBox, Loading, PageTitle } from "../components/status";
import { useProducts } from "./storefront";

type RowField = "price" | "stock";

/** The row's field a message of the API is about (`price.amount` is the price). */
const fieldOf = (path: string): RowField | undefined =>
  path.startsWith("price") ? "price" : path === "stock" ? "stock" : undefined;

function checkPrice(value: string): string | undefined {
  const cents = toCents(value);
  return cents === undefined || cents <= 0 ? "Enter a price above 0 like 29.50, with at most 2 decimals" : undefined;
}

function checkStock(value: string): string | undefined {
  return /^\d+$/.test(value.trim()) ? undefined : "Enter the stock as a whole number, 0 or more";
}

function ProductRow({ product, onSaved }: { product: Product; onSaved: () => void }) {
  const [price, setPrice] = useState(toEuros(product.price.amount));
  const [stock, setStock] = useState(String(product.stock));
  const [errors, setErrors] = useState<Partial<Record<RowField, string>>>({});
  const [state, setState] = useState<{ busy?: boolean; message?: string }>({});
  // Show what the shop has now after a save or an order, without remounting (which would lose "Saved").
  useEffect(() => setPrice(toEuros(product.price.amount)), [product.price.amount]);
  useEffect(() => setStock(String(product.stock)), [product.stock]);

  async function save(event: FormEvent) {
    event.preventDefault();
    const found = { price: checkPrice(price), stock: checkStock(stock) };
    setErrors(found);
    setState({});
    if (found.price || found.stock) return;
    const amount = toCents(price) ?? 0;
    const count = Number(stock);
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
      const fromApi: Partial<Record<RowField, string>> = {};
      for (const f of e instanceof ApiError ? e.fields : []) {
        const field = fieldOf(f.path);
        if (field) fromApi[field] = f.message;
      }
      setErrors(fromApi);
      setState({ message: Object.keys(fromApi).length ? undefined : errorMessage(e) });
    }
  }

  const errorId = (field: RowField) => `${product.id}-${field}-error`;
  return (
    <tr>
      <td>
        <span className="admin-product">
          <CakeArt id={product.id} size="thumb" />
          {product.name}
        </span>
      </td>
      <td colSpan={3}>
        <form className="inline-form" onSubmit={save} noValidate aria-label={`Edit ${product.name}`}>
          <label>
            <span className="visually-hidden">Price of {product.name} in </span>
            {product.price.currency}
            <input
              inputMode="decimal"
              value={price}
              onChange={(e) => setPrice(e.target.value)}
              size={7}
              aria-invalid={!!errors.price}
              aria-describedby={errors.price ? errorId("price") : undefined}
            />
          </label>
          <label>
            Stock<span className="visually-hidden"> of {product.name}</span>
            <input
              type="number"
              min={0}
              value={stock}
              onChange={(e) => setStock(e.target.value)}
              className="narrow-input"
              aria-invalid={!!errors.stock}
              aria-describedby={errors.stock ? errorId("stock") : undefined}
            />
          </label>
          <button type="submit" className="button button--small" disabled={state.busy}>
            Save <span className="visually-hidden">{product.name}</span>
          </button>
          <span role="status" className="muted">
            {state.message}
          </span>
          {errors.price && (
            <span id={errorId("price")} className="field-error" role="alert">
              {errors.price}
            </span>
          )}
          {errors.stock && (
            <span id={errorId("stock")} className="field-error" role="alert">
              {errors.stock}
            </span>
          )}
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
          <table className="table table--stack">
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
                <ProductRow key={p.id} product={p} onSaved={products.reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
