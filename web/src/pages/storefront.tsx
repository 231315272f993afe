import { useEffect, useState } from "react";
import { call, formatMoney, type Product } from "../api/client";
import { useCart } from "../cart";
import { CakeArt } from "../components/cake-art";
import { Empty, ErrorBox, Loading, PageTitle, useLoad } from "../components/status";
import { Link } from "../router";

async function loadCatalog() {
  const products: Product[] = [];
  let cursor: string | undefined;
  do {
    const page = await call("get", "/products", { query: { limit: 100, cursor } });
    products.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return products;
}

/** The whole catalog; once it is loaded, cart lines of products no longer sold are dropped. */
export function useProducts() {
  const products = useLoad(loadCatalog, []);
  const { keepOnly } = useCart();
  useEffect(() => {
    if (products.data) keepOnly(products.data.map((p) => p.id));
  }, [products.data, keepOnly]);
  return products;
}

export function StockNote({ stock }: { stock: number }) {
  if (stock <= 0) return <span className="stock stock--out">Sold out</span>;
  if (stock <= 5) return <span className="stock stock--low">Only {stock} left</span>;
  return <span className="stock">{stock} in stock</span>;
}

function ProductCard({ product }: { product: Product }) {
  const cart = useCart();
  const [added, setAdded] = useState(false);
  const inCart = cart.lines.find((line) => line.productId === product.id)?.quantity ?? 0;
  return (
    <li className="card product-card">
      <Link href={`/cakes/${product.id}`} className="product-card__link">
        <CakeArt id={product.id} />
        <h2 className="product-card__name">{product.name}</h2>
      </Link>
      <p className="product-card__desc">{product.description}</p>
      <div className="product-card__foot">
        <span className="price">{formatMoney(product.price)}</span>
        <StockNote stock={product.stock} />
      </div>
      <button
        type="button"
        className="button"
        disabled={product.stock <= 0}
        onClick={() => {
          cart.add(product.id);
          setAdded(true);
        }}
        aria-label={`Add ${product.name} to cart`}
      >
        Add to cart
      </button>
      {/* the count changes with each click, so each one is announced */}
      <p role="status" className="product-card__added">
        {added && inCart > 0 && (
          <>
            Added: {inCart} in your cart. <Link href="/cart">Go to cart</Link>
          </>
        )}
      </p>
    </li>
  );
}

export function Storefront() {
  const products = useProducts();
  return (
    <>
      <section className="hero">
        <PageTitle title="Fresh cakes">Cakes baked to order</PageTitle>
        <p className="hero__lead">Made by hand this morning, delivered to your door this afternoon.</p>
      </section>
      {products.loading && !products.data && <Loading label="Fetching today's cakes…" />}
      {products.error !== undefined && <ErrorBox error={products.error} retry={products.reload} />}
      {products.data && products.data.length === 0 && <Empty>The shelves are empty today. Come back tomorrow!</Empty>}
      {products.data && products.data.length > 0 && (
        <ul className="product-grid" aria-label="Cakes">
          {products.data.map((product) => (
            <ProductCard key={product.id} product={product} />
          ))}
        </ul>
      )}
    </>
  );
}
