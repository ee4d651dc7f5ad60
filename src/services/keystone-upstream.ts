import { BadGateway, GatewayTimeout, Unavailable } from '../domain/errors.js';

// One HTTP call to an external Keystone, with the failures every caller maps the same way:
// no answer in time → GatewayTimeout (504); no connection at all → Unavailable (503, Retry-After);
// an answer that is not HTTP/JSON, or a connection dropped mid-answer → BadGateway (502).
// Messages name the failure, never the URL, a header or a body: they reach clients.

export interface UpstreamAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body; undefined when empty. */
  readonly body: unknown;
}

/** Errors of the socket layer that mean "nothing listens there / no route to it". */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'UND_ERR_CONNECT_TIMEOUT']);
/** A Keystone answer (token body with its catalog) is a few kB; anything near this is not one. */
const MAX_BODY_BYTES = 1_048_576;

export async function keystoneCall(
  root: string, method: string, path: string, headers: Record<string, string>, timeoutMs: number, body?: unknown,
): Promise<UpstreamAnswer> {
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${root}/v3${path}`, {
      method, signal, redirect: 'manual',
      headers: { accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    text = await readCapped(res);
  } catch (e) {
    throw classify(e, signal);
  }
  if (text.trim() === '') return { status: res.status, headers: res.headers, body: undefined };
  try {
    return { status: res.status, headers: res.headers, body: JSON.parse(text) };
  } catch {
    throw new BadGateway(`the identity service answered HTTP ${res.status} with a body that is not JSON`);
  }
}

async function readCapped(res: Response): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw new BadGateway('the identity service answered with an oversized body');
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw new BadGateway('the identity service answered with an oversized body');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function classify(e: unknown, signal: AbortSignal): Error {
  if (e instanceof BadGateway) return e;
  if (signal.aborted || (e as Error)?.name === 'TimeoutError' || (e as Error)?.name === 'AbortError') {
    return new GatewayTimeout('the identity service did not answer in time');
  }
  const code = causeCode(e);
  if (code && UNREACHABLE.has(code)) return new Unavailable('the identity service cannot be reached; try again');
  return new BadGateway('the identity service closed the connection or did not answer in HTTP');
}

function causeCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 5; depth++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') return c;
    // AggregateError (several addresses tried): the first one tells.
    const errors = (cur as { errors?: unknown[] }).errors;
    cur = Array.isArray(errors) && errors.length > 0 ? errors[0] : (cur as { cause?: unknown }).cause;
  }
  return undefined;
}
