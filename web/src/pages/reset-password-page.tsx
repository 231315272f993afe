import { type FormEvent, useEffect, useRef, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { homeOf, useAuth } from "../auth";
import { PageTitle } from "../components/status";
import { Link, useRouter } from "../router";

type Path = "password" | "repeat";

const FIELDS = [
  { path: "password", label: "New password", hint: "At least 10 characters." },
  { path: "repeat", label: "Repeat the new password" },
] as const satisfies ReadonlyArray<{ path: Path; label: string; hint?: string }>;

/** Client-side checks mirroring the API's (sign-up's password rules), and that both entries match. */
function validate(path: Path, values: Record<Path, string>): string | undefined {
  const v = values[path];
  if (!v) return "Please fill this in";
  if (path === "password") {
    if (v.length < 10) return "Use at least 10 characters";
    if (v.length > 200) return "Use at most 200 characters";
  }
  if (path === "repeat" && values.password && v !== values.password) return "The passwords do not match";
  return undefined;
}

const fieldId = (path: Path) => `reset-${path}`;

/** Where the link from the e-mail lands: reads its token, then asks for the new password twice. */
export function ResetPasswordPage() {
  const { location, replace } = useRouter();
  const { user } = useAuth();
  // Read once; the address bar then loses it, so it is not left in the history or shown over a shoulder.
  const [token] = useState(() => location.query.get("token") ?? undefined);
  const hasTokenInAddress = location.query.has("token");
  useEffect(() => {
    if (hasTokenInAddress) replace("/reset-password");
  }, [hasTokenInAddress, replace]);

  if (location.query.get("done") === "1" && user) return <PasswordChanged email={user.email} home={homeOf(user)} />;
  if (!token) return <LinkNotValid />;
  return <NewPasswordForm token={token} />;
}

function NewPasswordForm({ token }: { token: string }) {
  const { resetPassword } = useAuth();
  const { replace } = useRouter();
  const [values, setValues] = useState<Record<Path, string>>({ password: "", repeat: "" });
  const [errors, setErrors] = useState<Partial<Record<Path, string>>>({});
  const [formError, setFormError] = useState<{ message: string; signIn?: boolean }>();
  const [invalidLink, setInvalidLink] = useState(false);
  const [busy, setBusy] = useState(false);
  const sending = useRef(false); // set at once, so a second Enter before the re-render cannot send twice
  // A retry after a lost answer replays the reset (the token works once) instead of being refused.
  const idempotencyKey = useRef(crypto.randomUUID());
  const formRef = useRef<HTMLFormElement>(null);

  const focusFirst = (found: Partial<Record<Path, string>>) => {
    const first = FIELDS.find((f) => found[f.path]);
    if (first) formRef.current?.querySelector<HTMLElement>(`#${fieldId(first.path)}`)?.focus();
  };

  const change = (path: Path, value: string) => {
    const next = { ...values, [path]: value };
    setValues(next);
    if (errors[path]) setErrors((old) => ({ ...old, [path]: validate(path, next) }));
    if (path === "password" && errors.repeat) setErrors((old) => ({ ...old, repeat: validate("repeat", next) }));
  };

  const leave = (path: Path) => {
    if (values[path] && !errors[path]) setErrors((old) => ({ ...old, [path]: validate(path, values) }));
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (sending.current) return;
    const found: Partial<Record<Path, string>> = {};
    for (const f of FIELDS) found[f.path] = validate(f.path, values);
    setErrors(found);
    setFormError(undefined);
    if (Object.values(found).some(Boolean)) return focusFirst(found);
    sending.current = true;
    setBusy(true);
    try {
      await resetPassword(token, values.password, idempotencyKey.current);
      replace("/reset-password?done=1"); // signed in: the page shows so, in the same render
    } catch (error) {
      sending.current = false;
      setBusy(false);
      showError(error);
    }
  }

  function showError(error: unknown) {
    if (!(error instanceof ApiError)) return setFormError({ message: errorMessage(error) });
    if (error.code === "RESET_TOKEN_INVALID") return setInvalidLink(true);
    if (error.code === "IDEMPOTENCY_KEY_REUSED") {
      // An earlier try went through after all, with the password entered then.
      idempotencyKey.current = crypto.randomUUID();
      return setFormError({
        message: "An earlier try may already have set the password you entered then: try signing in with it.",
        signIn: true,
      });
    }
    const fromApi: Partial<Record<Path, string>> = {};
    for (const f of error.fields) if (f.path === "password") fromApi.password = f.message;
    if (fromApi.password) {
      setErrors(fromApi);
      return focusFirst(fromApi);
    }
    // Network errors keep the key: the password may be set and only the answer lost.
    setFormError({ message: error.message });
  }

  if (invalidLink) return <LinkNotValid />;
  return (
    <section className="card narrow">
      <PageTitle>Choose a new password</PageTitle>
      <form
        ref={formRef}
        className="form"
        onSubmit={submit}
        noValidate
        aria-describedby={formError ? "reset-form-error" : undefined}
      >
        {formError && (
          <div id="reset-form-error" className="state state--error" role="alert">
            {formError.message}
            {formError.signIn && (
              <>
                {" "}
                <Link href="/sign-in">Sign in</Link>
              </>
            )}
          </div>
        )}
        {FIELDS.map((f) => {
          const id = fieldId(f.path);
          const error = errors[f.path];
          const hint = "hint" in f ? `${id}-hint` : undefined;
          return (
            <div key={f.path} className={`field${error ? " field--invalid" : ""}`}>
              <label htmlFor={id}>{f.label}</label>
              <input
                id={id}
                name={f.path === "password" ? "new-password" : "repeat-password"}
                type="password"
                autoComplete="new-password"
                required
                minLength={10}
                maxLength={200}
                value={values[f.path]}
                onChange={(e) => change(f.path, e.target.value)}
                onBlur={() => leave(f.path)}
                aria-invalid={!!error}
                aria-describedby={hint ? `${hint} ${id}-error` : `${id}-error`}
              />
              {"hint" in f && (
                <p id={hint} className="field-hint">
                  {f.hint}
                </p>
              )}
              <p id={`${id}-error`} className="field-error">
                {error}
              </p>
            </div>
          );
        })}
        <button type="submit" className="button button--wide" disabled={busy}>
          {busy ? "Saving your new password…" : "Save the new password"}
        </button>
      </form>
    </section>
  );
}

function LinkNotValid() {
  return (
    <section className="card narrow">
      <PageTitle>This link does not work</PageTitle>
      <p className="state state--error" role="alert">
        This password reset link is invalid, has expired or was used already. A link works once, within an hour of
        asking for it.
      </p>
      <p>
        <Link href="/forgot-password" className="button">
          Ask for a new link
        </Link>
      </p>
      <p>
        Remembered your password? <Link href="/sign-in">Sign in</Link>
      </p>
    </section>
  );
}

function PasswordChanged({ email, home }: { email: string; home: string }) {
  return (
    <section className="card narrow">
      <PageTitle>Your password has been changed</PageTitle>
      <p role="status">
        You are signed in as <strong>{email}</strong> with your new password. Use it from now on to sign in.
      </p>
      <p>
        <Link href={home} className="button">
          Continue
        </Link>
      </p>
    </section>
  );
}
