import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import type { RegisteredRoute } from '../../../src/http/route-list.js';
import { JObj, Raw, jsonText, nested, replaceSlot, slotCount, stringSlots, type J } from './json.js';
import { schemaArb } from './schema-arb.js';

// The requests of the fuzz suite, generated per route from the schemas the route validates
// with: a body, path and query the schema accepts, then — most of the time — broken the way a
// hostile client breaks it. Each request carries the names of the classes it exercises, so a
// run can say what it covered.

export type Caller = 'none' | 'garbage' | 'own' | 'other' | 'admin';

export interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[]>;
  readonly payload?: string | Buffer;
  readonly caller: Caller;
  /** The classes this request exercises (for the run's figures and the counterexample). */
  readonly classes: readonly string[];
}

/** What the generators need to know about the fixtures: ids that mean something to the service. */
export interface FuzzWorld {
  /** Values of path parameters by name, per caller (ids of the caller's own project first). */
  readonly params: (caller: Caller, name: string, url: string) => readonly string[];
  /** Strings for body and query values: names, types, zones, flavors, ids. */
  readonly pool: readonly string[];
}

// ---------------------------------------------------------------- hostile values

/** Numbers past every integer range, and number-like text that is not a number. */
export const EXTREME_NUMBERS: readonly Raw[] = [
  '9223372036854775807', '9223372036854775808', '-9223372036854775809', '18446744073709551616', '2147483648', '-2147483649',
  '4294967296', '1e309', '-1e309', '1e-400', '-0', '-0.0', '0.5', '1.0', '1E3', '123456789012345678901234567890', '-1',
].map((t) => new Raw(t));
export const NUMBERISH_STRINGS: readonly string[] = [
  'NaN', '-NaN', 'Infinity', '-Infinity', '1e309', '-0', '0x10', '0b1', '1_000', ' 1', '1 ', '+1', '١٢', '９', '9223372036854775808', '', '00', '1.', '.5',
];
/** Names JavaScript objects already have: a lookup that is not an own-property lookup finds them. */
export const PROTO_KEYS: readonly string[] = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__', 'isPrototypeOf'];
/** Text that is legal Unicode but odd: NUL and controls, bidi overrides, BOM, combining marks, astral characters. */
export const ODD_STRINGS: readonly string[] = [
  '\u202egnp.exe', '\u200f\u200e', '\ufeff', 'e\u0301\u0301\u0301', '😀👩‍👩‍👧', '\u{10ffff}', '\t\r\n', ' ', '',
  '../../etc/passwd', '%00', '%2e%2e', "'; drop table hosts; --", '<script>x</script>', '${x}', '\\', '"', 'ǅǈ', 'İı', 'ß',
];
/** JSON escapes of lone UTF-16 surrogates: valid JSON text, not representable as UTF-8. */
export const LONE_SURROGATES: readonly Raw[] = ['"\\ud800"', '"x\\udc00"', '"\\ud83d"', '"a\\udfffb"', '"\\udc00\\ud800"'].map((t) => new Raw(t));
const WRONG_TYPES: readonly J[] = [true, false, null, [], new JObj([]), [1, 'a'], new JObj([['a', 1]]), 0, 'x'];

const longString = fc.constantFrom(256, 1025, 4096, 70_000).map((n) => 'x'.repeat(n));
/** NUL in a string: legal JSON and Unicode, but PostgreSQL's text cannot hold it. */
export const NUL_STRINGS: readonly string[] = ['\u0000', 'a\u0000b', '\u0000\u0000'];
/** Nesting past the parser's bound (32; the outer body adds its own levels), and just inside it. */
const deep = fc.tuple(fc.constantFrom(33, 100, 2000, 20_000), fc.constantFrom('object' as const, 'array' as const)).map(([d, k]) => nested(d, k));
const nearLimit = fc.tuple(fc.constantFrom(4, 16, 24), fc.constantFrom('object' as const, 'array' as const)).map(([d, k]) => nested(d, k));

/** Classes of hostile values that are text. */
const TEXT_CLASSES = new Set(['numberish-string', 'odd-unicode', 'lone-surrogate', 'long-string', 'nul-char']);

/** A hostile value with its class. */
const hostileValue: fc.Arbitrary<[J, string]> = fc.oneof(
  fc.constantFrom(...EXTREME_NUMBERS).map((v) => [v, 'extreme-number'] as [J, string]),
  fc.constantFrom(...NUMBERISH_STRINGS).map((v) => [v, 'numberish-string'] as [J, string]),
  fc.constantFrom(...WRONG_TYPES).map((v) => [v, 'wrong-type'] as [J, string]),
  fc.constantFrom(...ODD_STRINGS).map((v) => [v, 'odd-unicode'] as [J, string]),
  fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\ufffd')).map((v) => [v, 'odd-unicode'] as [J, string]),
  fc.constantFrom(...LONE_SURROGATES).map((v) => [v, 'lone-surrogate'] as [J, string]),
  longString.map((v) => [v, 'long-string'] as [J, string]),
  deep.map((v) => [v, 'deep-nesting'] as [J, string]),
  nearLimit.map((v) => [v, 'nesting'] as [J, string]),
  fc.constantFrom(...NUL_STRINGS).map((v) => [v, 'nul-char'] as [J, string]),
  fc.constantFrom(...PROTO_KEYS).map((k) => [new JObj([[k, new JObj([['polluted', true]])], ['x', 'y']]), 'proto-key'] as [J, string]),
);

/** Whole bodies that are not JSON, or JSON no route expects. */
const MALFORMED_JSON: readonly string[] = [
  '{', '}', '[', '{"a":}', "{'a':1}", '{"a":1,}', '[1,2', 'nul', 'tru', '"unterminated', '{"a":1}{"b":2}', '{"a":1} x', '/* c */{}',
  '{"a":NaN}', '{"a":Infinity}', '{"a":01}', '{"a":0x10}', '{"a":"\\x41"}', '{"a":"\\u12"}', '{"a":"tab\there"}', '{a:1}', '{"a" 1}',
  'null', 'true', '0', '"string"', '[]', '{}', '[{}]', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}',
  '\ufeff{}', ' \n\t ', '{"a":1e309}', '{"a":-0}', '{"":""}', '{"a":1,"a":2}',
];

/** Byte sequences that are not UTF-8: encoded surrogates, overlong forms, truncated sequences, Latin-1. */
const BAD_BYTES: readonly number[][] = [
  [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xff, 0xfe], [0xc3], [0xe9], [0xf4, 0x90, 0x80, 0x80],
];

// ---------------------------------------------------------------- bodies

interface Body { readonly payload?: string | Buffer; readonly contentType?: string; readonly extraHeaders?: Record<string, string>; readonly classes: readonly string[] }

function bodyArb(route: RegisteredRoute, world: FuzzWorld): fc.Arbitrary<Body> {
  const valid = schemaArb(route.schema.body, { pool: world.pool });
  const json = (v: J, classes: string[]): Body => ({ payload: jsonText(v), contentType: 'application/json', classes });
  return fc.oneof(
    { weight: 4, arbitrary: valid.map((v) => json(v, ['body:schema-valid'])) },
    // One member of a valid body replaced, or given a sibling, by a hostile value. Text goes
    // where the schema expects text (a string member), so that only its content is hostile and
    // it travels past validation into the services and the store.
    { weight: 8, arbitrary: fc.tuple(valid, fc.nat(), hostileValue, fc.boolean()).map(([v, at, [bad, cls], sibling]) => {
      const strings = TEXT_CLASSES.has(cls) ? stringSlots(v) : [];
      if (strings.length > 0) return json(replaceSlot(v, strings[at % strings.length], () => bad), [`body:${cls}`]);
      const slot = at % slotCount(v);
      const out = sibling
        ? replaceSlot(v, slot, (old) => (old instanceof JObj ? new JObj([...old.entries, [cls === 'proto-key' ? '__proto__' : 'fuzz', bad]]) : bad))
        : replaceSlot(v, slot, () => bad);
      return json(out, [`body:${cls}`]);
    }) },
    // Prototype-named keys as members of a valid body (as an object's own keys, not values).
    { weight: 2, arbitrary: fc.tuple(valid, fc.nat(), fc.constantFrom(...PROTO_KEYS), fc.oneof(fc.constantFrom<J>('v', 1, null), valid)).map(([v, at, key, x]) =>
      json(replaceSlot(v, at % slotCount(v), (old) => (old instanceof JObj ? new JObj([[key, x], ...old.entries]) : new JObj([[key, x]]))), ['body:proto-key'])) },
    // Duplicate members: the same key twice with different values.
    { weight: 1, arbitrary: valid.map((v) => (v instanceof JObj && v.entries.length > 0 ? new JObj([...v.entries, [v.entries[0][0], 'dup']]) : v)).map((v) => json(v, ['body:duplicate-key'])) },
    { weight: 2, arbitrary: fc.constantFrom(...MALFORMED_JSON).map((t) => ({ payload: t, contentType: 'application/json', classes: ['body:malformed-json'] })) },
    { weight: 2, arbitrary: fc.tuple(valid, fc.constantFrom(...BAD_BYTES)).map(([v, bytes]) => {
      // The bad bytes inside the first string of a valid body, where a decoder would substitute U+FFFD.
      const text = jsonText(v);
      const at = text.indexOf('"') + 1;
      const payload = at > 0 ? Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bytes), Buffer.from(text.slice(at))])
        : Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from('"}')]);
      return { payload, contentType: 'application/json', classes: ['body:bad-utf8'] };
    }) },
    { weight: 1, arbitrary: valid.map((v) => ({ payload: gzipSync(jsonText(v)), contentType: 'application/json', extraHeaders: { 'content-encoding': 'gzip' }, classes: ['encoding:gzip'] })) },
    { weight: 1, arbitrary: valid.map((v) => ({ payload: jsonText(v), contentType: 'application/json', extraHeaders: { 'content-encoding': 'gzip' }, classes: ['encoding:gzip-claimed'] })) },
    { weight: 1, arbitrary: valid.map((v) => ({ payload: Buffer.from(jsonText(v).replace(/"[^"]*"/, '"é"'), 'latin1'), contentType: 'application/json; charset=latin1', classes: ['encoding:latin1'] })) },
    { weight: 1, arbitrary: valid.map((v) => ({ payload: Buffer.from(jsonText(v), 'utf16le'), contentType: 'application/json; charset=utf-16', classes: ['encoding:utf16'] })) },
    { weight: 2, arbitrary: fc.tuple(valid, fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx', 'APPLICATION/JSON', 'application/merge-patch+json', 'application/json, text/plain', ''))
      .map(([v, ct]) => ({ payload: jsonText(v), contentType: ct, classes: ['header:content-type'] })) },
    { weight: 1, arbitrary: fc.constant({ classes: ['body:absent'] }) },
    { weight: 1, arbitrary: fc.constant({ payload: '', contentType: 'application/json', classes: ['body:empty'] }) },
  );
}

// ---------------------------------------------------------------- paths and queries

/** Path segments that are not what the route expects. */
const BAD_SEGMENTS: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.constantFrom('%', '%zz', '%e0%80', '%ed%a0%80', '%c0%af', '%ff', '%', '%%', '%u0041').map((s) => [s, 'path:bad-escape'] as [string, string]),
  fc.constantFrom('%00', '%2F', '%2e%2e', '..', '.', '%20', '%E2%80%AE', '%F0%9F%98%80').map((s) => [s, 'path:odd-escape'] as [string, string]),
  fc.constantFrom(...PROTO_KEYS).map((s) => [s, 'path:proto-key'] as [string, string]),
  fc.constantFrom(501, 2000, 9000).map((n) => ['a'.repeat(n), 'path:long-param'] as [string, string]),
  fc.constantFrom(...NUMBERISH_STRINGS.filter(Boolean), ...ODD_STRINGS.filter(Boolean), ...NUL_STRINGS, '-1', '0', '99999999999999999999').map((s) => [encodeURIComponent(s), 'path:odd-id'] as [string, string]),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((s) => [encodeURIComponent(s), 'path:odd-id'] as [string, string]),
  fc.uuid().map((s) => [s, 'path:unknown-id'] as [string, string]),
);

function pathArb(route: RegisteredRoute, caller: Caller, world: FuzzWorld, hostile: boolean): fc.Arbitrary<{ url: string; classes: string[] }> {
  const names = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  const values = names.map((name) => {
    const known = world.params(caller, name, route.url);
    const good = known.length > 0 ? fc.constantFrom(...known).map((v) => [encodeURIComponent(v), ''] as [string, string])
      : fc.uuid().map((v) => [v, ''] as [string, string]);
    return hostile ? fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: BAD_SEGMENTS }) : good;
  });
  const shape = fc.constantFrom<[(p: string) => string, string]>(
    [(p) => p, ''], [(p) => p, ''], [(p) => p, ''], [(p) => p, ''], [(p) => p, ''], [(p) => p, ''],
    [(p) => `${p}/`, 'path:trailing-slash'], [(p) => `/${p}`, 'path:double-slash'], [(p) => p.replace(/\//g, '//'), 'path:double-slash'],
    [(p) => `${p}/extra`, 'path:extra-segment'], [(p) => p.toUpperCase(), 'path:case'], [(p) => `${p};x=1`, 'path:matrix-param'],
    [(p) => p.replace(/^\/v3/, '/identity/v3'), 'path:identity-prefix'], [(p) => `${p}%`, 'path:bad-escape'],
  );
  return fc.tuple(fc.tuple(...values), hostile ? shape : fc.constant<[(p: string) => string, string]>([(p) => p, ''])).map(([vs, [f, cls]]) => {
    let i = 0;
    const filled = route.url.replace(/:[A-Za-z0-9_]+/g, () => vs[i++][0]);
    return { url: f(filled), classes: [...vs.map((v) => v[1]), cls].filter(Boolean) };
  });
}

/** Query parameters the routes read (src/http/query.ts callers), besides any querystring schema. */
export const QUERY_NAMES: readonly string[] = [
  'limit', 'marker', 'offset', 'page', 'per_page', 'name', 'enabled', 'domain_id', 'project_id', 'user.id', 'group.id', 'role.id',
  'scope.project.id', 'scope.domain.id', 'scope.OS-INHERIT:inherited_to', 'effective', 'include_names', 'changes-since', 'changes_since',
  'flavor', 'image', 'status', 'state', 'ip', 'host_type', 'host_type_name', 'availability_zone', 'dedicated_host_id', 'instance_uuid',
  'tags', 'tenant', 'visibility', 'minRam', 'minDisk', 'sort_key', 'sort_dir', 'all_tenants', 'detail', 'nocatalog', 'id',
];

function queryArb(route: RegisteredRoute, world: FuzzWorld): fc.Arbitrary<{ query: string; classes: string[] }> {
  const schemaNames = Object.keys(((route.schema.querystring ?? {}) as { properties?: object }).properties ?? {});
  const name = fc.constantFrom(...new Set([...schemaNames, ...QUERY_NAMES]));
  const value: fc.Arbitrary<[string, string]> = fc.oneof(
    { weight: 3, arbitrary: fc.oneof(fc.constantFrom('1', '10', '0', 'true', 'false', 'asc', 'desc', '2024-01-01T00:00:00Z', 'k=v'), fc.constantFrom(...world.pool)).map((v) => [encodeURIComponent(v), ''] as [string, string]) },
    { weight: 2, arbitrary: fc.constantFrom(...EXTREME_NUMBERS.map((r) => r.text), ...NUMBERISH_STRINGS).map((v) => [encodeURIComponent(v), 'query:extreme-number'] as [string, string]) },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_STRINGS, ...PROTO_KEYS, ...NUL_STRINGS).map((v) => [encodeURIComponent(v), 'query:odd-value'] as [string, string]) },
    { weight: 1, arbitrary: fc.constantFrom('%zz', '%', '%ed%a0%80', '%c0%af', '%ff', 'a%00b').map((v) => [v, 'query:bad-escape'] as [string, string]) },
    { weight: 1, arbitrary: longString.map((v) => [v, 'query:long-value'] as [string, string]) },
  );
  const pair = fc.tuple(name, value, fc.boolean()).map(([n, [v, cls], twice]) => ({
    text: twice ? `${encodeURIComponent(n)}=${v}&${encodeURIComponent(n)}=${v}x` : `${encodeURIComponent(n)}=${v}`,
    classes: [cls, twice ? 'query:repeated' : ''].filter(Boolean),
  }));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant({ query: '', classes: [] as string[] }) },
    { weight: 3, arbitrary: fc.array(pair, { minLength: 1, maxLength: 4 }).map((ps) => ({ query: `?${ps.map((p) => p.text).join('&')}`, classes: ps.flatMap((p) => p.classes) })) },
    { weight: 1, arbitrary: fc.constantFrom('?', '?&&', '?=', '?limit', '?__proto__[x]=1', '?constructor=1&toString=2', '?a[b][c]=1', `?${'x=1&'.repeat(2000)}`).map((q) => ({ query: q, classes: ['query:odd-shape'] })) },
  );
}

// ---------------------------------------------------------------- headers, methods, callers

const ODD_HEADERS: fc.Arbitrary<[Record<string, string | string[]>, string]> = fc.oneof(
  fc.constantFrom<Record<string, string>>(
    { accept: 'text/html' }, { accept: 'application/json;q=0' }, { accept: '*/*' }, { accept: 'application/xml, application/json;q=0.1' },
  ).map((h) => [h, 'header:accept'] as [Record<string, string>, string]),
  fc.constantFrom(1000, 16_000, 80_000).map((n) => [{ 'x-fuzz': 'a'.repeat(n) }, 'header:huge'] as [Record<string, string>, string]),
  fc.constantFrom<Record<string, string>>(
    { 'x-client-token': 'x'.repeat(300) }, { 'x-client-token': '' }, { 'x-client-token': '__proto__' }, { 'x-client-token': 'constructor' },
    { 'openstack-api-version': 'compute 2.999' }, { 'openstack-api-version': 'compute latest' }, { 'openstack-api-version': 'compute abc' },
    { 'x-openstack-nova-api-version': '2.1000000000000000000' }, { 'x-openstack-nova-api-version': '-2.1' }, { 'x-openstack-nova-api-version': 'NaN' },
    { 'x-subject-token': 'garbage' }, { 'if-match': '*' }, { 'content-encoding': 'br' }, { 'transfer-encoding': 'chunked' },
    { 'x-forwarded-for': '::1, 300.1.1.1' }, { 'x-http-method-override': 'DELETE' }, { 'content-language': 'ar' },
  ).map((h) => [h, 'header:odd-value'] as [Record<string, string>, string]),
  fc.constantFrom<Record<string, string[]>>(
    { 'content-type': ['application/json', 'text/plain'] }, { accept: ['application/json', 'text/html'] }, { 'x-client-token': ['a', 'b'] },
    { 'openstack-api-version': ['compute 2.1', 'compute 2.60'] },
  ).map((h) => [h, 'header:duplicate'] as [Record<string, string[]>, string]),
);

const OTHER_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'MKCOL', 'LOCK', 'SEARCH', 'PURGE'];

/**
 * Which part of a request is hostile. `scatter` breaks any number of parts at once; the others
 * break exactly one and keep the rest clean (a caller who may call the route, its own ids, a
 * body its schema accepts), so that the broken part reaches the code behind every other gate.
 */
export type Focus = 'scatter' | 'clean' | 'body' | 'path' | 'query' | 'header' | 'method' | 'auth';
const FOCUS: readonly (readonly [Focus, number])[] = [['scatter', 4], ['clean', 2], ['body', 6], ['path', 2], ['query', 2], ['header', 1], ['method', 1], ['auth', 2]];

const GARBAGE_TOKENS = ['x', 'gAAAAA'.padEnd(180, 'A'), '00000000-0000-4000-8000-000000000000', 'a'.repeat(5000), '%ff', ' ', '__proto__'];

export function requestArb(route: RegisteredRoute, world: FuzzWorld, tokens: (c: Caller) => string | undefined): fc.Arbitrary<FuzzRequest> {
  // The caller who may call the route: the admin for identity and operator routes, the tenant otherwise.
  const adminRoute = /^\/(identity|v3|opendeh\/v1)/.test(route.url);
  const entitled = fc.constantFrom<Caller>(...(adminRoute ? ['admin', 'admin', 'admin', 'own'] as const : ['own', 'own', 'own', 'admin'] as const));
  const anyCaller = fc.constantFrom<Caller>('own', 'own', 'own', 'own', 'other', 'other', 'admin', 'admin', 'none', 'garbage');
  const hostileCaller = fc.constantFrom<Caller>('other', 'other', 'none', 'garbage', 'own');
  // A body is only sent with a method that carries one; elsewhere a hostile body would be a wasted run.
  const takesBody = ['POST', 'PUT', 'PATCH'].includes(route.method) || route.schema.body !== undefined;
  const focusArb = fc.oneof(...FOCUS.filter(([f]) => takesBody || f !== 'body').map(([f, weight]) => ({ weight, arbitrary: fc.constant(f) })));
  return focusArb.chain((focus) => {
    const hostile = (part: Focus) => focus === 'scatter' || focus === part;
    const callerArb = focus === 'scatter' ? anyCaller : focus === 'auth' ? hostileCaller : entitled;
    return callerArb.chain((who) => fc.record({
      path: pathArb(route, who, world, hostile('path')),
      query: hostile('query') ? queryArb(route, world) : fc.constant({ query: '', classes: [] as string[] }),
      body: hostile('body') ? bodyArb(route, world) : schemaArb(route.schema.body, { pool: world.pool }).map((v): Body => ({ payload: jsonText(v), contentType: 'application/json', classes: ['body:schema-valid'] })),
      method: hostile('method') ? fc.oneof({ weight: focus === 'method' ? 1 : 12, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) }) : fc.constant(route.method),
      headers: hostile('header') ? fc.oneof({ weight: focus === 'header' ? 0 : 4, arbitrary: fc.constant<[Record<string, string | string[]>, string]>([{}, '']) }, { weight: 1, arbitrary: ODD_HEADERS })
        : fc.constant<[Record<string, string | string[]>, string]>([{}, '']),
      token: who === 'garbage' ? fc.constantFrom(...GARBAGE_TOKENS).map((t) => [t]) : fc.constant([tokens(who)]),
      // A second, conflicting token header now and then: the first must not be trusted blindly.
      dupToken: hostile('auth') ? fc.constantFrom(false, false, false, true) : fc.constant(false),
    }).map(({ path, query, body, method, headers: [extra, hcls], token: [tok], dupToken }) => {
      const withBody = body.payload !== undefined && method !== 'GET' && method !== 'HEAD';
      const headers: Record<string, string | string[]> = {
        ...(withBody && body.contentType !== undefined && { 'content-type': body.contentType }),
        ...body.extraHeaders,
        ...extra,
      };
      if (tok !== undefined) headers['x-auth-token'] = dupToken ? [tok, 'garbage-token'] : tok;
      const classes = [
        `focus:${focus}`, `auth:${who}`, ...path.classes, ...query.classes, ...(withBody ? body.classes : []), ...(hcls ? [hcls] : []),
        ...(method !== route.method ? ['method:other'] : []), ...(dupToken && tok !== undefined ? ['header:duplicate-token'] : []),
      ];
      return { method, url: path.url + query.query, headers, ...(withBody && { payload: body.payload }), caller: who, classes };
    }));
  });
}

/** Shortened for a counterexample message. */
export function describeRequest(r: FuzzRequest): string {
  const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…(${s.length} chars)` : s);
  const payload = r.payload === undefined ? '' : Buffer.isBuffer(r.payload) ? ` body(bytes)=${cut(r.payload.toString('hex'))}` : ` body=${cut(r.payload)}`;
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, k === 'x-auth-token' ? `<${r.caller}>` : [v].flat().map((x) => cut(String(x)))]));
  return `${r.method} ${cut(r.url)} as ${r.caller} headers=${JSON.stringify(headers)}${payload} [${r.classes.join(' ')}]`;
}
