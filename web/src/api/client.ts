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

/** Dispatched on `window` when the server refused the stored token (expired, signed by another key, or ended). */
export const SESSION_ENDED_EVENT = "orderflow:session-ended";
/** Refusals that mean the token held is over (expired, not valid here, or its sessions ended): sign out. */
const SESSION_ENDING_CODES = ["TOKEN_EXPIRED", "INVALID_TOKEN", "SESSION_REVOKED"];

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

const NETWORK_MESSAGE = "We could not reach the bakery. Check your connection and try again.";

/**
 * Sends a request to the API with the stored token. An answer other than 2xx throws an ApiError in the
 * server's error shape; a refused token ends the session. Aborting the request rethrows the abort.
 */
export async function send(url: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  const token = tokenStore.get();
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiError(0, "NETWORK", NETWORK_MESSAGE);
  }
  if (response.ok) return response;
  const data = (await response.json().catch(() => undefined)) as
    | { error?: { code?: string; message?: string; fields?: FieldError[]; details?: Record<string, unknown> } }
    | undefined;
  const error = data?.error;
  if (response.status === 401 && token && SESSION_ENDING_CODES.includes(error?.code ?? "")) {
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

/** Calls one API operation; the path, body and answer are typed from the OpenAPI document. */
export async function call<P extends keyof paths, M extends Method>(
  method: M,
  path: P,
  options: CallOptions<P, M> = {},
): Promise<Success<P, M>> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await send(buildUrl(path as string, options.params, options.query ?? {}), {
    method: method.toUpperCase(),
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const type = response.headers.get("content-type") ?? "";
  return (type.includes("json") ? await response.json().catch(() => undefined) : undefined) as Success<P, M>;
}

/**
 * Fetches a file with the bearer header (a plain link cannot send it) and saves it under `fileName`, or
 * under the name `fileName` gives for the content type served.
 */
export async function downloadFile(url: string, fileName: string | ((contentType: string) => string)) {
  const blob = await (await send(url, { headers: { accept: "*/*" } })).blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = typeof fileName === "string" ? fileName : fileName(blob.type);
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

export function formatMoney(money: Money) {
  return new Intl.NumberFormat("en-GB", { style: "currency", currency: money.currency }).format(money.amount / 100);
}

/** Formats whole cents of a currency, e.g. 1250 EUR → €12.50. */
export function formatCents(amount: number, currency = "EUR") {
  return formatMoney({ amount, currency });
}

/** Parses "12.50" or "12,50" into whole cents; undefined when it is not an amount with at most 2 decimals. */
export function toCents(value: string): number | undefined {
  const v = value.trim().replace(",", ".");
  if (!/^\d+(\.\d{1,2})?$/.test(v)) return undefined;
  return Math.round(Number(v) * 100);
}

/** Whole cents as the value of a money input, e.g. 1250 → "12.50". */
export const toEuros = (cents: number | undefined) => (cents === undefined ? "" : (cents / 100).toFixed(2));

export function errorMessage(error: unknown) {
  return error instanceof Error ? error.message : "Something went wrong";
}
