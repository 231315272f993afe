import { sign, verify } from "hono/jwt";
import { UnauthenticatedError } from "../../domain/shared/errors.js";
import type { Clock } from "../../ports/clock.js";
import type { TokenClaims, TokenIssuer } from "../../ports/token-issuer.js";

const ISSUER = "orderflow";
const DEFAULT_LIFETIME_SECONDS = 12 * 3600;

export interface JwtTokenIssuerOptions {
  /** HMAC key, at least 32 characters. */
  secret: string;
  clock: Clock;
  /** Token lifetime; 12 hours unless given. */
  lifetimeSeconds?: number;
}

const invalid = () => new UnauthenticatedError("The bearer token is not valid", "INVALID_TOKEN");

/** HS256 JWTs (issuer `orderflow`, `iat`/`exp` from the injected clock); Cognito issues the tokens on AWS. */
export class JwtTokenIssuer implements TokenIssuer {
  constructor(private readonly options: JwtTokenIssuerOptions) {
    if (options.secret.length < 32) throw new RangeError("The JWT secret must be at least 32 characters");
  }

  async issue(claims: TokenClaims): Promise<string> {
    const now = this.nowSeconds();
    const exp = now + (this.options.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS);
    return sign({ ...claims, iss: ISSUER, iat: now, exp }, this.options.secret, "HS256");
  }

  async verify(token: string): Promise<TokenClaims> {
    let payload: Record<string, unknown>;
    try {
      // Only the signature, algorithm and issuer here; times are checked below against the injected clock.
      payload = await verify(token, this.options.secret, {
        alg: "HS256",
        iss: ISSUER,
        exp: false,
        nbf: false,
        iat: false,
      });
    } catch {
      throw invalid();
    }
    const { sub, email, name, roles, exp } = payload;
    if (typeof exp !== "number" || exp <= this.nowSeconds()) {
      throw new UnauthenticatedError("Your session has expired; sign in again", "TOKEN_EXPIRED");
    }
    if (typeof sub !== "string" || typeof email !== "string" || typeof name !== "string") throw invalid();
    if (!Array.isArray(roles) || !roles.every((role) => typeof role === "string")) throw invalid();
    return { sub, email, name, roles };
  }

  private nowSeconds(): number {
    return Math.floor(this.options.clock.now().getTime() / 1000);
  }
}
