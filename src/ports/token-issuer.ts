export interface TokenClaims {
  sub: string;
  email: string;
  name: string;
  roles: string[];
  /**
   * The account's session version when the token was issued (see User.sessionVersion). Absent on tokens
   * of an outside identity provider (Cognito), whose sessions that provider ends.
   */
  sessionVersion?: number;
}

/** Issues and verifies bearer tokens; `verify` throws UnauthenticatedError (INVALID_TOKEN / TOKEN_EXPIRED). */
export interface TokenIssuer {
  issue(claims: TokenClaims): Promise<string>;
  verify(token: string): Promise<TokenClaims>;
}
