import { useState } from "react";
import { ApiError, call, formatMoney } from "../api/client";
import { useCart } from "../cart";
import { CakeArt } from "../components/cake-art";
import { useQuantityBox } from "../components/quantity-box";
import { Empty, ErrorBox, Loading, PageTitle, useLoad } from "../components/status";
import { Link } from "../router";
import { StockNote } from "./storefront";

export function ProductPage({ id }: { id: string }) {
  const product = useLoad(() => call("get", "/products/{id}", { params: { id } }), [id]);
  const cart = useCart();
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState<number>();
  const max = Math.max(1, Math.min(99, product.data?.stock ?? 99));
  const box = useQuantityBox(Math.min(quantity, max), max, setQuantity);
  if (product.loading && !product.data) return <Loading />;
  if (product.error instanceof ApiError && product.error.status === 404) return <CakeNotFound />;
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
            box.settle(); // an emptied box shows the quantity added, not nothing
            const adding = Math.min(quantity, max);
            cart.add(p.id, adding);
            setAdded(adding);
          }}
        >
          <label htmlFor="quantity">Quantity</label>
          <input id="quantity" type="number" inputMode="numeric" min={1} max={max} {...box.input} />
          <button type="submit" className="button" disabled={p.stock <= 0}>
            Add to cart
          </button>
        </form>
        <p role="status" className="added-note">
          {added !== undefined && (
            <>
              Added {added} to your cart. <Link href="/cart">Go to cart</Link>
            </>
          )}
        </p>
      </div>
    </article>
  );
}

function CakeNotFound() {
  return (
    <Empty>
      <PageTitle title="Cake not found">We do not have that cake</PageTitle>
      <p>
        It may have sold out for good, or the link has a typo. <Link href="/">See all our cakes</Link>
      </p>
    </Empty>
  );
}
