// Domain errors carry a stable code; the HTTP status and wire shape are decided once, in
// http/error-handler.ts. Codes are append-only and never reused (docs/errors.md lists them).

export const ErrorCodes = {
  BadRequest: 'DEH.0001', // body or parameter malformed
  InvalidParameter: 'DEH.0018', // a value is out of its allowed set or range
  InvalidMarker: 'DEH.0019',
  Unauthorized: 'DEH.0401',
  Forbidden: 'DEH.0033',
  QuotaExceeded: 'DEH.0051',
  FlavorNotAllowed: 'DEH.0052',
  NotFound: 'DEH.0404',
  HostTypeNotFound: 'DEH.0405',
  HostInUse: 'DEH.0409',
  Conflict: 'DEH.0410',
  InsufficientCapacity: 'DEH.0411',
  InvalidState: 'DEH.0412',
  ConcurrentUpdate: 'DEH.0413',
  IdempotencyMismatch: 'DEH.0414',
  PreconditionFailed: 'DEH.0415',
  TooManyTags: 'DEH.0020',
  NotAcceptable: 'DEH.0406',
  MethodNotAllowed: 'DEH.0407',
  PayloadTooLarge: 'DEH.0416',
  RequestTimeout: 'DEH.0408',
  NotImplemented: 'DEH.0501',
  Unavailable: 'DEH.0503',
  Internal: 'DEH.0500',
  TooManyRequests: 'DEH.0429', // an abuse limit (request rate, failed logins) was reached
  BadGateway: 'DEH.0502', // the external Keystone answered something that is not a Keystone answer
  GatewayTimeout: 'DEH.0504', // the external Keystone did not answer in time
  UriTooLong: 'DEH.0417', // a path parameter longer than the router takes
  HeadersTooLarge: 'DEH.0418', // request line + headers beyond Node's header limit
  InsufficientResources: 'DEH.0053', // the physical pool has too few free servers of the type in the AZ
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Seconds after which a retry may succeed; sent as `Retry-After` (503, 429). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequest extends DomainError {
  constructor(message: string, code: ErrorCode = ErrorCodes.BadRequest) {
    super(code, message);
  }
}
export class NotFound extends DomainError {
  constructor(message: string, code: ErrorCode = ErrorCodes.NotFound) {
    super(code, message);
  }
}
export class Unauthorized extends DomainError {
  constructor(message = 'The request you have made requires authentication.') {
    super(ErrorCodes.Unauthorized, message);
  }
}
export class Forbidden extends DomainError {
  constructor(message: string, code: ErrorCode = ErrorCodes.Forbidden) {
    super(code, message);
  }
}
/** The caller's policies do not allow the route's IAM action (CONTRACT §9.5). */
export class PolicyDenied extends Forbidden {
  constructor(readonly action: string) {
    super(`Policy doesn't allow ${action} to be performed.`);
  }
}
export class QuotaExceeded extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCodes.QuotaExceeded, message, details);
  }
}
export class Conflict extends DomainError {
  constructor(message: string, code: ErrorCode = ErrorCodes.Conflict) {
    super(code, message);
  }
}
export class InsufficientCapacity extends DomainError {
  constructor(message: string) {
    super(ErrorCodes.InsufficientCapacity, message);
  }
}
/**
 * Too few free physical servers of a host type in an AZ for an allocation (the physical pool;
 * nothing is allocated). 403 as the reference's allocate answers an insufficient resource.
 */
export class InsufficientResources extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCodes.InsufficientResources, message, details);
  }
}
export class InvalidState extends DomainError {
  constructor(message: string) {
    super(ErrorCodes.InvalidState, message);
  }
}
/** A compare-and-swap on a generation lost; retried by the store, surfaced only when retries run out. */
export class ConcurrentUpdate extends DomainError {
  constructor(message = 'The resource was changed by another request; try again.') {
    super(ErrorCodes.ConcurrentUpdate, message);
  }
}
export class PreconditionFailed extends DomainError {
  constructor(message: string) {
    super(ErrorCodes.PreconditionFailed, message);
  }
}
/** Seconds a client is told to wait (Retry-After) when a dependency cannot be reached. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** The database or the external Keystone is unreachable; a retry later may succeed (HTTP 503 + Retry-After). */
export class Unavailable extends DomainError {
  constructor(message = 'The service is temporarily unavailable; try again.', retryAfterSeconds = UNAVAILABLE_RETRY_AFTER_SECONDS) {
    super(ErrorCodes.Unavailable, message, undefined, retryAfterSeconds);
  }
}
/** An abuse limit was reached (HTTP 429 + Retry-After). */
export class TooManyRequests extends DomainError {
  constructor(message: string, retryAfterSeconds: number) {
    super(ErrorCodes.TooManyRequests, message, undefined, Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}
/** An upstream (the external Keystone) answered something that is not a valid answer (HTTP 502). */
export class BadGateway extends DomainError {
  constructor(message: string) {
    super(ErrorCodes.BadGateway, message);
  }
}
/** An upstream (the external Keystone) did not answer within its timeout (HTTP 504). */
export class GatewayTimeout extends DomainError {
  constructor(message: string) {
    super(ErrorCodes.GatewayTimeout, message);
  }
}
