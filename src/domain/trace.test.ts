import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nextTraceId, REDACTED, scrubSecrets, traceBody, traceRequestBody, TRACE_BODY_MAX } from './trace.js';

// traceRequestBody keeps the client's own JSON text when scrubbing could not change it. The
// property: whatever the body and however it was written (indentation, \u escapes in keys or
// values), what is kept parses back to exactly the scrubbed body — never to more.

const KEYS = ['name', 'password', 'adminPass', 'user_data', 'metadata', 'token', 'id', 'key', 'value', 'Secret_Key', 'owner', 'auth'];

/** JSON text of `v` with every character of the chosen keys and strings written as \u escapes. */
function escapedJson(v: unknown, escape: (s: string) => boolean, indent: number): string {
  const text = JSON.stringify(v, null, indent);
  return text.replace(/"((?:[^"\\]|\\.)*)"/g, (whole, inner: string) => {
    if (inner.includes('\\') || !escape(inner)) return whole;
    return `"${[...inner].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`;
  });
}

test('the kept request text always parses to the scrubbed body', () => {
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null), fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 4 })),
  })).node;
  fc.assert(fc.property(fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 5 }), fc.func(fc.boolean()), fc.constantFrom(0, 2),
    (body, escape, indent) => {
      const text = escapedJson(body, escape, indent);
      const kept = traceRequestBody(JSON.parse(text), text);
      if (kept.length >= TRACE_BODY_MAX) return; // cut: no longer JSON
      assert.deepEqual(JSON.parse(kept), scrubSecrets(body));
      // traceBody (responses, bodies without their text) skips the walk when it can: same rule.
      assert.deepEqual(JSON.parse(traceBody(body)), scrubSecrets(body));
    }), { numRuns: 2000, seed: 4711 });
});

test('a secret behind an escaped key name is still removed', () => {
  const text = '{"server":{"name":"vm","admin\\u0050ass":"Esc-Pw-77"}}';
  const kept = traceRequestBody(JSON.parse(text), text);
  assert.ok(!kept.includes('Esc-Pw-77'), kept);
  assert.deepEqual(JSON.parse(kept), { server: { name: 'vm', adminPass: REDACTED } });
});

test('a body with no secret-like name is kept as the client wrote it; without its text it is serialised', () => {
  const text = '{ "server": { "name": "vm",\n "flavorRef": "c4.large.4" } }';
  assert.equal(traceRequestBody(JSON.parse(text), text), text);
  assert.equal(traceRequestBody(JSON.parse(text), undefined), traceBody(JSON.parse(text)));
  assert.equal(traceRequestBody({ a: 1 }, undefined), '{"a":1}');
});

test('trace ids written in one millisecond still increase', () => {
  let prev = nextTraceId(1_800_000_000_000);
  for (let i = 0; i < 5000; i++) {
    const id = nextTraceId(1_800_000_000_000);
    assert.ok(id > prev, `${id} after ${prev}`);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    prev = id;
  }
  // the next millisecond starts from its own time again
  const next = nextTraceId(1_800_000_000_001);
  assert.ok(next > prev);
  assert.equal(next.replace(/-/g, '').slice(0, 12), (1_800_000_000_001).toString(16).padStart(12, '0'));
});
