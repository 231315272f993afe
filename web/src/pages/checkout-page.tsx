import { type FormEvent, useMemo, useRef, useState } from "react";
import { ApiError, call, errorMessage, formatMoney } from "../api/client";
import { useAuth } from "../auth";
import { trackingTokens, useCart } from "../cart";
import { Empty, PageTitle } from "../components/status";
import { Link, useRouter } from "../router";
import { cartInStock, cartTotal } from "./cart-page";
import { useProducts } from "./storefront";

const FIELDS = [
  { path: "customer.name", label: "Full name", autoComplete: "name" },
  { path: "customer.email", label: "E-mail", type: "email", autoComplete: "email" },
  { path: "deliveryAddress.line1", label: "Street and number", autoComplete: "address-line1" },
  {
    path: "deliveryAddress.line2",
    label: "Apartment, floor (optional)",
    autoComplete: "address-line2",
    optional: true,
  },
  { path: "deliveryAddress.city", label: "City", autoComplete: "address-level2" },
  { path: "deliveryAddress.postalCode", label: "Postal code", autoComplete: "postal-code" },
  { path: "deliveryAddress.country", label: "Country", autoComplete: "country" },
  { path: "payment.card", label: "Card number", autoComplete: "cc-number", inputMode: "numeric" },
  { path: "notes", label: "Notes for the baker (optional)", optional: true },
] as const;
type FieldPath = (typeof FIELDS)[number]["path"];
type Values = Record<FieldPath, string>;

const COUNTRIES = [
  ["NL", "Netherlands"],
  ["GB", "United Kingdom"],
  ["DE", "Germany"],
  ["FR", "France"],
  ["BE", "Belgium"],
  ["IE", "Ireland"],
  ["US", "United States"],
] as const;

export const TEST_CARDS = [
  ["4242 4242 4242 4242", "Succeeds"],
  ["4000 0000 0000 0002", "Declined"],
  ["4000 0000 0000 9995", "Declined: insufficient funds"],
  ["4000 0000 0000 0069", "Declined: expired card"],
  ["4000 0000 0000 0119", "Processing error, then fails"],
] as const;

function luhn(digits: string) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Client-side checks mirroring the API's schema, so most mistakes are caught before sending. */
function validate(path: FieldPath, value: string): string | undefined {
  const v = value.trim();
  const field = FIELDS.find((f) => f.path === path);
  if (!v) return field && "optional" in field ? undefined : "Please fill this in";
  if (path === "customer.email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) return "Enter an e-mail like ada@example.com";
  if (path === "payment.card") {
    if (v.startsWith("tok_")) return undefined;
    const digits = v.replace(/\s+/g, "");
    if (!/^\d{12,19}$/.test(digits)) return "Enter the 16 digits of your card";
    if (!luhn(digits)) return "This card number is not valid — check for typos";
  }
  if (path === "customer.name" && v.length > 100) return "Use at most 100 characters";
  if (path === "notes" && v.length > 500) return "Use at most 500 characters";
  return undefined;
}

export function CheckoutPage() {
  const cart = useCart();
  const { user } = useAuth();
  const { navigate } = useRouter();
  const products = useProducts();
  const [values, setValues] = useState<Values>(() => ({
    "customer.name": user?.name ?? "",
    "customer.email": user?.email ?? "",
    "deliveryAddress.line1": "",
    "deliveryAddress.line2": "",
    "deliveryAddress.city": "",
    "deliveryAddress.postalCode": "",
    "deliveryAddress.country": "NL",
    "payment.card": "",
    notes: "",
  }));
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [formError, setFormError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);
  // one key per checkout attempt: a double submit or a retry after a network error cannot order twice
  const idempotencyKey = useRef(crypto.randomUUID());
  const formRef = useRef<HTMLFormElement>(null);
  const total = useMemo(() => cartTotal(cart.lines, products.data ?? []), [cart.lines, products.data]);

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

  const set = (path: FieldPath, value: string) => {
    setValues((old) => ({ ...old, [path]: value }));
    if (errors[path]) setErrors((old) => ({ ...old, [path]: validate(path, value) }));
  };

  const focusFirstError = (found: Partial<Record<string, string>>) => {
    const first = FIELDS.find((f) => found[f.path]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first.path}"]`)?.focus();
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: Partial<Record<string, string>> = {};
    for (const field of FIELDS) found[field.path] = validate(field.path, values[field.path]);
    setErrors(found);
    setFormError(undefined);
    if (Object.values(found).some(Boolean)) return focusFirstError(found);
    setSubmitting(true);
    const v = (p: FieldPath) => values[p].trim();
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
      if (error instanceof ApiError && error.fields.length > 0) {
        const fromApi: Partial<Record<string, string>> = {};
        const other: string[] = [];
        for (const f of error.fields) {
          if (FIELDS.some((field) => field.path === f.path)) fromApi[f.path] = f.message;
          else other.push(f.message);
        }
        setErrors(fromApi);
        setFormError(other.length ? `${error.message}: ${other.join("; ")}` : error.message);
        focusFirstError(fromApi);
      } else if (error instanceof ApiError && error.code === "IDEMPOTENCY_KEY_REUSED") {
        // An earlier try with other details went through after all; another submit is a new order.
        idempotencyKey.current = crypto.randomUUID();
        setFormError(
          "Your earlier attempt may have been placed with the details you had then: check your e-mail for a confirmation before you order again.",
        );
      } else {
        // Keep the key: the order may have been placed and only its answer lost, so a retry must replay it.
        setFormError(errorMessage(error));
      }
    }
  }

  return (
    <>
      <PageTitle>Checkout</PageTitle>
      <div className="checkout">
        <form
          ref={formRef}
          className="card form"
          onSubmit={submit}
          noValidate
          aria-describedby={formError ? "form-error" : undefined}
        >
          {formError && (
            <div id="form-error" className="state state--error" role="alert">
              {formError}
            </div>
          )}
          <fieldset>
            <legend>Your details</legend>
            {FIELDS.slice(0, 2).map((f) => (
              <Field key={f.path} field={f} value={values[f.path]} error={errors[f.path]} onChange={set} />
            ))}
          </fieldset>
          <fieldset>
            <legend>Delivery address</legend>
            {FIELDS.slice(2, 6).map((f) => (
              <Field key={f.path} field={f} value={values[f.path]} error={errors[f.path]} onChange={set} />
            ))}
            <div className="field">
              <label htmlFor="deliveryAddress.country">Country</label>
              <select
                id="deliveryAddress.country"
                name="deliveryAddress.country"
                value={values["deliveryAddress.country"]}
                onChange={(e) => set("deliveryAddress.country", e.target.value)}
                aria-invalid={!!errors["deliveryAddress.country"]}
                aria-describedby="deliveryAddress.country-error"
              >
                {COUNTRIES.map(([code, name]) => (
                  <option key={code} value={code}>
                    {name}
                  </option>
                ))}
              </select>
              <p id="deliveryAddress.country-error" className="field-error">
                {errors["deliveryAddress.country"]}
              </p>
            </div>
          </fieldset>
          <fieldset>
            <legend>Payment</legend>
            <Field field={FIELDS[7]} value={values["payment.card"]} error={errors["payment.card"]} onChange={set} />
            <Field field={FIELDS[8]} value={values.notes} error={errors.notes} onChange={set} multiline />
          </fieldset>
          <button type="submit" className="button button--wide" disabled={submitting}>
            {submitting ? "Placing your order…" : `Pay ${formatMoney(total)} and place order`}
          </button>
        </form>
        <aside className="card test-cards" aria-labelledby="test-cards-title">
          <h2 id="test-cards-title">Test cards</h2>
          <p className="muted">This is a demo shop: no real money moves. Pick a card to try an outcome.</p>
          <ul>
            {TEST_CARDS.map(([number, result]) => (
              <li key={number}>
                <button type="button" className="link-button" onClick={() => set("payment.card", number)}>
                  <code>{number}</code>
                </button>{" "}
                — {result}
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </>
  );
}

function Field({
  field,
  value,
  error,
  onChange,
  multiline,
}: {
  field: (typeof FIELDS)[number];
  value: string;
  error: string | undefined;
  onChange: (path: FieldPath, value: string) => void;
  multiline?: boolean;
}) {
  const [touched, setTouched] = useState(false);
  const [local, setLocal] = useState<string>();
  const shown = error ?? (touched ? local : undefined);
  const props = {
    id: field.path,
    name: field.path,
    value,
    "aria-invalid": !!shown,
    "aria-describedby": `${field.path}-error`,
    onBlur: () => {
      setTouched(true);
      setLocal(validate(field.path, value));
    },
  };
  return (
    <div className={`field${shown ? " field--invalid" : ""}`}>
      <label htmlFor={field.path}>{field.label}</label>
      {multiline ? (
        <textarea {...props} rows={3} onChange={(e) => onChange(field.path, e.target.value)} />
      ) : (
        <input
          {...props}
          type={"type" in field ? field.type : "text"}
          autoComplete={"autoComplete" in field ? field.autoComplete : undefined}
          inputMode={"inputMode" in field ? field.inputMode : undefined}
          required={!("optional" in field)}
          onChange={(e) => {
            onChange(field.path, e.target.value);
            if (touched) setLocal(validate(field.path, e.target.value));
          }}
        />
      )}
      <p id={`${field.path}-error`} className="field-error">
        {shown}
      </p>
    </div>
  );
}
