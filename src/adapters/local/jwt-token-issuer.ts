import { createHmac, timingSafeEqual } from "node:crypto";
import { UnauthenticatedError } from "../../domain/shared/errors.js";
import type { Clock } from "../../ports/clock.js";
import type { TokenClaims, TokenIssuer } from "../../ports/token-issuer.js";

const ISSUER = "orderflow";
const DEFAULT_LIFETIME_SECONDS = 12 * 3600;
const HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");

export interface JwtTokenIssuerOptions {
  /** HMAC key, at least 32 characters. */
  secret: string;
  clock: Clock;
  /** Token lifetime; 12 hours unless given. */
  lifetimeSeconds?: number;
}

const invalid = () => new UnauthenticatedError("The bearer token is not valid", "INVALID_TOKEN");
const expired = () => new UnauthenticatedError("Your session has expired; sign in again", "TOKEN_EXPIRED");
/** How many verified tokens are remembered (the oldest is forgotten first). */
const VERIFIED_TOKENS = 10_000;

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * HS256 JWTs (issuer `orderflow`, `iat`/`exp` from the injected clock), signed and checked with
 * node:crypto's HMAC synchronously: every authenticated request verifies one, so it must be cheap.
 * Used by both runtimes (on AWS beside the Cognito user pool's ID tokens).
 */
export class JwtTokenIssuer implements TokenIssuer {
  /**
   * Tokens whose signature and claims were verified, by their exact text: a session sends the same token
   * with every request, so it is checked once (the expiry still on every use).
   */
  private readonly verified = new Map<string, { claims: TokenClaims; exp: number }>();

  constructor(private readonly options: JwtTokenIssuerOptions) {
    if (options.secret.length < 32) throw new RangeError("The JWT secret must be at least 32 characters");
  }

  async issue(claims: TokenClaims): Promise<string> {
    const now = this.nowSeconds();
    const exp = now + (this.options.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS);
    const payload = Buffer.from(JSON.stringify({ ...claims, iss: ISSUER, iat: now, exp })).toString("base64url");
    return `${HEADER}.${payload}.${this.signature(`${HEADER}.${payload}`).toString("base64url")}`;
  }

  async verify(token: string): Promise<TokenClaims> {
    const known = this.verified.get(token);
    if (known) {
      if (known.exp <= this.nowSeconds()) throw expired();
      return { ...known.claims, roles: [...known.claims.roles] };
    }
    const [header, body, signature, ...rest] = token.split(".");
    if (!header || !body || signature === undefined || rest.length > 0) throw invalid();
    // Only HS256 is accepted, whatever the token says (no `none`, no key confusion).
    if (parseJson(header)?.alg !== "HS256") throw invalid();
    const expected = this.signature(`${header}.${body}`);
    const given = Buffer.from(signature, "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    const payload = parseJson(body);
    if (!payload || payload.iss !== ISSUER) throw invalid();
    // Tokens issued before sessions had versions carry none: they count as version 0.
    const { sub, email, name, roles, exp, sessionVersion = 0 } = payload;
    if (typeof exp !== "number" || exp <= this.nowSeconds()) throw expired();
    if (typeof sub !== "string" || typeof email !== "string" || typeof name !== "string") throw invalid();
    if (!Array.isArray(roles) || !roles.every((role) => typeof role === "string")) throw invalid();
    if (!Number.isSafeInteger(sessionVersion) || (sessionVersion as number) < 0) throw invalid();
    const claims = { sub, email, name, roles: [...roles], sessionVersion: sessionVersion as number };
    if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { claims, exp });
    return { ...claims, roles: [...roles] };
  }

  private signature(signingInput: string): Buffer {
    return createHmac("sha256", this.options.secret).update(signingInput).digest();
  }

  private nowSeconds(): number {
    return Math.floor(this.options.clock.now().getTime() / 1000);
  }
}
