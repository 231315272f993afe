import type { CognitoTokenVerifier } from "../../adapters/aws/cognito-token-verifier.js";
import type { TokenIssuer } from "../../ports/token-issuer.js";

/** The unverified `iss` claim of a JWT, to pick its verifier (the verifier then checks everything). */
function issuerOf(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as unknown;
    return typeof payload === "object" && payload && "iss" in payload ? String(payload.iss) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Bearer tokens on AWS: the app's own (POST /auth/sign-in, what the web app uses) and ID tokens of the
 * Cognito user pool (staff and integrations signing in with Cognito; roles from their groups).
 */
export function signInTokens(own: TokenIssuer, cognito: CognitoTokenVerifier | undefined): TokenIssuer {
  return {
    issue: (claims) => own.issue(claims),
    verify: async (token) => {
      if (cognito && issuerOf(token) === cognito.issuer) return cognito.verify(token);
      return own.verify(token);
    },
  };
}
