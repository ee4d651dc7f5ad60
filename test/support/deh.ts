import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp, TestProject } from './app.js';

// Small assertions and request tables shared by the DeH API tests.

/** Asserts a DeH error answer: status, JSON content type, `{"error":{"code":"DEH.nnnn","message":…}}`. */
export function expectDehError(r: LightMyRequestResponse, status: number, code?: string): { code: string; message: string } {
  assert.equal(r.statusCode, status, `expected ${status}, got ${r.statusCode}: ${r.body}`);
  assert.match(String(r.headers['content-type']), /^application\/json/);
  const body = JSON.parse(r.body);
  assert.equal(typeof body.error, 'object', `no error object in ${r.body}`);
  assert.match(body.error.code, /^DEH\.\d{4}$/);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
  if (code !== undefined) assert.equal(body.error.code, code);
  return body.error;
}

/** Asserts a Keystone error answer: `{"error":{"code":<status>,"title":…,"message":…}}`. */
export function expectKeystoneError(r: LightMyRequestResponse, status: number): { code: number; title: string; message: string } {
  assert.equal(r.statusCode, status, `expected ${status}, got ${r.statusCode}: ${r.body}`);
  assert.match(String(r.headers['content-type']), /^application\/json/);
  const body = JSON.parse(r.body);
  assert.equal(body.error.code, status);
  assert.equal(typeof body.error.title, 'string');
  assert.equal(typeof body.error.message, 'string');
  return body.error;
}

export function json(r: LightMyRequestResponse): any {
  return JSON.parse(r.body);
}

/** Every DeH operation of the reference, as [method, path under /v1.0/{pid}, body]. */
export function dehOperations(projectId: string, hostId: string): [string, string, unknown?][] {
  return [
    ['POST', '/dedicated-hosts', { name: 'h', availability_zone: 'eu-de-01', host_type: 'c4', quantity: 1 }],
    ['GET', '/dedicated-hosts'],
    ['GET', `/dedicated-hosts/${hostId}`],
    ['PUT', `/dedicated-hosts/${hostId}`, { dedicated_host: { name: 'renamed' } }],
    ['DELETE', `/dedicated-hosts/${hostId}`],
    ['GET', `/dedicated-hosts/${hostId}/servers`],
    ['GET', '/availability-zone/eu-de-01/dedicated-host-types'],
    ['GET', `/quota-sets/${projectId}`],
    ['POST', `/dedicated-host-tags/${hostId}/tags/action`, { action: 'create', tags: [{ key: 'k', value: 'v' }] }],
    ['GET', `/dedicated-host-tags/${hostId}/tags`],
    ['POST', '/dedicated-host-tags/resource_instances/action', { action: 'count' }],
  ];
}

/** Lists a project's hosts (query string without `?`) and returns the parsed body, asserting 200. */
export async function listHosts(t: TestApp, p: TestProject, query = ''): Promise<{ dedicated_hosts: any[]; total: number }> {
  const r = await t.deh(p, 'GET', `/dedicated-hosts${query ? `?${query}` : ''}`);
  assert.equal(r.statusCode, 200, r.body);
  return json(r);
}

/** `2024-01-01T01:00:00+01:00` for a Date, in the REF's `CCYY-MM-DDThh:mm:ss±hh:mm` with the given offset in minutes. */
export function isoWithOffset(d: Date, offsetMinutes: number): string {
  const local = new Date(d.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Sets a tenant's hard limit for one host type through the operator API, as the admin (asserts 204). */
export async function setHostQuota(t: TestApp, projectId: string, resource: string, hardLimit: number): Promise<void> {
  const r = await t.call('PUT', `/opendeh/v1/quotas/${projectId}/${resource}`, { token: t.admin.token, body: { hard_limit: hardLimit } });
  assert.equal(r.statusCode, 204, r.body);
}

/** An id that has the shape of a DeH id but names nothing. */
export const UNKNOWN_HOST_ID = '00000000-0000-7000-8000-000000000000';

/** A server placed on a DeH the way Terraform's compute_instance_v2 asks for it (CONTRACT §5). */
export const serverOn = (hostId: string) => ({
  server: {
    name: 'ecs-on-deh', imageRef: '2b1d4a6e-1c55-4b4e-9d5a-3f0c2d7a9e11', flavorRef: 'c4.large.4', availability_zone: 'eu-de-01',
    networks: [{ uuid: '8f0a9e2c-5b7d-4e1f-a3c6-0d9b8e7f6a54' }], security_groups: [{ name: 'default' }], config_drive: false,
  },
  'os:scheduler_hints': { tenancy: 'dedicated', dedicated_host_id: hostId },
});

/** POSTs a server onto a DeH through Nova's API; undefined while the compute API (issue 4) does not exist yet. */
export async function createServerOn(t: TestApp, p: TestProject, hostId: string) {
  const r = await t.call('POST', `/compute/v2.1/${p.projectId}/servers`, { token: p.token, body: serverOn(hostId) });
  if (r.statusCode === 404 && /no resource at/.test(r.body)) return undefined;
  return r;
}
export const COMPUTE_MISSING = 'the compute API (POST /compute/v2.1/{project_id}/servers) does not exist yet; this assertion runs once it does';
