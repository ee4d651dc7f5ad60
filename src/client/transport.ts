import { ApiError, ConnectionError, parseErrorBody } from './errors.js';

// One HTTP exchange with the service: JSON in, JSON out, X-Auth-Token, errors as ApiError.
// Only the global fetch is used, so the same compiled file runs in Node 20 and the browser.

export type Query = Record<string, string | number | undefined>;

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly query?: Query;
  readonly headers?: Record<string, string>;
}

export interface Reply<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export function withQuery(url: string, query: Query | undefined): string {
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${url}${url.includes('?') ? '&' : '?'}${s}` : url;
}

export async function send<T>(method: string, url: string, opts: RequestOptions = {}): Promise<Reply<T>> {
  const full = withQuery(url, opts.query);
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.token) headers['X-Auth-Token'] = opts.token;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(full, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  } catch (e) {
    throw new ConnectionError(full, e);
  }
  const text = await res.text();
  if (res.status >= 400) {
    const { code, message } = parseErrorBody(res.status, text);
    throw new ApiError(res.status, code, message, method, full, res.headers.get('x-openstack-request-id') ?? undefined);
  }
  let body: unknown;
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(res.status, 'BadResponse', `the service answered ${res.status} with a body that is not JSON`, method, full);
    }
  }
  return { status: res.status, headers: res.headers, body: body as T };
}
