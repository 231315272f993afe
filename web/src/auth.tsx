import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";
import { call, type Role, type Schemas, SESSION_ENDED_EVENT, tokenStore, type User } from "./api/client";
import { checkoutDetails } from "./cart";
import { returnPath, useRouter } from "./router";

export type SignUpDetails = Schemas["SignUp"];

interface Auth {
  user: User | null;
  ready: boolean;
  /** The server refused the token this browser held: the user was signed out without asking. */
  sessionEnded: boolean;
  signIn: (email: string, password: string) => Promise<User>;
  /**
   * Creates a customer account and signs it in (sign-up answers without a token). The idempotency key
   * makes a retry after a lost answer replay it instead of finding the e-mail taken by this very account.
   */
  signUp: (details: SignUpDetails, idempotencyKey: string) => Promise<User>;
  /** Sets a new password with the token from a reset link; the answer signs the user in. */
  resetPassword: (token: string, password: string, idempotencyKey: string) => Promise<User>;
  signOut: () => void;
  /** Ends every session of the account on the server (other devices too), then this one. */
  signOutEverywhere: () => Promise<void>;
  has: (...roles: Role[]) => boolean;
}
const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(false);
  const [sessionEnded, setSessionEnded] = useState(false);
  useEffect(() => {
    if (!tokenStore.get()) {
      setReady(true);
      return;
    }
    call("get", "/auth/me")
      .then((me) => setUser(me as User))
      .catch(() => tokenStore.set(null))
      .finally(() => setReady(true));
  }, []);
  useEffect(() => {
    const ended = () => {
      setUser(null);
      setSessionEnded(true);
    };
    window.addEventListener(SESSION_ENDED_EVENT, ended);
    return () => window.removeEventListener(SESSION_ENDED_EVENT, ended);
  }, []);
  const signIn = useCallback(async (email: string, password: string) => {
    const answer = await call("post", "/auth/sign-in", { body: { email, password } });
    tokenStore.set(answer.token);
    setUser(answer.user);
    setSessionEnded(false);
    return answer.user;
  }, []);
  const signUp = useCallback(
    async (details: SignUpDetails, idempotencyKey: string) => {
      await call("post", "/auth/sign-up", { body: details, headers: { "idempotency-key": idempotencyKey } });
      try {
        return await signIn(details.email, details.password);
      } catch (error) {
        throw new SignedUpNotSignedInError({ cause: error });
      }
    },
    [signIn],
  );
  const resetPassword = useCallback(async (token: string, password: string, idempotencyKey: string) => {
    const answer = await call("post", "/auth/password-reset/confirm", {
      body: { token, password },
      headers: { "idempotency-key": idempotencyKey },
    });
    tokenStore.set(answer.token);
    setUser(answer.user);
    setSessionEnded(false);
    return answer.user;
  }, []);
  const signOut = useCallback(() => {
    tokenStore.set(null);
    checkoutDetails.clear(); // the next person at this browser should not find this one's address
    setUser(null);
    setSessionEnded(false);
  }, []);
  const signOutEverywhere = useCallback(async () => {
    await call("post", "/auth/sign-out-everywhere", { headers: { "idempotency-key": crypto.randomUUID() } });
    signOut();
  }, [signOut]);
  const has = useCallback((...roles: Role[]) => !!user && roles.some((role) => user.roles.includes(role)), [user]);
  return (
    <AuthContext.Provider
      value={{ user, ready, sessionEnded, signIn, signUp, resetPassword, signOut, signOutEverywhere, has }}
    >
      {children}
    </AuthContext.Provider>
  );
}

export function useAuth() {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside AuthProvider");
  return auth;
}

/** The account was created, but signing in right after failed: the visitor should sign in, not sign up again. */
export class SignedUpNotSignedInError extends Error {
  override name = "SignedUpNotSignedInError";
  constructor(options: { cause: unknown }) {
    super("Your account is ready, but we could not sign you in just now.", options);
  }
}

/** Where a user starts when no page asked them to sign in: the page their main role works on. */
export function homeOf(user: User) {
  const { roles } = user;
  if (roles.includes("admin")) return "/backoffice/orders";
  if (roles.includes("maker")) return "/maker";
  if (roles.includes("courier")) return "/courier";
  if (roles.includes("seller")) return "/auctions/mine";
  return "/my-orders";
}

/** After signing in or up: back to the page that asked (`?next=`), otherwise the user's own start page. */
export function useReturnAfterSignIn() {
  const { location, navigate } = useRouter();
  return (user: User) => navigate(returnPath(location) ?? homeOf(user));
}
