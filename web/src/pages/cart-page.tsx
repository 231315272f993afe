import { formatMoney, type Product } from "../api/client";
import { type CartLine, useCart } from "../cart";
import { CakeArt } from "../components/cake-art";
import { useQuantityBox } from "../components/quantity-box";
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

/** Why a cart line cannot be ordered as it is (more than the shop has), or undefined when it can. */
export function stockProblem(quantity: number, product: Product): string | undefined {
  if (product.stock <= 0) return "Sold out — remove it to check out";
  if (quantity > product.stock) return `Only ${product.stock} left — lower the quantity to check out`;
  return undefined;
}

/** Whether every line of the cart can be ordered in its quantity. */
export function cartInStock(lines: CartLine[], products: Product[]) {
  return lines.every((line) => {
    const product = products.find((p) => p.id === line.productId);
    return !product || !stockProblem(line.quantity, product);
  });
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
              const problem = stockProblem(line.quantity, product);
              return (
                <li key={line.productId} className="cart-line">
                  <CakeArt id={product.id} size="thumb" />
                  <div className="cart-line__name">
                    <Link href={`/cakes/${product.id}`}>{product.name}</Link>
                    <span className="muted">{formatMoney(product.price)} each</span>
                    <span id={`qty-${product.id}-error`} className="field-error">
                      {problem}
                    </span>
                  </div>
                  <CartQuantity product={product} quantity={line.quantity} invalid={!!problem} />
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
          {cartInStock(cart.lines, products.data) ? (
            <Link href="/checkout" className="button button--wide">
              Checkout
            </Link>
          ) : (
            <p className="field-error">We do not have enough of some cakes: change the quantities marked above.</p>
          )}
        </section>
      )}
    </>
  );
}

/** The cart holds at most 99 of a cake; more than the shop has is allowed here, and marked (stockProblem). */
function CartQuantity({ product, quantity, invalid }: { product: Product; quantity: number; invalid: boolean }) {
  const cart = useCart();
  const box = useQuantityBox(quantity, 99, (typed) => cart.setQuantity(product.id, typed));
  return (
    <label className="cart-line__qty">
      <span className="visually-hidden">Quantity of {product.name}</span>
      <input
        type="number"
        inputMode="numeric"
        min={1}
        max={Math.max(1, Math.min(99, product.stock))}
        aria-invalid={invalid}
        aria-describedby={`qty-${product.id}-error`}
        {...box.input}
      />
    </label>
  );
}
