import { sign, verify } from "hono/jwt";
import { UnauthenticatedError } from "../../domain/shared/errors.js";
import type { Clock } from "../../ports/clock.js";
import type { TokenClaims, TokenIssuer } from "../../ports/token-issuer.js";

const ISSUER = "orderflow";

/** HS256 JWTs signed with the runtime's secret (Cognito issues the tokens on AWS). */
export class JwtTokenIssuer implements TokenIssuer {
  constructor(private readonly options: { secret: string; clock: Clock; lifetimeSeconds?: number }) {}

  async issue(claims: TokenClaims): Promise<string> {
    const now = Math.floor(this.options.clock.now().getTime() / 1000);
    const exp = now + (this.options.lifetimeSeconds ?? 12 * 3600);
    return sign({ ...claims, iss: ISSUER, iat: now, exp }, this.options.secret, "HS256");
  }

  async verify(token: string): Promise<TokenClaims> {
    let payload: Record<string, unknown>;
    try {
      // Times are checked below against the injected clock, not the machine's.
      payload = await verify(token, this.options.secret, {
        alg: "HS256",
        iss: ISSUER,
        exp: false,
        nbf: false,
        iat: false,
      });
    } catch {
      throw new UnauthenticatedError("The bearer token is not valid", "INVALID_TOKEN");
    }
    const exp = payload.exp;
    if (typeof exp !== "number" || exp <= Math.floor(this.options.clock.now().getTime() / 1000)) {
      throw new UnauthenticatedError("Your session has expired; sign in again", "TOKEN_EXPIRED");
    }
    if (payload.iss !== ISSUER || typeof payload.sub !== "string" || !Array.isArray(payload.roles)) {
      throw new UnauthenticatedError("The bearer token is not valid", "INVALID_TOKEN");
    }
    return {
      sub: payload.sub,
      email: String(payload.email ?? ""),
      name: String(payload.name ?? ""),
      roles: payload.roles.map(String),
    };
  }
}
