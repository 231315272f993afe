import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";
import { call, type Role, SESSION_ENDED_EVENT, tokenStore, type User } from "./api/client";

interface Auth {
  user: User | null;
  ready: boolean;
  /** The server refused the token this browser held: the user was signed out without asking. */
  sessionEnded: boolean;
  signIn: (email: string, password: string) => Promise<User>;
  signOut: () => void;
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
  const signOut = useCallback(() => {
    tokenStore.set(null);
    setUser(null);
    setSessionEnded(false);
  }, []);
  const has = useCallback((...roles: Role[]) => !!user && roles.some((role) => user.roles.includes(role)), [user]);
  return (
    <AuthContext.Provider value={{ user, ready, sessionEnded, signIn, signOut, has }}>{children}</AuthContext.Provider>
  );
}

export function useAuth() {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside AuthProvider");
  return auth;
}
