import type { LightMyRequestResponse } from 'fastify';
import type { FuzzRequest } from './requests.js';

// What must hold for every answer, whatever was sent. Written from the contract (CONTRACT,
// docs/errors.md), not from the code under test: the family of an answer follows from the path
// as the client wrote it, duplicate slashes collapsed (`//compute/…` is still compute).

export type Family = 'deh' | 'identity' | 'compute';

export function familyOfUrl(url: string): Family {
  const path = url.split('?')[0].replace(/\/{2,}/g, '/');
  if (/^\/(identity|v3|v3\.0)(\/|$)/.test(path)) return 'identity';
  if (/^\/compute(\/|$)/.test(path)) return 'compute';
  return 'deh';
}

const MUST_REFUSE = new Set(['body:bad-utf8', 'body:lone-surrogate', 'body:nul-char', 'body:deep-nesting']);
const IMPLEMENTED = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const REQUEST_ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// An escaped lone surrogate in JSON text: a high one not followed by a low one, or a low one alone.
const LONE_ESCAPE = /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i;

/** Problems of one answer (empty when it is fine). */
export function answerProblems(req: FuzzRequest, res: LightMyRequestResponse): string[] {
  const out: string[] = [];
  // 501 is the answer to a method the service implements nowhere (docs/errors.md): the
  // client's doing, not a fault. Every other 5xx — and a 501 for an implemented method — is.
  const notImplemented = res.statusCode === 501 && !IMPLEMENTED.has(req.method);
  if (res.statusCode >= 500 && !notImplemented) out.push(`server error ${res.statusCode}`);
  for (const h of ['x-openstack-request-id', 'x-request-id']) {
    if (!REQUEST_ID.test(String(res.headers[h] ?? ''))) out.push(`no request id in ${h} (${String(res.headers[h])})`);
  }
  // What the edge refuses for every route, whatever else the request holds (docs/errors.md,
  // DEH.0001): bytes that are not UTF-8, a lone surrogate, NUL, nesting past the bound.
  const refusedClass = req.classes.find((c) => MUST_REFUSE.has(c));
  if (refusedClass && res.statusCode < 400) out.push(`accepted (${res.statusCode}) a body the edge must refuse (${refusedClass})`);
  const text = res.body;
  if (res.statusCode >= 400 && req.method !== 'HEAD') out.push(...errorShapeProblems(familyOfUrl(req.url), res));
  if (req.method !== 'HEAD' && /^application\/json/.test(String(res.headers['content-type'] ?? '')) && text.length > 0) {
    try {
      JSON.parse(text);
    } catch {
      out.push('a JSON content type with a body that is not JSON');
    }
  }
  // Nothing the client sent is ever answered changed: a lone surrogate is refused, never
  // stored as U+FFFD or echoed. (A URL holding escapes of bytes that are not UTF-8 may
  // legitimately be quoted back decoded; every generated body and value is free of U+FFFD.)
  if (text.includes('\ufffd') && !/%[89a-f][0-9a-f]/i.test(req.url)) out.push('U+FFFD in the answer: some text was silently replaced');
  if (LONE_ESCAPE.test(text)) out.push('a lone UTF-16 surrogate in the answer');
  return out;
}

function errorShapeProblems(family: Family, res: LightMyRequestResponse): string[] {
  if (!/^application\/json/.test(String(res.headers['content-type'] ?? ''))) return [`error answer with content type ${String(res.headers['content-type'])}`];
  let body: any;
  try {
    body = JSON.parse(res.body);
  } catch {
    return ['error answer that is not JSON'];
  }
  const str = (v: unknown) => typeof v === 'string' && v.length > 0;
  const status = res.statusCode;
  if (family === 'deh') {
    const ok = body?.error && /^DEH\.\d{4}$/.test(body.error.code) && str(body.error.message) && body.request_id === res.headers['x-openstack-request-id'];
    return ok ? [] : [`not the DeH error shape {"error":{"code":"DEH.nnnn","message"},"request_id"}: ${res.body.slice(0, 200)}`];
  }
  if (family === 'identity') {
    const ok = body?.error && body.error.code === status && str(body.error.title) && str(body.error.message) && Object.keys(body).length === 1;
    return ok ? [] : [`not the Keystone error shape {"error":{"code":${status},"title","message"}}: ${res.body.slice(0, 200)}`];
  }
  const keys = body && typeof body === 'object' ? Object.keys(body) : [];
  const inner = keys.length === 1 ? body[keys[0]] : undefined;
  const ok = /^[a-z][A-Za-z]+$/.test(keys[0] ?? '') && inner?.code === status && str(inner?.message);
  return ok ? [] : [`not the Nova error shape {"<name>":{"code":${status},"message"}}: ${res.body.slice(0, 200)}`];
}

/** Ids of another tenant that appear in an answer although the request did not name them. */
export function leakedIds(req: FuzzRequest, res: LightMyRequestResponse, foreign: readonly string[]): string[] {
  const sent = `${req.url}\n${JSON.stringify(req.headers)}\n${req.payload === undefined ? '' : req.payload.toString()}`.toLowerCase();
  const answer = `${JSON.stringify(res.headers)}\n${res.body}`.toLowerCase();
  return foreign.filter((id) => answer.includes(id.toLowerCase()) && !sent.includes(id.toLowerCase()) && !sent.includes(encodeURIComponent(id).toLowerCase()));
}
