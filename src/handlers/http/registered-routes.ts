import type { OpenAPIHono } from "@hono/zod-openapi";
import type { HttpEnv } from "./http-env.js";
import type { RouteMatcher } from "./idempotency-middleware.js";
import { idempotencyKeyParameter } from "./schemas.js";

/** The methods whose requests the idempotency middleware serves, and on whose routes the header is documented. */
export const IDEMPOTENT_METHODS = ["POST", "PUT", "PATCH", "DELETE"] as const;

type RegisteredRoute = Extract<
  OpenAPIHono<HttpEnv>["openAPIRegistry"]["definitions"][number],
  { type: "route" }
>["route"];

function routesOf(app: OpenAPIHono<HttpEnv>): RegisteredRoute[] {
  return app.openAPIRegistry.definitions.flatMap((definition) =>
    definition.type === "route" ? [definition.route] : [],
  );
}

const isIdempotent = (method: string) => (IDEMPOTENT_METHODS as readonly string[]).includes(method.toUpperCase());

/**
 * Documents the `Idempotency-Key` header on every operation the idempotency middleware serves, once all
 * routes are registered: the document and the middleware cannot disagree about which routes take it.
 */
export function documentIdempotencyKey(app: OpenAPIHono<HttpEnv>): void {
  for (const route of routesOf(app)) {
    if (!isIdempotent(route.method)) continue;
    const operation = route as { parameters?: unknown[] }; // the OpenAPI 3.0 and 3.1 parameter types differ
    operation.parameters = [...(operation.parameters ?? []), idempotencyKeyParameter];
  }
}

/** Matches requests to the routes documented as taking a bearer token (`signedInOnly`, `rolesOnly`). */
export function signedInRoutes(app: OpenAPIHono<HttpEnv>): RouteMatcher {
  const patterns = routesOf(app)
    .filter((route) => (route.security ?? []).length > 0)
    .map((route) => ({
      method: route.method.toUpperCase(),
      path: new RegExp(
        `^${route.path
          .split(/\{[^}]+\}/)
          .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
          .join("[^/]+")}$`,
      ),
    }));
  return (method, path) => patterns.some((pattern) => pattern.method === method && pattern.path.test(path));
}
