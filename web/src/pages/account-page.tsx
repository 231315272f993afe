import { useState } from "react";
import { errorMessage } from "../api/client";
import { useAuth } from "../auth";
import { PageTitle } from "../components/status";
import { Link, useRouter } from "../router";

/** The signed-in account: who it is, how to change the password, and ending its sessions everywhere. */
export function AccountPage() {
  const { user, signOutEverywhere } = useAuth();
  const { navigate } = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  if (!user) return null;

  async function endEverySession() {
    setBusy(true);
    setError(undefined);
    try {
      await signOutEverywhere();
      navigate("/sign-in?signed-out=everywhere");
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  return (
    <section className="card narrow">
      <PageTitle>Your account</PageTitle>
      <p>
        Signed in as <strong>{user.email}</strong> ({user.roles.join(", ")}).
      </p>
      <h2>Password</h2>
      <p>
        To choose a new password, <Link href="/forgot-password">ask for a reset link</Link>: we e-mail it to you.
        Setting a new password signs you out everywhere else.
      </p>
      <h2>Devices</h2>
      <p>Lost a phone, or signed in on a shared computer? End every session of this account, this one included.</p>
      {error && (
        <p className="state state--error" role="alert">
          {error}
        </p>
      )}
      <button type="button" className="button" disabled={busy} onClick={endEverySession}>
        {busy ? "Signing out…" : "Sign out everywhere"}
      </button>
    </section>
  );
}
