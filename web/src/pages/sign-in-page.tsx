import { type FormEvent, useState } from "react";
import { errorMessage } from "../api/client";
import { useAuth, useReturnAfterSignIn } from "../auth";
import { PageTitle } from "../components/status";
import { Link, signUpHref, useRouter } from "../router";

const DEMO = ["customer", "seller", "maker", "courier", "admin"];

export function SignInPage() {
  const { signIn } = useAuth();
  const { location } = useRouter();
  const returnAfterSignIn = useReturnAfterSignIn();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      returnAfterSignIn(await signIn(email.trim(), password));
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }

  return (
    <section className="card narrow">
      <PageTitle>Sign in</PageTitle>
      {location.query.get("signed-out") === "everywhere" && !error && (
        <p className="state" role="status">
          You are signed out on every device. Sign in again here when you like.
        </p>
      )}
      <form className="form" onSubmit={submit}>
        {error && (
          <p className="state state--error" role="alert">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor="email">E-mail</label>
          <input
            id="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <button type="submit" className="button button--wide" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p>
        <Link href={email.trim() ? `/forgot-password?email=${encodeURIComponent(email.trim())}` : "/forgot-password"}>
          Forgot your password?
        </Link>
      </p>
      <p>
        New here? <Link href={signUpHref(location)}>Create an account</Link>
      </p>
      <p className="muted">
        Demo accounts: {DEMO.map((r) => `${r}@orderflow.local`).join(", ")} — password as printed by{" "}
        <code>npm start</code>.
      </p>
    </section>
  );
}
