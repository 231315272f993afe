export interface TokenClaims {
  sub: string;
  email: string;
  name: string;
  roles: string[];
}

/** Issues and verifies bearer tokens; `verify` throws UnauthenticatedError (INVALID_TOKEN / TOKEN_EXPIRED). */
export interface TokenIssuer {
  issue(claims: TokenClaims): Promise<string>;
  verify(token: string): Promise<TokenClaims>;
}
