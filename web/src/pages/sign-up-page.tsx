import { type FormEvent, useRef, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { SignedUpNotSignedInError, type SignUpDetails, useAuth, useReturnAfterSignIn } from "../auth";
import { PageTitle } from "../components/status";
import { Link, signInHref, useRouter } from "../router";

type Path = keyof SignUpDetails;

// Sign-up accepts only these: every new account is a customer, so there are no roles to choose.
const FIELDS = [
  { path: "name", label: "Your name", type: "text", autoComplete: "name" },
  { path: "email", label: "E-mail", type: "email", autoComplete: "email" },
  {
    path: "password",
    label: "Password",
    type: "password",
    autoComplete: "new-password",
    hint: "At least 10 characters.",
  },
] as const satisfies ReadonlyArray<{ path: Path; label: string; type: string; autoComplete: string; hint?: string }>;

/** The API's e-mail rule (zod's `z.email()`), so an address it would refuse is caught before sending. */
export const EMAIL = /^(?:[\w'+-]+\.)*[\w'+-]*[\w+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/** Client-side checks mirroring the API's sign-up schema (SignUpBody), in the same order of fields. */
function validate(path: Path, value: string): string | undefined {
  const v = path === "password" ? value : value.trim();
  if (!v) return "Please fill this in";
  if (path === "name" && v.length > 100) return "Use at most 100 characters";
  if (path === "email") {
    if (v.length > 254) return "Use at most 254 characters";
    if (!EMAIL.test(v)) return "Enter an e-mail like ada@example.com";
  }
  if (path === "password") {
    if (v.length < 10) return "Use at least 10 characters";
    if (v.length > 200) return "Use at most 200 characters";
  }
  return undefined;
}

const fieldId = (path: Path) => `sign-up-${path}`;

export function SignUpPage() {
  const { signUp } = useAuth();
  const { location } = useRouter();
  const returnAfterSignIn = useReturnAfterSignIn();
  const [values, setValues] = useState<SignUpDetails>({ name: "", email: "", password: "" });
  const [errors, setErrors] = useState<Partial<Record<Path, string>>>({});
  /** The e-mail field's error says the address has an account: offer to sign in with it. */
  const [emailTaken, setEmailTaken] = useState(false);
  const [formError, setFormError] = useState<{ message: string; signIn?: boolean }>();
  const [busy, setBusy] = useState(false);
  const sending = useRef(false); // set at once, so a second Enter before the re-render cannot send twice
  // one key per account: a retry after a lost answer replays the sign-up instead of finding the e-mail taken
  const idempotencyKey = useRef(crypto.randomUUID());
  const formRef = useRef<HTMLFormElement>(null);

  const focusFirst = (found: Partial<Record<Path, string>>) => {
    const first = FIELDS.find((f) => found[f.path]);
    if (first) formRef.current?.querySelector<HTMLElement>(`#${fieldId(first.path)}`)?.focus();
  };

  const change = (path: Path, value: string) => {
    setValues((old) => ({ ...old, [path]: value }));
    if (path === "email") setEmailTaken(false);
    if (errors[path]) setErrors((old) => ({ ...old, [path]: validate(path, value) }));
  };

  // A field is checked when left with something in it, not merely tabbed through. One already showing an
  // error keeps it (typing re-checks it): the API's "e-mail taken" must stay while its link is clicked.
  const leave = (path: Path) => {
    if (values[path] && !errors[path]) setErrors((old) => ({ ...old, [path]: validate(path, values[path]) }));
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (sending.current) return;
    const found: Partial<Record<Path, string>> = {};
    for (const f of FIELDS) found[f.path] = validate(f.path, values[f.path]);
    setErrors(found);
    setEmailTaken(false);
    setFormError(undefined);
    if (Object.values(found).some(Boolean)) return focusFirst(found);
    sending.current = true;
    setBusy(true);
    try {
      const user = await signUp(
        { name: values.name.trim(), email: values.email.trim(), password: values.password },
        idempotencyKey.current,
      );
      returnAfterSignIn(user);
    } catch (error) {
      sending.current = false;
      setBusy(false);
      showError(error);
    }
  }

  function showError(error: unknown) {
    if (error instanceof SignedUpNotSignedInError) {
      return setFormError({ message: `${error.message} ${errorMessage(error.cause)}`, signIn: true });
    }
    if (!(error instanceof ApiError)) return setFormError({ message: errorMessage(error) });
    if (error.code === "EMAIL_TAKEN") {
      const taken = { email: error.message };
      setErrors(taken);
      setEmailTaken(true);
      return focusFirst(taken);
    }
    if (error.code === "IDEMPOTENCY_KEY_REUSED") {
      // An earlier try went through after all, with the details as they were then.
      idempotencyKey.current = crypto.randomUUID();
      return setFormError({
        message: "An earlier try may have created your account with the details you entered then: try signing in.",
        signIn: true,
      });
    }
    if (error.fields.length > 0) {
      const fromApi: Partial<Record<Path, string>> = {};
      const other: string[] = [];
      for (const f of error.fields) {
        const field = FIELDS.find((candidate) => candidate.path === f.path);
        if (field) fromApi[field.path] = f.message;
        else other.push(f.message);
      }
      setErrors(fromApi);
      if (other.length) setFormError({ message: `${error.message}: ${other.join("; ")}` });
      return focusFirst(fromApi);
    }
    // Network errors keep the key: the account may exist and only the answer was lost.
    setFormError({ message: error.message });
  }

  return (
    <section className="card narrow">
      <PageTitle>Create an account</PageTitle>
      <form
        ref={formRef}
        className="form"
        onSubmit={submit}
        noValidate
        aria-describedby={formError ? "sign-up-form-error" : undefined}
      >
        {formError && (
          <div id="sign-up-form-error" className="state state--error" role="alert">
            {formError.message}
            {formError.signIn && (
              <>
                {" "}
                <Link href={signInHref(location)}>Sign in</Link>
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
                name={f.path}
                type={f.type}
                autoComplete={f.autoComplete}
                required
                {...(f.path === "password" ? { minLength: 10, maxLength: 200 } : {})}
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
                {error && f.path === "email" && emailTaken && (
                  <>
                    {" "}
                    <Link href={signInHref(location)}>Sign in instead</Link>
                  </>
                )}
              </p>
            </div>
          );
        })}
        <button type="submit" className="button button--wide" disabled={busy}>
          {busy ? "Creating your account…" : "Create account"}
        </button>
      </form>
      <p>
        Already have an account? <Link href={signInHref(location)}>Sign in</Link>
      </p>
    </section>
  );
}
