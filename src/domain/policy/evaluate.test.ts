import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compile, evaluate } from './evaluate.js';
import { isAction, parsePattern } from './action.js';
import type { Grant } from './types.js';

// The evaluator's rules, table-driven, then as properties over generated policies.

const policy = (...Statement: unknown[]): Grant => ({ id: 'p', name: 'custom', policy: { Version: '1.1', Statement } });
const allow = (...Action: string[]) => ({ Effect: 'Allow', Action });
const deny = (...Action: string[]) => ({ Effect: 'Deny', Action });
const decide = (grants: Grant[], action: string, owner = false) => evaluate(compile(grants, owner), action).allowed;

describe('policy evaluator', () => {
  const rows: [string, Grant[], string, boolean][] = [
    ['no grant: default deny', [], 'deh:dedicatedHosts:get', false],
    ['exact allow', [policy(allow('deh:dedicatedHosts:get'))], 'deh:dedicatedHosts:get', true],
    ['exact allow does not allow another op', [policy(allow('deh:dedicatedHosts:get'))], 'deh:dedicatedHosts:delete', false],
    ['deh:*:* allows every deh action', [policy(allow('deh:*:*'))], 'deh:dedicatedHostTags:create', true],
    ['deh:*:* does not allow ecs', [policy(allow('deh:*:*'))], 'ecs:servers:create', false],
    ['prefix wildcard get*', [policy(allow('deh:*:get*'))], 'deh:quotas:get', true],
    ['prefix wildcard get* vs list', [policy(allow('deh:*:get*'))], 'deh:dedicatedHosts:list', false],
    ['infix wildcard', [policy(allow('deh:dedicated*Tags:*'))], 'deh:dedicatedHostTags:list', true],
    ['type is case-insensitive', [policy(allow('deh:DEDICATEDHOSTS:GET'))], 'deh:dedicatedHosts:get', true],
    ['op glob is case-insensitive', [policy(allow('ecs:*:GET*'))], 'ecs:servers:getTags', true],
    ['service is case-sensitive', [policy(allow('DEH:*:*'))], 'deh:dedicatedHosts:get', false],
    ['deny wins over allow', [policy(allow('deh:*:*'), deny('deh:dedicatedHosts:delete'))], 'deh:dedicatedHosts:delete', false],
    ['deny in another grant wins', [policy(allow('deh:*:*')), { id: 'd', name: 'd', policy: { Version: '1.1', Statement: [deny('deh:*:delete')] } }], 'deh:dedicatedHosts:delete', false],
    ['deny of one action leaves others', [policy(allow('deh:*:*'), deny('deh:dedicatedHosts:delete'))], 'deh:dedicatedHosts:update', true],
    ['wildcard never crosses a segment', [policy(allow('deh:*'))], 'deh:dedicatedHosts:get', false],
    ['allow with a Condition is ignored', [policy({ ...allow('deh:*:*'), Condition: { StringEquals: { 'g:UserName': ['x'] } } })], 'deh:dedicatedHosts:get', false],
    ['deny with a Condition applies', [policy(allow('deh:*:*'), { ...deny('deh:dedicatedHosts:delete'), Condition: { Bool: { x: ['true'] } } })], 'deh:dedicatedHosts:delete', false],
    ['allow on a specific Resource is ignored', [policy({ ...allow('deh:*:*'), Resource: ['deh:*:*:host:abc'] })], 'deh:dedicatedHosts:get', false],
    ['allow on all resources applies', [policy({ ...allow('deh:*:*'), Resource: ['deh:*:*:*:*'] })], 'deh:dedicatedHosts:get', true],
    ['unreadable deny applies to everything', [policy(allow('deh:*:*'), { Effect: 'Deny', Action: 'deh:*:*' })], 'deh:dedicatedHosts:get', false],
    ['malformed allow pattern allows nothing', [policy(allow('deh:dedicatedHosts'))], 'deh:dedicatedHosts:get', false],
    ['statement without effect is ignored', [policy({ Action: ['deh:*:*'] })], 'deh:dedicatedHosts:get', false],
    ['non-object document allows nothing', [{ id: 'x', name: 'x', policy: 'deh:*:*' }], 'deh:dedicatedHosts:get', false],
    ['keystone member = te_admin: deh allowed', [{ id: 'm', name: 'member', policy: null }], 'deh:dedicatedHosts:create', true],
    ['keystone member = te_admin: iam denied', [{ id: 'm', name: 'member', policy: null }], 'iam:groups:createGroup', false],
    ['keystone reader: list allowed', [{ id: 'r', name: 'reader', policy: null }], 'deh:dedicatedHosts:list', true],
    ['keystone reader: delete denied', [{ id: 'r', name: 'reader', policy: null }], 'deh:dedicatedHosts:delete', false],
    ['keystone admin: iam allowed', [{ id: 'a', name: 'admin', policy: null }], 'iam:groups:createGroup', true],
    ['unknown role name allows nothing', [{ id: 'u', name: 'wizard', policy: null }], 'deh:dedicatedHosts:get', false],
    ['malformed requested action is denied', [policy(allow('*:*:*'))], 'deh:dedicatedHosts', false],
  ];
  for (const [name, grants, action, expected] of rows) {
    test(name, () => assert.equal(decide(grants, action), expected));
  }
  test('the owner may do everything, even against a deny', () => {
    assert.equal(decide([policy(deny('*:*:*'))], 'deh:dedicatedHosts:delete', true), true);
  });
  test('a decision names the grant that made it', () => {
    const d = evaluate(compile([policy(allow('deh:*:*')), { id: 'd', name: 'nodelete', policy: { Version: '1.1', Statement: [deny('deh:*:delete')] } }]), 'deh:dedicatedHosts:delete');
    assert.deepEqual(d, { allowed: false, reason: 'deny', by: 'nodelete' });
  });
  test('isAction and parsePattern', () => {
    assert.equal(isAction('deh:dedicatedHosts:get'), true);
    assert.equal(isAction('deh:*:get'), false);
    assert.equal(isAction('deh:x'), false);
    assert.equal(parsePattern('a:b'), null);
    assert.equal(parsePattern('a:b:c:d'), null);
    assert.equal(parsePattern('a:b c:d'), null);
    assert.notEqual(parsePattern('deh:*:get*'), null);
  });
});

// ---- properties ----

const word = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,7}$/);
const lowerWord = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
const concrete = fc.tuple(lowerWord, word, word).map(([s, t, o]) => `${s}:${t}:${o}`);
/** A pattern derived from a segment: itself, `*`, a prefix + `*`, or a case change (type/op only). */
const patternSegment = (seg: string, caseFree: boolean) => fc.oneof(
  fc.constant(seg), fc.constant('*'), fc.nat(seg.length).map((n) => `${seg.slice(0, n)}*`),
  ...(caseFree ? [fc.constant(seg.toUpperCase()), fc.constant(seg.toLowerCase()),
    fc.nat(seg.length).map((n) => `${seg.slice(0, n).toUpperCase()}*`), fc.nat(seg.length).map((n) => `*${seg.slice(n).toLowerCase()}`)] : []),
);
const patternFor = (action: string) => {
  const [s, t, o] = action.split(':');
  return fc.tuple(patternSegment(s, false), patternSegment(t, true), patternSegment(o, true)).map((x) => x.join(':'));
};
const anyPattern = fc.oneof(concrete, concrete.chain(patternFor));
const statement = fc.record({ Effect: fc.constantFrom('Allow', 'Deny'), Action: fc.array(anyPattern, { minLength: 1, maxLength: 4 }) });
const grants = fc.array(fc.array(statement, { minLength: 1, maxLength: 4 }).map((st) => policy(...st)), { maxLength: 3 });

describe('policy evaluator properties', () => {
  test('an explicit matching Deny always wins', () => {
    fc.assert(fc.property(grants, concrete.chain((a) => fc.tuple(fc.constant(a), patternFor(a))), fc.nat(3), (gs, [action, denyPattern], where) => {
      const withDeny = [...gs];
      withDeny.splice(Math.min(where, withDeny.length), 0, policy(allow('*:*:*'), deny(denyPattern)));
      assert.equal(decide(withDeny, action), false);
    }), { numRuns: 300 });
  });
  test('a pattern derived from an action matches it (wildcards and case rules)', () => {
    fc.assert(fc.property(concrete.chain((a) => fc.tuple(fc.constant(a), patternFor(a))), ([action, p]) => {
      assert.equal(decide([policy(allow(p))], action), true);
    }), { numRuns: 300 });
  });
  test('wildcards never match across segments', () => {
    // Collapse the action into fewer segments; no pattern of fewer than three segments matches,
    // and a `*` placed where two segments were joined does not stand for the `:` between them.
    fc.assert(fc.property(concrete, fc.constantFrom(0, 1), (action, i) => {
      const parts = action.split(':');
      const joined = [...parts];
      joined.splice(i, 2, '*');
      assert.equal(decide([policy(allow(joined.join(':')))], action), false);
      assert.equal(decide([policy(allow(`${parts[0]}:*`))], action), false);
    }), { numRuns: 300 });
  });
  test('service is case-sensitive, type and operation are not', () => {
    fc.assert(fc.property(concrete, (action) => {
      const [s, t, o] = action.split(':');
      assert.equal(decide([policy(allow(`${s}:${t.toUpperCase()}:${o.toLowerCase()}`))], action), true);
      if (s.toUpperCase() !== s) assert.equal(decide([policy(allow(`${s.toUpperCase()}:${t}:${o}`))], action), false);
    }), { numRuns: 300 });
  });
  test('without an Allow nothing is allowed; adding grants never turns a Deny into an Allow', () => {
    fc.assert(fc.property(grants, grants, concrete, (a, b, action) => {
      const onlyDenies = a.map((g) => policy(...((g.policy as { Statement: { Effect: string }[] }).Statement.map((s) => ({ ...s, Effect: 'Deny' })))));
      assert.equal(decide(onlyDenies, action), false);
      const first = evaluate(compile(a), action);
      if (!first.allowed && first.reason === 'deny') assert.equal(decide([...a, ...b], action), false);
    }), { numRuns: 300 });
  });
  test('the decision does not depend on the order of grants or statements', () => {
    fc.assert(fc.property(grants, concrete, (gs, action) => {
      const reversed = [...gs].reverse().map((g) => policy(...[...(g.policy as { Statement: unknown[] }).Statement].reverse()));
      assert.equal(decide(gs, action), decide(reversed, action));
    }), { numRuns: 300 });
  });
});
