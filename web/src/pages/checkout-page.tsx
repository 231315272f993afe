import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { ApiError, call, formatMoney, type Product, type User } from "../api/client";
import { useAuth } from "../auth";
import { type CartLine, checkoutDetails, trackingTokens, useCart } from "../cart";
import {
  ADDRESS_FIELDS,
  CARD_FIELD,
  CardField,
  CheckoutFormElement,
  EMAIL_FIELD,
  Fields,
  NAME_FIELD,
  NOTES_FIELD,
  useCheckoutForm,
} from "../components/checkout-fields";
import { Empty, Loading, PageTitle } from "../components/status";
import { Link, useRouter } from "../router";
import { cartInStock, cartTotal } from "./cart-page";
import { useProducts } from "./storefront";

const FIELDS = [NAME_FIELD, EMAIL_FIELD, ...ADDRESS_FIELDS, CARD_FIELD, NOTES_FIELD];

/** What the form starts with: what was typed in this tab before (never a card), else the account's name and e-mail. */
function startingValues(user: User | null): Record<string, string> {
  const empty = Object.fromEntries(FIELDS.map((f) => [f.path, ""]));
  return {
    ...empty,
    "customer.name": user?.name ?? "",
    "customer.email": user?.email ?? "",
    "deliveryAddress.country": "NL",
    ...checkoutDetails.get(),
    [CARD_FIELD.path]: "",
  };
}

export function CheckoutPage() {
  const cart = useCart();
  const { user } = useAuth();
  const { navigate } = useRouter();
  const products = useProducts();
  const form = useCheckoutForm(FIELDS, () => startingValues(user));
  const [submitting, setSubmitting] = useState(false);
  // one key per checkout attempt: a double submit or a retry after a network error cannot order twice
  const idempotencyKey = useRef(crypto.randomUUID());
  const total = useMemo(() => cartTotal(cart.lines, products.data ?? []), [cart.lines, products.data]);
  useEffect(() => {
    const { [CARD_FIELD.path]: _card, ...details } = form.values;
    checkoutDetails.set(details);
  }, [form.values]);

  if (cart.lines.length === 0)
    return (
      <Empty>
        <PageTitle>Checkout</PageTitle>
        <p>Your cart is empty.</p>
        <Link href="/" className="button">
          Browse the cakes
        </Link>
      </Empty>
    );
  if (products.data && !cartInStock(cart.lines, products.data))
    return (
      <Empty>
        <PageTitle>Checkout</PageTitle>
        <p>We do not have enough of some cakes in your cart.</p>
        <Link href="/cart" className="button">
          Change the quantities
        </Link>
      </Empty>
    );

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!form.check()) return;
    setSubmitting(true);
    const v = form.trimmed;
    try {
      const placed = await call("post", "/orders", {
        headers: { "idempotency-key": idempotencyKey.current },
        body: {
          items: cart.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
          customer: { name: v("customer.name"), email: v("customer.email") },
          deliveryAddress: {
            line1: v("deliveryAddress.line1"),
            ...(v("deliveryAddress.line2") ? { line2: v("deliveryAddress.line2") } : {}),
            city: v("deliveryAddress.city"),
            postalCode: v("deliveryAddress.postalCode"),
            country: v("deliveryAddress.country"),
          },
          payment: { card: v("payment.card") },
          ...(v("notes") ? { notes: v("notes") } : {}),
        },
      });
      trackingTokens.set(placed.order.id, placed.trackingToken);
      cart.clear();
      navigate(`/thanks/${placed.order.id}?token=${encodeURIComponent(placed.trackingToken)}`);
    } catch (error) {
      setSubmitting(false);
      if (error instanceof ApiError && error.code === "IDEMPOTENCY_KEY_REUSED") {
        // An earlier try with other details went through after all; another submit is a new order.
        idempotencyKey.current = crypto.randomUUID();
        form.setFormError(
          "Your earlier attempt may have been placed with the details you had then: check your e-mail for a confirmation before you order again.",
        );
      } else {
        // Keep the key: the order may have been placed and only its answer lost, so a retry must replay it.
        form.showError(error);
      }
    }
  }

  return (
    <>
      <PageTitle>Checkout</PageTitle>
      <div className="checkout">
        <CheckoutSummary lines={cart.lines} products={products.data} />
        <CheckoutFormElement form={form} className="card form" onSubmit={submit}>
          <fieldset>
            <legend>Your details</legend>
            <Fields form={form} fields={[NAME_FIELD, EMAIL_FIELD]} />
          </fieldset>
          <fieldset>
            <legend>Delivery address</legend>
            <Fields form={form} fields={ADDRESS_FIELDS} />
          </fieldset>
          <fieldset>
            <legend>Payment</legend>
            <CardField form={form} />
            <Fields form={form} fields={[NOTES_FIELD]} />
          </fieldset>
          <button type="submit" className="button button--wide" disabled={submitting}>
            {submitting ? "Placing your order…" : `Pay ${formatMoney(total)} and place order`}
          </button>
        </CheckoutFormElement>
      </div>
    </>
  );
}

/** What is being bought: each cake with its quantity, and the total. */
function CheckoutSummary({ lines, products }: { lines: CartLine[]; products: Product[] | undefined }) {
  return (
    <section className="card checkout__summary" aria-labelledby="checkout-summary-title">
      <h2 id="checkout-summary-title">Your order</h2>
      {!products ? (
        <Loading label="Fetching your cakes…" />
      ) : (
        <>
          <ul className="summary">
            {lines.map((line) => {
              const product = products.find((p) => p.id === line.productId);
              if (!product) return null;
              const lineTotal = { amount: product.price.amount * line.quantity, currency: product.price.currency };
              return (
                <li key={line.productId}>
                  <span>
                    {line.quantity} × {product.name}
                  </span>
                  <span>{formatMoney(lineTotal)}</span>
                </li>
              );
            })}
          </ul>
          <p className="summary__total">
            <span>Total</span> <strong>{formatMoney(cartTotal(lines, products))}</strong>
          </p>
        </>
      )}
      <Link href="/cart">Change your cart</Link>
    </section>
  );
}
