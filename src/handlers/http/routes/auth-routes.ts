import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { makeSignIn } from "../../../application/users/sign-in.js";
import type { makeSignUp } from "../../../application/users/sign-up.js";
import { UnauthenticatedError } from "../../../domain/shared/errors.js";
import { ROLES, SignInBody, SignUpBody } from "../../../domain/users/user.js";
import type { HttpEnv } from "../http-env.js";
import { signedInOnly } from "../require-role.js";
import { ErrorSchema, errorResponses, jsonContent } from "../schemas.js";

export interface AuthUseCases {
  signUp: ReturnType<typeof makeSignUp>;
  signIn: ReturnType<typeof makeSignIn>;
}

const UserSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string(), roles: z.array(z.enum(ROLES)), createdAt: z.string() })
  .meta({ id: "User" });
const SignedIn = z.object({ token: z.string(), user: UserSchema }).meta({ id: "SignedIn" });

/** Routes that hand out credentials: they ignore any sent along, so a stale token never blocks signing in again. */
export const isCredentialRoute = (path: string) => path === "/auth/sign-in" || path === "/auth/sign-up";

export function registerAuthRoutes(app: OpenAPIHono<HttpEnv>, useCases: AuthUseCases) {
  app.openapi(
    createRoute({
      method: "post",
      path: "/auth/sign-up",
      tags: ["Accounts"],
      summary: "Create a customer account",
      request: { body: { content: { "application/json": { schema: SignUpBody } }, required: true } },
      responses: {
        201: jsonContent(UserSchema, "The new account"),
        400: errorResponses[400],
        409: errorResponses[409],
      },
    }),
    async (c) => c.json(await useCases.signUp(c.req.valid("json")), 201),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/auth/sign-in",
      tags: ["Accounts"],
      summary: "Exchange e-mail and password for a bearer token (JWT)",
      request: { body: { content: { "application/json": { schema: SignInBody } }, required: true } },
      responses: {
        200: jsonContent(SignedIn, "Signed in"),
        400: errorResponses[400],
        401: errorResponses[401],
        429: jsonContent(
          ErrorSchema,
          "TOO_MANY_SIGN_INS: too many wrong passwords for this address in 15 minutes; `Retry-After` says when to try again",
        ),
      },
    }),
    async (c) => c.json(await useCases.signIn(c.req.valid("json")), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/auth/me",
      tags: ["Accounts"],
      summary: "Who the bearer token belongs to",
      ...signedInOnly,
      responses: {
        200: jsonContent(z.object({ id: z.string(), email: z.string(), roles: z.array(z.string()) }), "The caller"),
        401: errorResponses[401],
      },
    }),
    async (c) => {
      const actor = c.get("actor");
      if (!actor.userId) throw new UnauthenticatedError();
      return c.json({ id: actor.userId, email: actor.email ?? "", roles: [...actor.roles] }, 200);
    },
  );
}
