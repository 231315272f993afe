import { type FormEvent, type ReactNode, useRef, useState } from "react";
// The server's own check (pure, no I/O), so the browser refuses exactly what the API would.
import { passesLuhnCheck } from "../../../src/domain/orders/card-number";
import { ApiError, errorMessage } from "../api/client";

/** One field of a checkout form; `path` is its path in the API's body, so the API's errors land beside it. */
export interface FieldSpec {
  path: string;
  label: string;
  type?: "email";
  autoComplete?: string;
  inputMode?: "numeric";
  optional?: boolean;
  multiline?: boolean;
  maxLength?: number;
  /** The choices of a select, as [value, label]. */
  options?: readonly (readonly [string, string])[];
  /** A check beyond "filled in" and the length, of the trimmed value. */
  check?: (value: string) => string | undefined;
}

export const COUNTRIES = [
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

function cardProblem(card: string): string | undefined {
  if (card.startsWith("tok_")) return undefined;
  const digits = card.replace(/\s+/g, "");
  if (!/^\d{12,19}$/.test(digits)) return "Enter the 16 digits of your card";
  if (!passesLuhnCheck(digits)) return "This card number is not valid — check for typos";
  return undefined;
}

const emailProblem = (email: string) =>
  /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? undefined : "Enter an e-mail like ada@example.com";

export const NAME_FIELD: FieldSpec = {
  path: "customer.name",
  label: "Full name",
  autoComplete: "name",
  maxLength: 100,
};
export const EMAIL_FIELD: FieldSpec = {
  path: "customer.email",
  label: "E-mail",
  type: "email",
  autoComplete: "email",
  check: emailProblem,
};
export const ADDRESS_FIELDS: FieldSpec[] = [
  { path: "deliveryAddress.line1", label: "Street and number", autoComplete: "address-line1" },
  {
    path: "deliveryAddress.line2",
    label: "Apartment, floor (optional)",
    autoComplete: "address-line2",
    optional: true,
  },
  { path: "deliveryAddress.city", label: "City", autoComplete: "address-level2" },
  { path: "deliveryAddress.postalCode", label: "Postal code", autoComplete: "postal-code" },
  { path: "deliveryAddress.country", label: "Country", autoComplete: "country", options: COUNTRIES },
];
export const CARD_FIELD: FieldSpec = {
  path: "payment.card",
  label: "Card number",
  autoComplete: "cc-number",
  inputMode: "numeric",
  check: cardProblem,
};
export const NOTES_FIELD: FieldSpec = {
  path: "notes",
  label: "Notes for the baker (optional)",
  optional: true,
  multiline: true,
  maxLength: 500,
};

/** Client-side checks mirroring the API's schema, so most mistakes are caught before sending. */
export function validateField(field: FieldSpec, value: string): string | undefined {
  const v = value.trim();
  if (!v) return field.optional ? undefined : "Please fill this in";
  if (field.maxLength && v.length > field.maxLength) return `Use at most ${field.maxLength} characters`;
  return field.check?.(v);
}

type Errors = Partial<Record<string, string>>;

/** The state of a checkout form: its values, the errors beside its fields and the one above it. */
export function useCheckoutForm(fields: readonly FieldSpec[], initial: () => Record<string, string>) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string>();
  const formRef = useRef<HTMLFormElement>(null);
  const spec = (path: string) => fields.find((f) => f.path === path);

  const focusFirstError = (found: Errors) => {
    const first = fields.find((f) => found[f.path]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first.path}"]`)?.focus();
  };
  const set = (path: string, value: string) => {
    setValues((old) => ({ ...old, [path]: value }));
    const field = spec(path);
    if (errors[path] && field) setErrors((old) => ({ ...old, [path]: validateField(field, value) }));
  };
  /** Checks every field; false, with the errors shown and the first wrong field focused, if one is wrong. */
  const check = () => {
    const found: Errors = {};
    for (const field of fields) found[field.path] = validateField(field, values[field.path] ?? "");
    setErrors(found);
    setFormError(undefined);
    if (!Object.values(found).some(Boolean)) return true;
    focusFirstError(found);
    return false;
  };
  /** Shows the API's refusal: each field's message beside that field, the rest above the form. */
  const showError = (error: unknown) => {
    if (!(error instanceof ApiError && error.fields.length > 0)) return setFormError(errorMessage(error));
    const fromApi: Errors = {};
    const other: string[] = [];
    for (const f of error.fields) {
      if (spec(f.path)) fromApi[f.path] = f.message;
      else other.push(f.message);
    }
    setErrors(fromApi);
    setFormError(other.length ? `${error.message}: ${other.join("; ")}` : error.message);
    focusFirstError(fromApi);
  };
  const trimmed = (path: string) => (values[path] ?? "").trim();
  return { fields, values, errors, formError, setFormError, formRef, set, check, showError, trimmed };
}

export type CheckoutForm = ReturnType<typeof useCheckoutForm>;

/**
 * A checkout form: the element wired to `form` (the browser's own validation off, the message above it
 * named by aria-describedby), that message first, then `children`.
 */
export function CheckoutFormElement({
  form,
  className,
  onSubmit,
  children,
}: {
  form: CheckoutForm;
  className: string;
  onSubmit: (event: FormEvent) => void;
  children: ReactNode;
}) {
  return (
    <form
      ref={form.formRef}
      className={className}
      onSubmit={onSubmit}
      noValidate
      aria-describedby={form.formError ? "form-error" : undefined}
    >
      {form.formError && (
        <div id="form-error" className="state state--error" role="alert">
          {form.formError}
        </div>
      )}
      {children}
    </form>
  );
}

/** These fields of `form`, in this order. */
export function Fields({ form, fields }: { form: CheckoutForm; fields: readonly FieldSpec[] }) {
  return (
    <>
      {fields.map((field) => (
        <Field key={field.path} field={field} form={form} />
      ))}
    </>
  );
}

/** The card number, with the demo shop's test cards beside it: picking one fills it in. */
export function CardField({ form }: { form: CheckoutForm }) {
  return (
    <>
      <Field field={CARD_FIELD} form={form} />
      <section className="test-cards" aria-labelledby="test-cards-title">
        <h3 id="test-cards-title">Test cards</h3>
        <p className="muted">This is a demo shop: no real money moves. Pick a card to try an outcome.</p>
        <ul>
          {TEST_CARDS.map(([number, result]) => (
            <li key={number}>
              <button type="button" className="link-button" onClick={() => form.set(CARD_FIELD.path, number)}>
                <code>{number}</code>
              </button>{" "}
              — {result}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

/** A field with its error below it: checked once left, then on every change (a picked test card too). */
function Field({ field, form }: { field: FieldSpec; form: CheckoutForm }) {
  const [touched, setTouched] = useState(false);
  const value = form.values[field.path] ?? "";
  const shown = form.errors[field.path] ?? (touched ? validateField(field, value) : undefined);
  const change = (next: string) => form.set(field.path, next);
  const props = {
    id: field.path,
    name: field.path,
    value,
    "aria-invalid": !!shown,
    "aria-describedby": `${field.path}-error`,
    onBlur: () => setTouched(true),
  };
  return (
    <div className={`field${shown ? " field--invalid" : ""}`}>
      <label htmlFor={field.path}>{field.label}</label>
      {field.options ? (
        <select {...props} autoComplete={field.autoComplete} onChange={(e) => change(e.target.value)}>
          {field.options.map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
      ) : field.multiline ? (
        <textarea {...props} rows={3} onChange={(e) => change(e.target.value)} />
      ) : (
        <input
          {...props}
          type={field.type ?? "text"}
          autoComplete={field.autoComplete}
          inputMode={field.inputMode}
          required={!field.optional}
          onChange={(e) => change(e.target.value)}
        />
      )}
      <p id={`${field.path}-error`} className="field-error">
        {shown}
      </p>
    </div>
  );
}
