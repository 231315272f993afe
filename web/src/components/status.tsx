import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/client";
import type { StreamState } from "../api/event-stream";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p className="state state--loading" role="status">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="state state--error" role="alert">
      <p>{errorMessage(error)}</p>
      {retry && (
        <button type="button" className="button button--ghost" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state--empty">{children}</div>;
}

/** Loads data for a page and exposes loading/error/reload. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const latest = useRef(load);
  latest.current = load;
  const key = JSON.stringify(deps);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((old) => ({ ...old, loading: true, error: undefined }));
    latest.current().then(
      (data) => mine === generation.current && setState({ data, loading: false }),
      (error: unknown) => mine === generation.current && setState({ error, loading: false }),
    );
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: key changes when the caller's inputs change
  useEffect(() => reload(), [reload, key]);
  return { ...state, reload };
}

/** The page heading; it takes focus after a route change so screen readers announce the new page. */
/** The address the document was opened at: its first page keeps the browser's own focus order (skip link first). */
const OPENED_AT = window.location.href;
let navigated = false;

/**
 * The page's heading and document title. After a navigation inside the app, focus moves to the heading, so
 * screen readers announce the new page; on the page the document was opened at, focus stays where the
 * browser puts it, so the first Tab reaches the skip link.
 */
export function PageTitle({ children, title }: { children: ReactNode; title?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title ?? (typeof children === "string" ? children : "")} · Orderflow Bakery`;
    navigated ||= window.location.href !== OPENED_AT;
    if (navigated) ref.current?.focus({ preventScroll: true });
  }, [children, title]);
  return (
    <h1 ref={ref} tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
}

export const STATUS_LABELS: Record<string, string> = {
  pending: "Being checked",
  confirmed: "Confirmed",
  fulfilled: "Baked",
  out_for_delivery: "Out for delivery",
  delivered: "Delivered",
  reviewed: "Reviewed",
  failed: "Failed",
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge--${status}`}>{STATUS_LABELS[status] ?? status}</span>;
}

/** Whether a page is following the server's live stream, e.g. "● Live updates". */
export function LiveIndicator({ state, label }: { state: StreamState; label: string }) {
  const text = { connecting: "Connecting…", live: `● ${label}`, reconnecting: "Reconnecting…", stopped: "Not live" };
  return (
    <span className={`live live--${state}`} role="status">
      {text[state]}
    </span>
  );
}
