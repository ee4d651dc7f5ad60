import type autocannon from 'autocannon';
import type { Seeded } from './seed.js';

// The scenarios of issue 6, as data: what each sends, which statuses count as success, and
// how many requests the seeded state can absorb (writes are bounded by count as well as by
// time, so no run ever hits a full host or an exhausted quota and reports that instead).

export const ADMIN_PASSWORD = 'bench-admin-secret';
export const AZ = 'eu-de-01';
export const FLAVOR = 'c4.large.4';
/** c4 host: 74 vCPUs, 303,104 MB; c4.large.4: 2 vCPUs, 8,192 MB → 37 per host either way. */
export const SLOTS_PER_C4_HOST = 37;
const IMAGE = '2ad0a1f6-1f2c-4a5e-9d4c-3c1b2a0e9f01';
const NETWORK = 'a3b1c2d4-5e6f-4a1b-8c9d-0e1f2a3b4c5d';

export interface ScenarioCtx {
  readonly seeded: Seeded;
  readonly computeAvailable: boolean;
  /** ECSs already seeded in the main project (they use main's c4 capacity). */
  readonly seededServers: number;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** Writes are warmed up and bounded by request count, reads by time only. */
  readonly write: boolean;
  readonly needsCompute: boolean;
  readonly expect: readonly number[];
  /** Most requests the state can absorb (warm-up included); undefined = unbounded. */
  capacity?(ctx: ScenarioCtx): number;
  requests(ctx: ScenarioCtx): autocannon.Request[];
}

const json = (token: string) => ({ accept: 'application/json', 'content-type': 'application/json', 'x-auth-token': token });
const get = (token: string) => ({ accept: 'application/json', 'x-auth-token': token });

/** A request whose path (and body) change on every send, cycling through `ids`. */
function cycling(ids: readonly string[], make: (id: string, n: number) => autocannon.Request): autocannon.Request {
  let n = Math.floor(Math.random() * ids.length);
  return {
    setupRequest: (req) => {
      const next = make(ids[n % ids.length], n);
      n++;
      return Object.assign(req, next);
    },
  };
}

/**
 * Networks for seeded ECSs. Each network hands out at most ~65,000 addresses (a /16, unique
 * per project), so 100,000 ECSs in one project need several; a tenant that large would have
 * several subnets anyway.
 */
export const SEED_NETWORKS = Array.from({ length: 50 }, (_, i) => `a3b1c2d4-5e6f-4a1b-8c9d-${(i + 1).toString(16).padStart(12, '0')}`);

/** Nova create body; `count` > 1 asks for that many (min_count = max_count). */
export function serverBody(hostId?: string, count = 1, network = NETWORK): string {
  return JSON.stringify({
    server: {
      name: 'bench', imageRef: IMAGE, flavorRef: FLAVOR, availability_zone: AZ, networks: [{ uuid: network }],
      ...(count > 1 && { min_count: count, max_count: count }),
    },
    'os:scheduler_hints': { tenancy: 'dedicated', ...(hostId && { dedicated_host_id: hostId }) },
  });
}

function listScenario(id: string, title: string, query: string): Scenario {
  return {
    id, title, write: false, needsCompute: false, expect: [200],
    requests: ({ seeded }) => {
      const p = seeded.projects.main;
      return [{ method: 'GET', path: `/v1.0/${p.id}/dedicated-hosts?limit=100${query}`, headers: get(p.token) }];
    },
  };
}

/**
 * Auto-placement among n candidates. Every size gets the same request budget (what the
 * smallest can hold), so the projects end with the same number of ECSs and the curve shows
 * the cost of the host count alone.
 */
function placeScenario(n: number, curve: readonly number[]): Scenario {
  return {
    id: `ecs-place-${n}`, title: `ECS create, auto-placement among ${n.toLocaleString('en-US')} hosts`,
    write: true, needsCompute: true, expect: [202],
    capacity: () => Math.floor(Math.min(...curve) * SLOTS_PER_C4_HOST * 0.8),
    requests: ({ seeded }) => {
      const p = seeded.projects[`place${n}`];
      return [{ method: 'POST', path: `/compute/v2.1/${p.id}/servers`, headers: json(p.token), body: serverBody() }];
    },
  };
}

export function scenarios(curve: readonly number[]): Scenario[] {
  return [
    {
      id: 'deh-show', title: 'show one DeH', write: false, needsCompute: false, expect: [200],
      requests: ({ seeded }) => {
        const p = seeded.projects.main;
        return [cycling(seeded.mainHostIds, (id) => ({ method: 'GET', path: `/v1.0/${p.id}/dedicated-hosts/${id}`, headers: get(p.token) }))];
      },
    },
    listScenario('deh-list', 'list one page of 100', ''),
    listScenario('deh-list-type', 'list page, host_type=c4', '&host_type=c4'),
    listScenario('deh-list-state', 'list page, state=available', '&state=available'),
    listScenario('deh-list-tags', 'list page, tags=env=prod', '&tags=env%3Dprod'),
    listScenario('deh-list-filtered', 'list page, host_type+state+tags', '&host_type=c4&state=available&tags=env%3Dprod'),
    {
      id: 'tag-query', title: 'query by tags (env=prod, page of 100)', write: false, needsCompute: false, expect: [200],
      requests: ({ seeded }) => {
        const p = seeded.projects.main;
        return [{
          method: 'POST', path: `/v1.0/${p.id}/dedicated-host-tags/resource_instances/action`, headers: json(p.token),
          body: JSON.stringify({ action: 'filter', tags: [{ key: 'env', values: ['prod'] }], limit: 100 }),
        }];
      },
    },
    {
      // The same answer as tag-query, but every request is a query the server has never seen (a
      // not_tags key no host has, new each time), so neither its total nor its page is kept
      // (generation-cache.ts): the cost of counting and walking the hosts, every time.
      id: 'tag-query-new', title: 'query by tags, each query new (nothing kept; env=prod, page of 100)', write: false, needsCompute: false, expect: [200],
      requests: ({ seeded }) => {
        const p = seeded.projects.main;
        let n = 0;
        return [{
          method: 'POST', path: `/v1.0/${p.id}/dedicated-host-tags/resource_instances/action`, headers: json(p.token),
          setupRequest: (req) => Object.assign(req, {
            body: JSON.stringify({ action: 'filter', tags: [{ key: 'env', values: ['prod'] }], not_tags: [{ key: `new-${process.pid}-${n++}` }], limit: 100 }),
          }),
        }];
      },
    },
    {
      id: 'token-issue', title: 'token issue (password, project scope)', write: true, needsCompute: false, expect: [201],
      capacity: () => 100_000,
      requests: ({ seeded }) => [{
        method: 'POST', path: '/identity/v3/auth/tokens', headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ auth: {
          identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: ADMIN_PASSWORD } } },
          scope: { project: { name: seeded.projects.main.name, domain: { name: 'Default' } } },
        } }),
      }],
    },
    ...[1, 10].map((q): Scenario => ({
      id: `allocate-${q}`, title: `allocate quantity ${q}`, write: true, needsCompute: false, expect: [200],
      capacity: () => 50_000,
      requests: ({ seeded }) => {
        const p = seeded.projects[`alloc${q}`];
        return [{
          method: 'POST', path: `/v1.0/${p.id}/dedicated-hosts`, headers: json(p.token),
          body: JSON.stringify({ name: `alloc-${q}`, availability_zone: AZ, host_type: 'c4', quantity: q }),
        }];
      },
    })),
    {
      id: 'ecs-create-pinned', title: 'ECS create with dedicated_host_id', write: true, needsCompute: true, expect: [202],
      capacity: ({ seeded }) => Math.floor(seeded.pinnedHostIds.length * SLOTS_PER_C4_HOST * 0.8),
      requests: ({ seeded }) => {
        const p = seeded.projects.pinned;
        return [cycling(seeded.pinnedHostIds, (id) => ({
          method: 'POST', path: `/compute/v2.1/${p.id}/servers`, headers: json(p.token), body: serverBody(id),
        }))];
      },
    },
    ...curve.map((n) => placeScenario(n, curve)),
    {
      id: 'ecs-place-main', title: 'ECS create, auto-placement in the main project (all its hosts and seeded ECSs)',
      write: true, needsCompute: true, expect: [202],
      capacity: ({ seeded, seededServers }) => Math.floor((seeded.mainC4Hosts * SLOTS_PER_C4_HOST - seededServers) * 0.5),
      requests: ({ seeded }) => {
        const p = seeded.projects.main;
        return [cycling(SEED_NETWORKS, (net) => ({ method: 'POST', path: `/compute/v2.1/${p.id}/servers`, headers: json(p.token), body: serverBody(undefined, 1, net) }))];
      },
    },
    {
      id: 'mixed', title: 'mixed: 50% show, 20% list, 10% tag query, 10% tag write, 10% ECS create (or DeH update)',
      write: true, needsCompute: false, expect: [200, 202, 204],
      // One request in ten places an ECS in main, whose c4 hosts already carry the seeded ECSs.
      capacity: ({ seeded, seededServers, computeAvailable }) => computeAvailable
        ? Math.floor((seeded.mainC4Hosts * SLOTS_PER_C4_HOST - seededServers) * 0.4) * 10
        : 1_000_000,
      requests: ({ seeded, computeAvailable }) => {
        const p = seeded.projects.main;
        const ids = seeded.mainHostIds;
        const show = () => cycling(ids, (id) => ({ method: 'GET', path: `/v1.0/${p.id}/dedicated-hosts/${id}`, headers: get(p.token) }));
        const list = (q: string): autocannon.Request => ({ method: 'GET', path: `/v1.0/${p.id}/dedicated-hosts?limit=100${q}`, headers: get(p.token) });
        const write: autocannon.Request = computeAvailable
          ? cycling(SEED_NETWORKS, (net) => ({ method: 'POST', path: `/compute/v2.1/${p.id}/servers`, headers: json(p.token), body: serverBody(undefined, 1, net) }))
          : cycling(ids, (id, n) => ({
            method: 'PUT', path: `/v1.0/${p.id}/dedicated-hosts/${id}`, headers: json(p.token),
            body: JSON.stringify({ dedicated_host: { name: `renamed-${n}` } }),
          }));
        return [
          show(), list(''), show(),
          { method: 'POST', path: `/v1.0/${p.id}/dedicated-host-tags/resource_instances/action`, headers: json(p.token),
            body: JSON.stringify({ action: 'filter', tags: [{ key: 'env', values: ['prod'] }], limit: 100 }) },
          show(),
          cycling(ids, (id, n) => ({
            method: 'POST', path: `/v1.0/${p.id}/dedicated-host-tags/${id}/tags/action`, headers: json(p.token),
            body: JSON.stringify({ action: 'create', tags: [{ key: 'touched', value: String(n % 1000) }] }),
          })),
          show(), list('&host_type=c4&state=available&tags=env%3Dprod'), show(), write,
        ];
      },
    },
  ];
}
