import { CognitoJwtVerifier } from "aws-jwt-verify";
import { JwtExpiredError } from "aws-jwt-verify/error";
import type { Jwks } from "aws-jwt-verify/jwk";
import { UnauthenticatedError } from "../../domain/shared/errors.js";
import { ROLES } from "../../domain/users/user.js";
import type { TokenClaims } from "../../ports/token-issuer.js";

/**
 * Verifies ID tokens of the shop's Cognito user pool (RS256, keys from the pool's JWKS, audience = the
 * web client) and reads the user's roles from their Cognito groups, which are named after the roles.
 */
export class CognitoTokenVerifier {
  private readonly verifier;
  /** The `iss` claim of this pool's tokens. */
  readonly issuer: string;

  constructor(options: { userPoolId: string; clientId: string; jwks?: Jwks }) {
    this.verifier = CognitoJwtVerifier.create({
      userPoolId: options.userPoolId,
      clientId: options.clientId,
      tokenUse: "id",
    });
    if (options.jwks) this.verifier.cacheJwks(options.jwks);
    const region = options.userPoolId.split("_")[0];
    this.issuer = `https://cognito-idp.${region}.amazonaws.com/${options.userPoolId}`;
  }

  async verify(token: string): Promise<TokenClaims> {
    let payload: Record<string, unknown>;
    try {
      payload = (await this.verifier.verify(token)) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof JwtExpiredError) {
        throw new UnauthenticatedError("Your session has expired; sign in again", "TOKEN_EXPIRED");
      }
      throw new UnauthenticatedError("The bearer token is not valid", "INVALID_TOKEN");
    }
    const groups = Array.isArray(payload["cognito:groups"]) ? (payload["cognito:groups"] as unknown[]) : [];
    const email = String(payload.email ?? "");
    return {
      sub: String(payload.sub),
      email,
      name: typeof payload.name === "string" ? payload.name : email,
      roles: groups.filter((group): group is string => (ROLES as readonly unknown[]).includes(group)),
    };
  }
}
