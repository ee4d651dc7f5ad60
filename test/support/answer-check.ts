import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { openApiPath } from '../../src/http/openapi/document.js';

// Checks answers against the app's own OpenAPI document (GET /openapi.json): the schema of
// the route's documented answer for that status (or its `default`, the family's error
// shape). buildTestApp installs it on every test app, so every answer the whole test suite
// provokes is checked, and a test app that saw a mismatch fails at close().

type Json = Record<string, any>;

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (!v) compiled.set(key, (v = ajv.compile(schema as object)));
  return v;
}

/** `#/components/schemas/X` → the schema (the document uses refs only at the top of a media type). */
function resolve(doc: Json, schema: Json): Json {
  const ref = schema.$ref as string | undefined;
  if (!ref) return schema;
  return ref.slice(2).split('/').reduce((o: Json, k) => o[k], doc);
}

export interface Answer {
  readonly method: string;
  /** The route's URL pattern as registered (`/v1.0/:project_id/…`). */
  readonly route: string;
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** Why an answer does not match the document, or null when it does. */
export function mismatch(doc: Json, a: Answer): string | null {
  const where = `${a.method} ${a.route} → ${a.status}`;
  const op = doc.paths?.[openApiPath(a.route)]?.[a.method.toLowerCase()] as Json | undefined;
  if (!op) return `${where}: the route is not in the document`;
  const res = (op.responses[String(a.status)] ?? op.responses.default) as Json | undefined;
  if (!res) return `${where}: status not documented`;
  if (!res.content) return a.body.length === 0 ? null : `${where}: documented without a body, answered ${a.body.slice(0, 200)}`;
  const json = res.content['application/json'] as Json | undefined;
  if (!json) return null; // text, HTML, assets: their media type is documented, their bytes are not checked
  if (!/^application\/([a-z0-9.+-]+\+)?json/i.test(a.contentType ?? '')) return `${where}: documented as JSON, answered ${a.contentType}`;
  let body: unknown;
  try {
    body = JSON.parse(a.body);
  } catch {
    return `${where}: the body is not JSON`;
  }
  const validate = validatorFor(resolve(doc, json.schema as Json));
  if (validate(body)) return null;
  const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
  return `${where}: ${errors} — body ${a.body.slice(0, 300)}`;
}

/** Checks every answer of a routed request; mismatches go to `found`. Install before app.ready(). */
export function installAnswerCheck(app: FastifyInstance, found: string[]): void {
  app.addHook('onSend', async (req, reply, payload) => {
    const route = req.routeOptions?.url;
    // Unrouted requests (404/405/501 before routing) and HEAD twins have no answer schema of their own.
    if (route === undefined || req.method === 'HEAD') return payload;
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : payload == null ? '' : null;
    if (body === null) return payload; // a stream (none of the JSON routes answers one)
    const ct = reply.getHeader('content-type');
    const m = mismatch(app.openApiDocument(), { method: req.method, route, status: reply.statusCode, contentType: ct === undefined ? undefined : String(ct), body });
    if (m) found.push(m);
    return payload;
  });
}
