import { type FormEvent, useRef, useState } from "react";
import { ApiError, call, errorMessage } from "../api/client";
import { PageTitle } from "../components/status";
import { Link, useRouter } from "../router";
import { EMAIL } from "./sign-up-page";

/** The API's checks of the address (PasswordResetRequest), as sign-up makes them. */
function validate(value: string): string | undefined {
  const v = value.trim();
  if (!v) return "Please fill this in";
  if (v.length > 254) return "Use at most 254 characters";
  if (!EMAIL.test(v)) return "Enter an e-mail like ada@example.com";
  return undefined;
}

/** "in about 40 minutes", from the seconds a 429 says to wait. */
function waitFor(seconds: unknown): string {
  if (typeof seconds !== "number" || seconds <= 0) return "";
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return ` You can ask again in about ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

/** Asks for a password reset link; the answer never says whether the address has an account. */
export function ForgotPasswordPage() {
  const { location } = useRouter();
  // the address typed on the sign-in page, so it need not be typed again
  const [email, setEmail] = useState(() => location.query.get("email") ?? "");
  const [error, setError] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const [sentTo, setSentTo] = useState<string>();
  const [busy, setBusy] = useState(false);
  const sending = useRef(false); // set at once, so a second Enter before the re-render cannot send twice
  // One key per address asked for: a retry after a lost answer replays it instead of sending another e-mail.
  const attempt = useRef<{ email: string; key: string } | undefined>(undefined);
  const input = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (sending.current) return;
    const found = validate(email);
    setError(found);
    setFormError(undefined);
    if (found) return input.current?.focus();
    const address = email.trim();
    if (attempt.current?.email !== address) attempt.current = { email: address, key: crypto.randomUUID() };
    sending.current = true;
    setBusy(true);
    try {
      await call("post", "/auth/password-reset", {
        body: { email: address },
        headers: { "idempotency-key": attempt.current.key },
      });
      attempt.current = undefined; // asking again is a new request, with a new e-mail
      setSentTo(address);
    } catch (caught) {
      if (caught instanceof ApiError && caught.fields.length > 0) {
        setError(caught.fields.map((field) => field.message).join("; "));
        input.current?.focus();
      } else if (caught instanceof ApiError && caught.code === "TOO_MANY_PASSWORD_RESETS") {
        setFormError(`${caught.message}.${waitFor(caught.details.retryAfterSeconds)}`);
      } else setFormError(errorMessage(caught));
    } finally {
      sending.current = false;
      setBusy(false);
    }
  }

  if (sentTo) {
    return (
      <section className="card narrow">
        <PageTitle>Check your e-mail</PageTitle>
        <p role="status">
          If an account exists for <strong>{sentTo}</strong>, we have sent it an e-mail with a link to choose a new
          password. The link works once, within an hour.
        </p>
        <p>
          Nothing after a few minutes? Look in your spam folder, or{" "}
          <button type="button" className="link-button" onClick={() => setSentTo(undefined)}>
            ask for another link
          </button>
          .
        </p>
        <p>
          <Link href="/sign-in">Back to sign in</Link>
        </p>
      </section>
    );
  }

  return (
    <section className="card narrow">
      <PageTitle>Forgot your password?</PageTitle>
      <p>Enter the e-mail address of your account and we will send you a link to choose a new password.</p>
      <form
        className="form"
        onSubmit={submit}
        noValidate
        aria-describedby={formError ? "forgot-password-form-error" : undefined}
      >
        {formError && (
          <p id="forgot-password-form-error" className="state state--error" role="alert">
            {formError}
          </p>
        )}
        <div className={`field${error ? " field--invalid" : ""}`}>
          <label htmlFor="forgot-password-email">E-mail</label>
          <input
            ref={input}
            id="forgot-password-email"
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
              if (error) setError(validate(e.target.value));
            }}
            onBlur={() => email && !error && setError(validate(email))}
            aria-invalid={!!error}
            aria-describedby="forgot-password-email-error"
          />
          <p id="forgot-password-email-error" className="field-error">
            {error}
          </p>
        </div>
        <button type="submit" className="button button--wide" disabled={busy}>
          {busy ? "Sending the link…" : "Send me a link"}
        </button>
      </form>
      <p>
        Remembered it? <Link href="/sign-in">Sign in</Link>
      </p>
    </section>
  );
}
