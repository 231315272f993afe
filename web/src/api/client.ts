import type { components, paths } from "./schema";

/** Types generated from the server's OpenAPI document (`npm run openapi:types`). */
export type Schemas = components["schemas"];
export type Product = Schemas["Product"];
export type Money = Schemas["Money"];
export type Order = Schemas["Order"];
export type OrderStatus = Order["status"];
export type TimelineEvent = Schemas["TimelineEvent"];
export type User = Schemas["User"];
export type Role = User["roles"][number];
export type DeadLetter = Schemas["DeadLetter"];
export type QueueDepth = Schemas["QueueDepth"];
export type PlaceOrder = Schemas["PlaceOrder"];
export type Auction = Schemas["Auction"];
export type AuctionStatus = Auction["status"];
export type FieldError = { path: string; message: string };

type Method = "get" | "post" | "put" | "patch";
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonOf<R> = R extends { content: { "application/json": infer T } } ? T : never;
/** The JSON body of the operation's 200 or 201 answer. */
export type Success<P extends keyof paths, M extends Method> =
  Op<P, M> extends { responses: infer R }
    ? R extends { 200: infer A }
      ? JsonOf<A>
      : R extends { 201: infer A }
        ? JsonOf<A>
        : R extends { 202: infer A }
          ? JsonOf<A>
          : never
    : never;
type BodyOf<P extends keyof paths, M extends Method> =
  Op<P, M> extends { requestBody?: { content: { "application/json": infer B } } } ? B : never;
type QueryOf<P extends keyof paths, M extends Method> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? (Q extends never ? never : Q) : never;

export interface CallOptions<P extends keyof paths, M extends Method> {
  params?: Record<string, string>;
  query?: QueryOf<P, M> | Record<string, string | number | undefined>;
  body?: BodyOf<P, M>;
  headers?: Record<string, string>;
}

/** An API answer other than 2xx, in the server's one error shape. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const TOKEN_KEY = "orderflow.token";
export const tokenStore = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (token: string | null) => (token ? localStorage.setItem(TOKEN_KEY, token) : localStorage.removeItem(TOKEN_KEY)),
};

/** Dispatched on `window` when the server refused the stored token (expired, or signed by another key). */
export const SESSION_ENDED_EVENT = "orderflow:session-ended";

/** A refused token is dropped at once: the next call goes as a guest, and the app shows the user signed out. */
function endSession() {
  tokenStore.set(null);
  window.dispatchEvent(new Event(SESSION_ENDED_EVENT));
}

let apiBase = "";

/**
 * Where the API is. Served by the local runtime, the app and the API share an origin; deployed on AWS,
 * the web bucket holds a `config.json` with the HTTP API's URL. Call once before the first render.
 */
export async function loadApiBase(): Promise<void> {
  try {
    const response = await fetch("/config.json", { headers: { accept: "application/json" } });
    const config = response.ok ? ((await response.json()) as { apiUrl?: unknown }) : {};
    if (typeof config.apiUrl === "string") apiBase = config.apiUrl.replace(/\/$/, "");
  } catch {
    // No config: the API is on this origin.
  }
}

/** Builds `/orders/abc?token=…` (prefixed with the API's URL when it is elsewhere) from a path template, its parameters and a query. */
export function buildUrl(template: string, params: Record<string, string> = {}, query: object = {}) {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ""));
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") search.set(key, String(value));
  }
  const qs = search.toString();
  return `${apiBase}${qs ? `${path}?${qs}` : path}`;
}

/** Calls one API operation; the path, body and answer are typed from the OpenAPI document. */
export async function call<P extends keyof paths, M extends Method>(
  method: M,
  path: P,
  options: CallOptions<P, M> = {},
): Promise<Success<P, M>> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  const token = tokenStore.get();
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(buildUrl(path as string, options.params, options.query ?? {}), {
      method: method.toUpperCase(),
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch {
    throw new ApiError(0, "NETWORK", "We could not reach the bakery. Check your connection and try again.");
  }
  const type = response.headers.get("content-type") ?? "";
  const data: unknown = type.includes("json") ? await response.json().catch(() => undefined) : undefined;
  if (!response.ok) {
    const error = (
      data as
        | { error?: { code?: string; message?: string; fields?: FieldError[]; details?: Record<string, unknown> } }
        | undefined
    )?.error;
    if (response.status === 401 && token && (error?.code === "TOKEN_EXPIRED" || error?.code === "INVALID_TOKEN")) {
      endSession();
    }
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? `The request failed (${response.status})`,
      error?.fields ?? [],
      error?.details ?? {},
    );
  }
  return data as Success<P, M>;
}

export function formatMoney(money: Money) {
  return new Intl.NumberFormat("en-GB", { style: "currency", currency: money.currency }).format(money.amount / 100);
}

/** Formats whole cents of a currency, e.g. 1250 EUR → €12.50. */
export function formatCents(amount: number, currency = "EUR") {
  return formatMoney({ amount, currency });
}

export function errorMessage(error: unknown) {
  return error instanceof Error ? error.message : "Something went wrong";
}
