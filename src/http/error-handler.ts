import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { DomainError, ErrorCodes, PolicyDenied, type ErrorCode } from '../domain/errors.js';
import { familyOfPath, type Family } from './route-policy.js';

// The ONLY place where an error becomes an HTTP status and a body.
// One table maps domain codes to statuses; one function shapes the body for the API family
// the request belongs to: OTC DeH (`{"error":{"code":"DEH.xxxx","message":…}}`), Keystone
// (`{"error":{"code":401,"title":…,"message":…}}`) or Nova (`{"itemNotFound":{"code":404,"message":…}}`).
// A 5xx never carries a stack trace or a driver message, only the request id.

export const STATUS_OF: Record<ErrorCode, number> = {
  [ErrorCodes.BadRequest]: 400,
  [ErrorCodes.InvalidParameter]: 400,
  [ErrorCodes.InvalidMarker]: 400,
  [ErrorCodes.TooManyTags]: 400,
  [ErrorCodes.Unauthorized]: 401,
  [ErrorCodes.Forbidden]: 403,
  [ErrorCodes.QuotaExceeded]: 403,
  [ErrorCodes.InsufficientResources]: 403,
  [ErrorCodes.FlavorNotAllowed]: 409,
  [ErrorCodes.NotFound]: 404,
  [ErrorCodes.HostTypeNotFound]: 404,
  [ErrorCodes.MethodNotAllowed]: 405,
  [ErrorCodes.NotAcceptable]: 406,
  [ErrorCodes.RequestTimeout]: 408,
  [ErrorCodes.HostInUse]: 409,
  [ErrorCodes.Conflict]: 409,
  [ErrorCodes.InsufficientCapacity]: 409,
  [ErrorCodes.InvalidState]: 409,
  [ErrorCodes.ConcurrentUpdate]: 409,
  [ErrorCodes.IdempotencyMismatch]: 409,
  [ErrorCodes.PreconditionFailed]: 412,
  [ErrorCodes.PayloadTooLarge]: 413,
  [ErrorCodes.UriTooLong]: 414,
  [ErrorCodes.HeadersTooLarge]: 431,
  [ErrorCodes.Internal]: 500,
  [ErrorCodes.NotImplemented]: 501,
  [ErrorCodes.Unavailable]: 503,
  [ErrorCodes.TooManyRequests]: 429,
  [ErrorCodes.BadGateway]: 502,
  [ErrorCodes.GatewayTimeout]: 504,
};

export type ApiFamily = Family;

/** The family of a request: its route's (route-policy.ts), or for an unmatched path, its leading segment. */
export function familyOf(req: FastifyRequest): ApiFamily {
  return req.routeOptions?.config?.policy?.family ?? familyOfPath(req.url);
}

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 408: 'Request Timeout', 409: 'Conflict', 412: 'Precondition Failed', 413: 'Payload Too Large',
  414: 'URI Too Long', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error',
  501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};
const NOVA_KEYS: Record<number, string> = {
  400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'itemNotFound', 405: 'methodNotAllowed',
  406: 'notAcceptable', 408: 'requestTimeout', 409: 'conflictingRequest', 412: 'preconditionFailed', 413: 'overLimit',
  414: 'badRequest', 429: 'overLimit', 431: 'badRequest', 500: 'computeFault',
  501: 'notImplemented', 503: 'serviceUnavailable',
};

export function errorBody(family: ApiFamily, status: number, code: ErrorCode, message: string, requestId: string): unknown {
  if (family === 'identity') return { error: { code: status, title: TITLES[status] ?? 'Error', message } };
  if (family === 'compute') return { [NOVA_KEYS[status] ?? 'computeFault']: { code: status, message } };
  return { error: { code, message }, request_id: requestId };
}

export function sendError(req: FastifyRequest, reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply {
  // Set here too, not only in the onRequest hook: errors the framework raises before any hook
  // runs (bad URL, over-long parameter) still carry the id their body and log line quote.
  reply.header('X-Openstack-Request-Id', req.id).header('X-Request-Id', req.id);
  const family = familyOf(req);
  if (status === 401 && family === 'identity') reply.header('WWW-Authenticate', `Keystone uri="${req.protocol}://${req.host}/identity"`);
  return reply.code(status).type('application/json').send(errorBody(family, status, code, message, String(req.id)));
}

/** Fastify's own errors (validation, body parsing, limits) mapped to our codes. */
function fromFastify(e: FastifyError): { status: number; code: ErrorCode; message: string } | null {
  if (e.validation) {
    const v = e.validation[0];
    const where = e.validationContext ?? 'request';
    const path = v?.instancePath ? v.instancePath.replace(/^\//, '').replace(/\//g, '.') : '';
    const extra = (v?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
    const detail = extra ? `unknown field "${extra}"` : `${path ? `"${path}" ` : ''}${v?.message ?? 'is invalid'}`;
    return { status: 400, code: ErrorCodes.BadRequest, message: `invalid ${where}: ${detail}` };
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: ErrorCodes.PayloadTooLarge, message: 'the request body is larger than the service accepts' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 400, code: ErrorCodes.BadRequest, message: 'the request body must be JSON (Content-Type: application/json)' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, code: ErrorCodes.BadRequest, message: e.message };
    default:
      break;
  }
  if (e instanceof SyntaxError || (e.statusCode === 400 && /JSON/i.test(e.message))) {
    return { status: 400, code: ErrorCodes.BadRequest, message: `the request body is not valid JSON: ${e.message}` };
  }
  if (e.statusCode === 408) return { status: 408, code: ErrorCodes.RequestTimeout, message: 'the request took too long to arrive' };
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode === 415 ? 400 : e.statusCode, code: ErrorCodes.BadRequest, message: e.message };
  }
  return null;
}

/**
 * Node's HTTP server reports a request it cannot parse (or that never arrived in time) before
 * Fastify has a request; the answer is written on the raw socket, through the same table and
 * shapes, with a request id. The family comes from the path of the request line when the
 * parser got that far (`rawPacket`); otherwise the DeH shape.
 * - a method token llhttp does not know (`FOO`, `BREW`) → 501, as for a known method the
 *   service implements nowhere (PROPFIND reaches the router and gets 501 there);
 * - request line + headers beyond Node's limit → 431;
 * - anything else that is not HTTP → 400; a stalled request → 408.
 */
export function answerClientError(err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const path = requestLinePath(Buffer.isBuffer(err.rawPacket) ? err.rawPacket : undefined);
  // An unknown method is 501 only on an otherwise well-formed request line; `HELLO` alone is not HTTP.
  const [code, message] = clientErrorOf(err.code === 'HPE_INVALID_METHOD' && path === undefined ? undefined : err.code);
  const status = STATUS_OF[code];
  const requestId = `req-${randomUUID()}`;
  const body = JSON.stringify(errorBody(path === undefined ? 'deh' : familyOfPath(path), status, code, message, requestId));
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
      `X-Openstack-Request-Id: ${requestId}\r\nX-Request-Id: ${requestId}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  } else {
    socket.destroy();
  }
}

function clientErrorOf(nodeCode: string | undefined): [ErrorCode, string] {
  switch (nodeCode) {
    case 'ERR_HTTP_REQUEST_TIMEOUT': return [ErrorCodes.RequestTimeout, 'the request took too long to arrive'];
    case 'HPE_INVALID_METHOD': return [ErrorCodes.NotImplemented, 'the request method is not implemented by this service'];
    case 'HPE_HEADER_OVERFLOW': return [ErrorCodes.HeadersTooLarge, 'the request line and headers are larger than the service accepts'];
    default: return [ErrorCodes.BadRequest, 'the request is not valid HTTP'];
  }
}

/** The path of a well-formed `METHOD SP /path SP HTTP/x.y` line at the start of what the parser saw. */
function requestLinePath(raw: Buffer | undefined): string | undefined {
  if (!raw) return undefined;
  const m = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32} (\/[^ \r\n]*) HTTP\/\d\.\d\r?\n/.exec(raw.subarray(0, 8192).toString('latin1'));
  return m ? m[1].split('?')[0] : undefined;
}

/**
 * Fastify's `frameworkErrors`: errors its router raises before a route or any hook runs.
 * Answered through the same table and shapes as every other error.
 */
export function answerFrameworkError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    sendError(req, reply, STATUS_OF[ErrorCodes.UriTooLong], ErrorCodes.UriTooLong, 'a path parameter is longer than the service accepts');
  } else if (err.code === 'FST_ERR_BAD_URL') {
    sendError(req, reply, 400, ErrorCodes.BadRequest, 'the path holds a malformed percent escape or bytes that are not UTF-8');
  } else {
    req.log.error({ err }, 'framework error');
    sendError(req, reply, 500, ErrorCodes.Internal, `internal error; quote request id ${req.id} to the operator`);
  }
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof DomainError) {
      const status = STATUS_OF[err.code] ?? 500;
      if (status >= 500) req.log.error({ err, code: err.code }, 'service fault');
      if (err.retryAfterSeconds !== undefined) reply.header('Retry-After', String(err.retryAfterSeconds));
      // Keystone words a policy refusal its own way (CONTRACT §9.5); the others name the action as OTC IAM does.
      const message = err instanceof PolicyDenied && familyOf(req) === 'identity'
        ? `You are not authorized to perform the requested action: ${err.action}.` : err.message;
      return sendError(req, reply, status, err.code, message);
    }
    const mapped = fromFastify(err);
    if (mapped) return sendError(req, reply, mapped.status, mapped.code, mapped.message);
    req.log.error({ err }, 'unhandled error');
    return sendError(req, reply, 500, ErrorCodes.Internal, `internal error; quote request id ${req.id} to the operator`);
  });
}
