import { formatMoney, type Product } from "../api/client";
import { useCart } from "../cart";
import { CakeArt } from "../components/cake-art";
import { Empty, ErrorBox, Loading, PageTitle } from "../components/status";
import { Link } from "../router";
import { useProducts } from "./storefront";

export function cartTotal(lines: { productId: string; quantity: number }[], products: Product[]) {
  let amount = 0;
  let currency = "EUR";
  for (const line of lines) {
    const product = products.find((p) => p.id === line.productId);
    if (!product) continue;
    amount += product.price.amount * line.quantity;
    currency = product.price.currency;
  }
  return { amount, currency };
}

export function CartPage() {
  const cart = useCart();
  const products = useProducts();
  return (
    <>
      <PageTitle>Your cart</PageTitle>
      {cart.lines.length === 0 ? (
        <Empty>
          <p>Your cart is empty.</p>
          <Link href="/" className="button">
            Browse the cakes
          </Link>
        </Empty>
      ) : products.loading && !products.data ? (
        <Loading />
      ) : !products.data ? (
        <ErrorBox error={products.error} retry={products.reload} />
      ) : (
        <section className="card cart" aria-label="Cart items">
          <ul className="cart__lines">
            {cart.lines.map((line) => {
              const product = products.data?.find((p) => p.id === line.productId);
              if (!product) return null;
              return (
                <li key={line.productId} className="cart-line">
                  <CakeArt id={product.id} size="thumb" />
                  <div className="cart-line__name">
                    <Link href={`/cakes/${product.id}`}>{product.name}</Link>
                    <span className="muted">{formatMoney(product.price)} each</span>
                  </div>
                  <label className="cart-line__qty">
                    <span className="visually-hidden">Quantity of {product.name}</span>
                    <input
                      type="number"
                      min={1}
                      max={99}
                      value={line.quantity}
                      onChange={(event) => cart.setQuantity(product.id, Number(event.target.value) || 1)}
                    />
                  </label>
                  <span className="price">
                    {formatMoney({ amount: product.price.amount * line.quantity, currency: product.price.currency })}
                  </span>
                  <button type="button" className="link-button" onClick={() => cart.remove(product.id)}>
                    Remove <span className="visually-hidden">{product.name}</span>
                  </button>
                </li>
              );
            })}
          </ul>
          <div className="cart__total">
            <span>Total</span>
            <span className="price price--large">{formatMoney(cartTotal(cart.lines, products.data))}</span>
          </div>
          <Link href="/checkout" className="button button--wide">
            Checkout
          </Link>
        </section>
      )}
    </>
  );
}
