import { useState } from "react";
import { call, formatMoney } from "../api/client";
import { useCart } from "../cart";
import { CakeArt } from "../components/cake-art";
import { ErrorBox, Loading, PageTitle, useLoad } from "../components/status";
import { Link } from "../router";
import { StockNote } from "./storefront";

export function ProductPage({ id }: { id: string }) {
  const product = useLoad(() => call("get", "/products/{id}", { params: { id } }), [id]);
  const cart = useCart();
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState(false);
  if (product.loading && !product.data) return <Loading />;
  if (!product.data) return <ErrorBox error={product.error} retry={product.reload} />;
  const p = product.data;
  return (
    <article className="product-detail">
      <CakeArt id={p.id} size="large" />
      <div className="product-detail__info">
        <p className="crumbs">
          <Link href="/">← All cakes</Link>
        </p>
        <PageTitle>{p.name}</PageTitle>
        <p className="lead">{p.description}</p>
        <p className="price price--large">{formatMoney(p.price)}</p>
        <StockNote stock={p.stock} />
        <form
          className="add-form"
          onSubmit={(event) => {
            event.preventDefault();
            cart.add(p.id, quantity);
            setAdded(true);
          }}
        >
          <label htmlFor="quantity">Quantity</label>
          <input
            id="quantity"
            type="number"
            min={1}
            max={Math.max(1, Math.min(99, p.stock))}
            value={quantity}
            onChange={(event) => setQuantity(Math.max(1, Number(event.target.value) || 1))}
          />
          <button type="submit" className="button" disabled={p.stock <= 0}>
            Add to cart
          </button>
        </form>
        <p role="status" className="added-note">
          {added && (
            <>
              Added to your cart. <Link href="/cart">Go to cart</Link>
            </>
          )}
        </p>
      </div>
    </article>
  );
}
