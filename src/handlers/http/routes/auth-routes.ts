import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { makeConfirmPasswordReset } from "../../../application/users/confirm-password-reset.js";
import type { makeRequestPasswordReset } from "../../../application/users/request-password-reset.js";
import type { makeSignOutEverywhere } from "../../../application/users/sessions.js";
import type { makeSignIn } from "../../../application/users/sign-in.js";
import type { makeSignUp } from "../../../application/users/sign-up.js";
import { UnauthenticatedError } from "../../../domain/shared/errors.js";
import { PasswordResetConfirmBody, PasswordResetRequestBody } from "../../../domain/users/password-reset.js";
import { ROLES, SignInBody, SignUpBody } from "../../../domain/users/user.js";
import type { HttpEnv } from "../http-env.js";
import { signedInOnly } from "../require-role.js";
import { ErrorSchema, errorResponses, jsonContent } from "../schemas.js";

export interface AuthUseCases {
  signUp: ReturnType<typeof makeSignUp>;
  signIn: ReturnType<typeof makeSignIn>;
  requestPasswordReset: ReturnType<typeof makeRequestPasswordReset>;
  confirmPasswordReset: ReturnType<typeof makeConfirmPasswordReset>;
  signOutEverywhere: ReturnType<typeof makeSignOutEverywhere>;
}

const UserSchema = z
  .object({ id: z.string(), email: z.string(), name: z.string(), roles: z.array(z.enum(ROLES)), createdAt: z.string() })
  .meta({ id: "User" });
const SignedIn = z.object({ token: z.string(), user: UserSchema }).meta({ id: "SignedIn" });

const PasswordResetRequested = z
  .object({ message: z.string() })
  .meta({ id: "PasswordResetRequested", description: "The same answer whether or not the address has an account" });
const PASSWORD_RESET_REQUESTED = {
  message: "If an account exists for this address, we have sent it an e-mail with a link to choose a new password.",
};

const CREDENTIAL_ROUTES = ["/auth/sign-in", "/auth/sign-up", "/auth/password-reset", "/auth/password-reset/confirm"];

/** Routes that hand out credentials: they ignore any sent along, so a stale token never blocks signing in again. */
export const isCredentialRoute = (path: string) => CREDENTIAL_ROUTES.includes(path);

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
        429: jsonContent(ErrorSchema, "TOO_MANY_SIGN_UPS: too many sign-ups from this address this hour (Retry-After)"),
      },
    }),
    async (c) => c.json(await useCases.signUp(c.req.valid("json"), c.get("clientAddress")), 201),
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
      method: "post",
      path: "/auth/password-reset",
      tags: ["Accounts"],
      summary: "E-mail a password reset link (the same answer whether or not the address has an account)",
      description:
        "An address with an account is sent a link to `/reset-password?token=…` that works once, within an hour; an unknown address is sent nothing. Earlier links keep working until they expire or one of them is used.",
      request: { body: { content: { "application/json": { schema: PasswordResetRequestBody } }, required: true } },
      responses: {
        202: jsonContent(PasswordResetRequested, "Accepted: if the address has an account, the link is on its way"),
        400: errorResponses[400],
        429: jsonContent(
          ErrorSchema,
          "TOO_MANY_PASSWORD_RESETS: three links were asked for this address within the hour (known or not); `Retry-After` says when to ask again",
        ),
      },
    }),
    async (c) => {
      await useCases.requestPasswordReset(c.req.valid("json"));
      return c.json(PASSWORD_RESET_REQUESTED, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/auth/password-reset/confirm",
      tags: ["Accounts"],
      summary: "Set a new password with the token from a reset link, and sign in",
      description:
        "Answers like sign-in. The token works once; every older link of the account stops working, and every session signed in before ends (its token is answered 401 SESSION_REVOKED).",
      request: { body: { content: { "application/json": { schema: PasswordResetConfirmBody } }, required: true } },
      responses: {
        200: jsonContent(SignedIn, "The new password is set; signed in with it"),
        400: jsonContent(
          ErrorSchema,
          "Invalid request (`fields` lists each offending field), or RESET_TOKEN_INVALID: the token is unknown, tampered with, expired or used already; nothing changed",
        ),
      },
    }),
    async (c) => c.json(await useCases.confirmPasswordReset(c.req.valid("json")), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/auth/sign-out-everywhere",
      tags: ["Accounts"],
      summary: "End every session of the caller's account, this one included",
      description:
        "Every token issued to the account so far is refused from then on (401 SESSION_REVOKED); signing in again gives a new one. For accounts of this app: a Cognito sign-in is answered 409 NOT_AN_APP_ACCOUNT.",
      ...signedInOnly,
      responses: {
        204: { description: "Signed out everywhere" },
        401: errorResponses[401],
        409: errorResponses[409],
      },
    }),
    async (c) => {
      await useCases.signOutEverywhere(c.get("actor"));
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/auth/me",
      tags: ["Accounts"],
      summary: "Who the bearer token belongs to",
      ...signedInOnly,
      responses: {
        200: jsonContent(
          z.object({ id: z.string(), email: z.string(), name: z.string(), roles: z.array(z.string()) }),
          "The caller, as the account is now",
        ),
        401: errorResponses[401],
      },
    }),
    async (c) => {
      const actor = c.get("actor");
      if (!actor.userId) throw new UnauthenticatedError();
      const { userId: id, email = "", name = email, roles } = actor;
      return c.json({ id, email, name, roles: [...roles] }, 200);
    },
  );
}
