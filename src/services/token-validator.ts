import type { AuthContext } from './identity.js';

// The one question authentication asks: who is this token? Answered by the embedded identity
// (IdentityService, tokens in our own database) or by an external Keystone
// (ExternalKeystone, `GET /v3/auth/tokens`). The authentication hook holds one of the two and
// every API (DeH, compute, CTS, operator) sees the same AuthContext either way.

export interface TokenValidator {
  /**
   * The context of a valid token. @raises Unauthorized when the token is unknown, expired or
   * revoked; with an external Keystone also Unavailable (503), BadGateway (502) or
   * GatewayTimeout (504) when that Keystone cannot answer the question.
   */
  validate(token: string): Promise<AuthContext>;
}
