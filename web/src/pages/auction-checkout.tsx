import { type FormEvent, useEffect, useState } from "react";
import { type Auction, call, formatCents } from "../api/client";
import { currentPrice } from "../components/auction-cards";
import {
  ADDRESS_FIELDS,
  CARD_FIELD,
  CardField,
  CheckoutFormElement,
  Fields,
  useCheckoutForm,
} from "../components/checkout-fields";
import { Loading } from "../components/status";
import { Link } from "../router";

/** The winner's payment. */
function CheckoutState({ auction }: { auction: Auction }) {
  const c = auction.checkout;
  if (!c) return null;
  if (c.state === "paid")
    return (
      <p className="state state--empty" role="status">
        Paid. {c.orderId && <Link href={`/orders/${c.orderId}`}>Track order {c.orderId}</Link>}
      </p>
    );
  if (c.state === "failed")
    return (
      <div className="state state--error" role="alert">
        The payment failed{c.failureReason ? `: ${c.failureReason}` : "."}
      </div>
    );
  return <Loading label="Taking the payment…" />;
}

const WINNER_FIELDS = [...ADDRESS_FIELDS, CARD_FIELD];

/** The winner pays with the shop checkout's address fields, card checks and test cards. */
export function WinnerCheckout({ auction, reload }: { auction: Auction; reload: () => void }) {
  const form = useCheckoutForm(WINNER_FIELDS, () => ({
    ...Object.fromEntries(WINNER_FIELDS.map((f) => [f.path, ""])),
    "deliveryAddress.country": "NL",
  }));
  const [busy, setBusy] = useState(false);
  const state = auction.checkout?.state;
  const pending = state === "requested" || state === "reserved";
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(reload, 1500);
    return () => clearInterval(timer);
  }, [pending, reload]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!form.check()) return;
    setBusy(true);
    const v = form.trimmed;
    try {
      await call("post", "/auctions/{id}/checkout", {
        params: { id: auction.id },
        body: {
          deliveryAddress: {
            line1: v("deliveryAddress.line1"),
            ...(v("deliveryAddress.line2") ? { line2: v("deliveryAddress.line2") } : {}),
            city: v("deliveryAddress.city"),
            postalCode: v("deliveryAddress.postalCode"),
            country: v("deliveryAddress.country"),
          },
          payment: { card: v("payment.card") },
        },
      });
      reload();
    } catch (e) {
      form.showError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="win-title">
      <h2 id="win-title">You won — pay for your cake</h2>
      {auction.checkoutDeadline && (
        <p className="muted">Pay before {new Date(auction.checkoutDeadline).toLocaleString()}.</p>
      )}
      {auction.checkout && <CheckoutState auction={auction} />}
      {state !== "paid" && !pending && (
        <CheckoutFormElement form={form} className="form" onSubmit={submit}>
          <fieldset>
            <legend>Delivery address</legend>
            <Fields form={form} fields={ADDRESS_FIELDS} />
          </fieldset>
          <fieldset>
            <legend>Payment</legend>
            <CardField form={form} />
          </fieldset>
          <button type="submit" className="button" disabled={busy}>
            {busy ? "Sending…" : `Pay ${formatCents(currentPrice(auction), auction.currency)}`}
          </button>
        </CheckoutFormElement>
      )}
    </section>
  );
}
