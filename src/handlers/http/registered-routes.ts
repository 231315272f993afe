import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Hono } from "hono";
import type { HttpEnv } from "./http-env.js";
import { errorResponses, idempotencyKeyParameter, tooBusy } from "./schemas.js";

/** Whether a request (its method and path, e.g. "POST", "/auctions/auc_1/bids") is to one of some routes. */
export type RouteMatcher = (method: string, path: string) => boolean;

/** Methods that change something: their requests may carry a JSON body and an Idempotency-Key. */
export const MUTATING_METHODS = ["POST", "PUT", "PATCH", "DELETE"] as const;

type RegisteredRoute = Extract<
  OpenAPIHono<HttpEnv>["openAPIRegistry"]["definitions"][number],
  { type: "route" }
>["route"];

function routesOf(app: OpenAPIHono<HttpEnv>): RegisteredRoute[] {
  return app.openAPIRegistry.definitions.flatMap((definition) =>
    definition.type === "route" ? [definition.route] : [],
  );
}

const isMutating = (method: string) => (MUTATING_METHODS as readonly string[]).includes(method.toUpperCase());

/**
 * Documents what the app-wide middleware adds to every route, once all routes are registered, so the
 * document and the middleware cannot disagree: the `Idempotency-Key` header and its refusals (400, 409,
 * 422) on mutating routes, 401 for a bearer token that does not verify (all but the credential routes),
 * 400 where a request has parameters, and 413 / 415 where it has a JSON body.
 */
export function documentMiddlewareAnswers(app: OpenAPIHono<HttpEnv>, ignoresCredentials: (path: string) => boolean) {
  for (const route of routesOf(app)) {
    const answers: Array<keyof typeof errorResponses> = [];
    if (isMutating(route.method)) {
      const operation = route as { parameters?: unknown[] }; // the OpenAPI 3.0 and 3.1 parameter types differ
      operation.parameters = [...(operation.parameters ?? []), idempotencyKeyParameter];
      answers.push(400, 409, 422);
    }
    if (!ignoresCredentials(route.path)) answers.push(401);
    // The routes that hand out credentials hash a password, which the server does only so many at once.
    else route.responses[503] ??= tooBusy;
    if (route.request?.params || route.request?.query) answers.push(400);
    if (route.request?.body) answers.push(400, 413, 415);
    for (const status of answers) route.responses[status] ??= errorResponses[status];
  }
}

/**
 * Matches requests to the registered routes that `include` picks, looked up on the first request (by
 * then every route is registered; middleware is added before the routes it runs ahead of).
 */
export function registeredRoutes(
  app: OpenAPIHono<HttpEnv>,
  include: (route: RegisteredRoute) => boolean,
): RouteMatcher {
  let patterns: Array<{ method: string; path: RegExp }> | undefined;
  return (method, path) => {
    patterns ??= routesOf(app)
      .filter(include)
      .map((route) => ({ method: route.method.toUpperCase(), path: pathPattern(route.path) }));
    return patterns.some((pattern) => pattern.method === method && pattern.path.test(path));
  };
}

/** Routes documented as taking a bearer token (`signedInOnly`, `rolesOnly`). */
export const isSignedInRoute = (route: RegisteredRoute) => (route.security ?? []).length > 0;
/** Routes documented with a JSON request body. */
export const hasJsonBody = (route: RegisteredRoute) => route.request?.body !== undefined;

/** `/orders/{id}` as a pattern matching `/orders/ord_1`. */
function pathPattern(template: string): RegExp {
  const parts = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join("[^/]+")}$`);
}

/** The methods some route answers at a path (HEAD wherever GET), for a 405's `Allow` header; empty if none. */
export function allowedMethods(app: Hono<HttpEnv>): (path: string) => string[] {
  let routes: Array<{ method: string; path: RegExp }> | undefined;
  return (path) => {
    // Middleware is registered on `*` paths; every route has a concrete path (`/orders/:id`).
    routes ??= app.routes
      .filter((route) => route.method !== "ALL" && !route.path.includes("*"))
      .map((route) => ({
        method: route.method,
        path: pathPattern(route.path.replace(/:\w+(\{[^}]*\})?/g, "{param}")),
      }));
    const methods = new Set(routes.filter((route) => route.path.test(path)).map((route) => route.method));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods];
  };
}
