import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalOverrides } from "../../src/runtime/local/compose.js";
import { loadConfig } from "../../src/runtime/local/config.js";
import { startServer } from "../../src/runtime/local/server.js";

export const DEMO_PASSWORD = "test-demo-password";

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

export interface ApiOptions {
  method?: string;
  body?: unknown;
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

/** A real server on a free loopback port with its own data folder; retries wait milliseconds, not seconds. */
export async function startTestServer(env: Record<string, string> = {}, overrides: LocalOverrides = {}) {
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), "orderflow-test-"));
  const config = loadConfig({
    PORT: "0",
    DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    DEMO_PASSWORD,
    WORKFLOW_RETRY_INTERVAL_MS: "5",
    DELIVERY_BACKOFF_MS: "20",
    ...env,
  });
  const server = await startServer(config, overrides);
  const tokens = new Map<string, string>();

  async function api<T = any>(path: string, options: ApiOptions = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined || options.rawBody !== undefined) headers["content-type"] = "application/json";
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${server.url}${path}`, {
      method: options.method ?? (options.body !== undefined || options.rawBody !== undefined ? "POST" : "GET"),
      headers,
      ...(options.rawBody !== undefined
        ? { body: options.rawBody }
        : options.body !== undefined
          ? { body: JSON.stringify(options.body) }
          : {}),
    });
    const type = response.headers.get("content-type") ?? "";
    const body = type.includes("json") ? ((await response.json()) as T) : (undefined as T);
    return { status: response.status, body, headers: response.headers, response };
  }

  /** Signs in as one of the seeded demo accounts (admin, maker, courier, customer). */
  async function tokenFor(role: "admin" | "maker" | "courier" | "customer") {
    const cached = tokens.get(role);
    if (cached) return cached;
    const result = await api<{ token: string }>("/auth/sign-in", {
      body: { email: `${role}@orderflow.local`, password: DEMO_PASSWORD },
    });
    if (result.status !== 200) throw new Error(`sign-in as ${role} failed: ${result.status}`);
    tokens.set(role, result.body.token);
    return result.body.token;
  }

  return { ...server, dataDir, config, api, tokenFor, idle: () => server.runtime.idle() };
}

export function orderBody(overrides: Record<string, unknown> = {}) {
  return {
    items: [{ productId: "chocolate-fudge-cake", quantity: 1 }],
    customer: { name: "Ada Lovelace", email: "ada@example.com" },
    deliveryAddress: { line1: "12 Analytical Row", city: "London", postalCode: "N1 7AA", country: "GB" },
    payment: { card: "4242 4242 4242 4242" },
    ...overrides,
  };
}
