import {
  type AnchorHTMLAttributes,
  createContext,
  type MouseEvent,
  type ReactNode,
  useContext,
  useEffect,
  useState,
} from "react";

interface Location {
  path: string;
  query: URLSearchParams;
}
const RouterContext = createContext<{
  location: Location;
  navigate: (to: string) => void;
  /** Changes the address without a new history entry (e.g. to drop a secret from it). */
  replace: (to: string) => void;
}>({
  location: { path: "/", query: new URLSearchParams() },
  navigate: () => {},
  replace: () => {},
});

function current(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

/** A small History-API router: the app needs a handful of routes, not a routing library. */
export function Router({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const onPop = () => setLocation(current());
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);
  const navigate = (to: string) => {
    window.history.pushState(null, "", to);
    setLocation(current());
    window.scrollTo(0, 0);
  };
  const replace = (to: string) => {
    window.history.replaceState(null, "", to);
    setLocation(current());
  };
  return <RouterContext.Provider value={{ location, navigate, replace }}>{children}</RouterContext.Provider>;
}

export const useRouter = () => useContext(RouterContext);

/** The pages that sign a visitor in; moving between them keeps the page to go back to. */
const ACCOUNT_PAGES = ["/sign-in", "/sign-up"] as const;

function accountPageHref(page: (typeof ACCOUNT_PAGES)[number], location: Location) {
  const { path, query } = location;
  const back = (ACCOUNT_PAGES as readonly string[]).includes(path)
    ? returnPath(location)
    : query.size
      ? `${path}?${query}`
      : path;
  return back ? `${page}?next=${encodeURIComponent(back)}` : page;
}

/** The sign-in page, set to come back to `location` afterwards. */
export const signInHref = (location: Location) => accountPageHref("/sign-in", location);

/** The sign-up page, set to come back to `location` afterwards, as the sign-in page does. */
export const signUpHref = (location: Location) => accountPageHref("/sign-up", location);

/** Where the sign-in and sign-up pages should go back to: a path of this app from `?next=`, if one was given. */
export function returnPath({ query }: Location): string | undefined {
  const next = query.get("next");
  return next && /^\/(?![/\\])/.test(next) ? next : undefined; // `//host` and `/\host` lead to another site
}

/** Matches `/orders/:id` against a path; returns the parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.replace(/\/+$/, "").split("/");
  if (path === "/" && pattern === "/") return {};
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? "";
    const g = got[i] ?? "";
    if (w.startsWith(":")) params[w.slice(1)] = decodeURIComponent(g);
    else if (w !== g) return null;
  }
  return params;
}

export function Link({ href, children, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { navigate } = useRouter();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
