import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp, TestProject } from './app.js';

// Helpers of the compute API tests: Nova calls, server creation, the Nova error shape, and
// a host's accounting read both through the DeH API and straight from its row.

export const IMAGE = '1b2c3d4e-0000-4000-8000-000000000001';
export const NETWORK = '2b2c3d4e-0000-4000-8000-000000000002';

export function nova(t: TestApp, p: TestProject, method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  return t.call(method, `/compute/v2.1/${p.projectId}${path}`, { token: p.token, body, headers });
}

export function ecs(t: TestApp, p: TestProject, method: string, path: string, body?: unknown) {
  return t.call(method, `/compute/v1/${p.projectId}${path}`, { token: p.token, body });
}

export interface ServerOpts {
  readonly flavor?: string;
  readonly name?: string;
  readonly hints?: Record<string, unknown>;
  readonly az?: string;
  readonly extra?: Record<string, unknown>;
  readonly hintsKey?: 'os:scheduler_hints' | 'OS-SCH-HNT:scheduler_hints';
}

export function serverBody(o: ServerOpts = {}) {
  return {
    server: {
      name: o.name ?? 'vm', imageRef: IMAGE, flavorRef: o.flavor ?? 'c4.large.4', networks: [{ uuid: NETWORK }],
      ...(o.az !== undefined && { availability_zone: o.az }), ...o.extra,
    },
    ...(o.hints && { [o.hintsKey ?? 'os:scheduler_hints']: o.hints }),
  };
}

export function createServer(t: TestApp, p: TestProject, o: ServerOpts = {}) {
  return nova(t, p, 'POST', '/servers', serverBody(o));
}

/** Creates a server on a DeH (tenancy=dedicated + dedicated_host_id), asserts 202, returns its id. */
export async function serverOn(t: TestApp, p: TestProject, hostId: string, flavor = 'c4.large.4', name = 'vm'): Promise<string> {
  const r = await createServer(t, p, { flavor, name, hints: { tenancy: 'dedicated', dedicated_host_id: hostId } });
  assert.equal(r.statusCode, 202, r.body);
  return r.json().server.id;
}

export async function action(t: TestApp, p: TestProject, id: string, body: unknown) {
  return nova(t, p, 'POST', `/servers/${id}/action`, body);
}

export async function showServer(t: TestApp, p: TestProject, id: string): Promise<any> {
  const r = await nova(t, p, 'GET', `/servers/${id}`);
  assert.equal(r.statusCode, 200, r.body);
  return r.json().server;
}

/** Asserts a Nova error answer `{"<key>":{"code":<status>,"message":…}}` and returns the message. */
export function expectNovaError(r: LightMyRequestResponse, status: number, key?: string, message?: RegExp): string {
  assert.equal(r.statusCode, status, `expected ${status}, got ${r.statusCode}: ${r.body}`);
  const body = JSON.parse(r.body);
  const k = Object.keys(body)[0];
  if (key !== undefined) assert.equal(k, key);
  assert.equal(body[k].code, status);
  assert.equal(typeof body[k].message, 'string');
  if (message) assert.match(body[k].message, message);
  return body[k].message;
}

export interface Accounting {
  readonly availableVcpus: number;
  readonly availableMemory: number;
  readonly instanceTotal: number;
  readonly instanceUuids: string[];
}

/** The host's accounting through the DeH API (GET /dedicated-hosts/{id}). */
export async function hostAccounting(t: TestApp, p: TestProject, hostId: string): Promise<Accounting> {
  const r = await t.deh(p, 'GET', `/dedicated-hosts/${hostId}`);
  assert.equal(r.statusCode, 200, r.body);
  const h = JSON.parse(r.body).dedicated_host;
  return { availableVcpus: h.available_vcpus, availableMemory: h.available_memory, instanceTotal: h.instance_total, instanceUuids: h.instance_uuids };
}

/** The host row as stored (used_*, free_memory_mb, instance_total, generation). */
export async function hostRow(t: TestApp, hostId: string) {
  return t.services.store.db.selectFrom('hosts').selectAll().where('id', '=', hostId).executeTakeFirstOrThrow();
}

/** Live server rows on a host. */
export async function serverRowsOn(t: TestApp, hostId: string) {
  return t.services.store.db.selectFrom('servers').selectAll().where('host_id', '=', hostId).where('deleted_at', 'is', null).execute();
}
