import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import type { Caller } from '../src/services/hosts.js';
import { bootstrapAdmin, createServices, openStore, type Services } from '../src/wiring.js';
import { ADMIN_PASSWORD, AZ, SEED_NETWORKS, serverBody, SLOTS_PER_C4_HOST } from './scenarios.js';

// Seeding in-process, through the same services the server uses (allocate, projects, role
// grants, token issue), on the same database the server opens afterwards. This is minutes
// faster than HTTP for tens of thousands of hosts and still goes through the accounting and
// quota code. Separate projects keep scenarios from seeing each other's writes.


export interface BenchProject { readonly key: string; readonly name: string; readonly id: string; readonly token: string }

export interface SeedPlan {
  /** Hosts of the main project (list, show, tags, mixed). */
  readonly mainHosts: number;
  /** Hosts of the project used by "ECS create with dedicated_host_id". */
  readonly pinnedHosts: number;
  /** One project per size for the auto-placement cost curve. */
  readonly curve: readonly number[];
  /** ECSs to create in the main project (auto-placed on its c4 hosts). */
  readonly servers: number;
  /**
   * Server blocks measured on this database (one per --workers count): each block after the
   * first gets its own pinned and auto-placement projects, so every block starts from the
   * same state for its write scenarios.
   */
  readonly blocks?: number;
}

export interface Seeded {
  readonly projects: Readonly<Record<string, BenchProject>>;
  readonly mainHostIds: readonly string[];
  readonly mainC4Hosts: number;
  readonly pinnedHostIds: readonly string[];
  /** Pinned hosts of blocks 1… (block 0 uses pinnedHostIds). */
  readonly blockPinnedHostIds?: readonly (readonly string[])[];
  readonly hostsTotal: number;
  readonly seconds: number;
  /** ECSs created in-process, and how (or why not). */
  readonly servers: { readonly count: number; readonly seconds: number; readonly note: string };
}

/** Main-project host layout: batches of 10, type and tags rotating so filters select a fraction. */
export const MAIN_BATCH = 10;
export const ENVS = ['prod', 'staging', 'dev'] as const;
export function mainBatchLayout(b: number): { hostType: 'c4' | 's3'; tags: { key: string; value: string }[] } {
  return {
    hostType: b % 2 === 0 ? 'c4' : 's3',
    tags: [{ key: 'env', value: ENVS[b % ENVS.length] }, { key: 'team', value: `team-${b % 10}` }],
  };
}

export async function seed(env: Record<string, string>, plan: SeedPlan, progress: (msg: string) => void): Promise<Seeded> {
  const started = performance.now();
  const config = loadConfig(env);
  const store = await openStore(config, 4);
  try {
    const s = createServices(config, store);
    await bootstrapAdmin(config, s);
    const admin = (await s.identity.listUsers({ name: config.adminUser }))[0];
    const member = (await s.identity.listRoles('member'))[0];

    const projects: Record<string, BenchProject> = {};
    const blocks = Math.max(1, plan.blocks ?? 1);
    const perBlock = ['pinned', ...plan.curve.map((n) => `place${n}`)];
    const keys = ['main', 'alloc1', 'alloc10', ...Array.from({ length: blocks }, (_, b) => perBlock.map((k) => blockKey(k, b))).flat()];
    for (const key of keys) {
      const name = `eu-de_bench-${key}`;
      const p = await s.identity.createProject({ name, domainId: 'default' });
      await s.identity.grant('project', p.id, admin.id, member.id);
      const { token } = await s.identity.issueToken({
        methods: ['password'], password: { user: { name: config.adminUser, domain: { name: 'Default' }, password: ADMIN_PASSWORD } },
        scope: { project: { id: p.id } },
      });
      projects[key] = { key, name, id: p.id, token };
    }
    const caller = (key: string): Caller => ({ projectId: projects[key].id, userId: admin.id, isAdmin: false });

    let total = 0;
    const mainHostIds: string[] = [];
    let mainC4Hosts = 0;
    for (let b = 0; b * MAIN_BATCH < plan.mainHosts; b++) {
      const quantity = Math.min(MAIN_BATCH, plan.mainHosts - b * MAIN_BATCH);
      const { hostType, tags } = mainBatchLayout(b);
      mainHostIds.push(...await allocate(s, caller('main'), `main-${b}`, hostType, quantity, tags));
      await yieldToEventLoop();
      if (hostType === 'c4') mainC4Hosts += quantity;
      total += quantity;
      if (b % 200 === 199) progress(`seeded ${mainHostIds.length} of ${plan.mainHosts} main hosts`);
    }
    const pinned: string[][] = [];
    for (let b = 0; b < blocks; b++) {
      pinned.push(await allocateMany(s, caller(blockKey('pinned', b)), 'pinned', plan.pinnedHosts));
      total += plan.pinnedHosts;
      for (const n of plan.curve) {
        await allocateMany(s, caller(blockKey(`place${n}`, b)), `place${n}`, n);
        total += n;
        progress(`seeded auto-placement project with ${n} hosts${blocks > 1 ? ` (block ${b + 1})` : ''}`);
      }
    }
    const [pinnedHostIds, ...blockPinnedHostIds] = pinned;
    const hostSeconds = (performance.now() - started) / 1000;
    progress(`seeded ${total} hosts in ${hostSeconds.toFixed(1)} s`);
    const servers = await seedServers(s, caller('main'), Math.min(plan.servers, Math.floor(mainC4Hosts * SLOTS_PER_C4_HOST * 0.9)), progress);
    if (store.caps.engine === 'postgres') {
      // What autovacuum does within a minute or so of a bulk load. Without fresh statistics the
      // planner estimates one row per table and picks nested loops: the host list filtered by
      // host_type+state+tags then took ~2.4 s per count at 10,000 hosts instead of < 1 ms.
      await sql`analyze`.execute(store.db);
    }
    return { projects, mainHostIds, mainC4Hosts, pinnedHostIds, blockPinnedHostIds, hostsTotal: total, seconds: hostSeconds, servers };
  } finally {
    await store.close();
  }
}

/** The project key of a per-block project: block 0 keeps the plain key. */
export function blockKey(key: string, block: number): string {
  return block === 0 ? key : `${key}-b${block}`;
}

/** The seeded state as block `b` sees it: its own pinned and auto-placement projects under the plain keys. */
export function seededForBlock(s: Seeded, b: number, curve: readonly number[]): Seeded {
  if (b === 0) return s;
  const projects = { ...s.projects };
  for (const k of ['pinned', ...curve.map((n) => `place${n}`)]) projects[k] = s.projects[blockKey(k, b)];
  return { ...s, projects, pinnedHostIds: s.blockPinnedHostIds![b - 1] };
}

/**
 * ECSs through the compute service, 100 per transaction (Nova's min_count), from the same
 * request body the HTTP route takes, mapped by the route's own function. The compute API is
 * loaded at run time: when it is missing or changed shape, nothing is seeded here and the
 * bench falls back to HTTP.
 */
async function seedServers(s: Services, caller: Caller, count: number, progress: (msg: string) => void): Promise<Seeded['servers']> {
  if (count <= 0) return { count: 0, seconds: 0, note: 'none asked for' };
  const started = performance.now();
  const modulePath: string = '../src/http/routes/compute-servers.js';
  let toRequest: ((body: unknown) => unknown) | undefined;
  try {
    toRequest = (await import(modulePath) as { novaCreateRequest?: (body: unknown) => unknown }).novaCreateRequest;
  } catch { /* no compute API in this build */ }
  const create = (s.servers as unknown as { create?: (c: Caller, r: unknown) => Promise<unknown> }).create;
  if (typeof toRequest !== 'function' || typeof create !== 'function') return { count: 0, seconds: 0, note: 'compute service not found in this build' };
  let done = 0;
  let shown = performance.now();
  try {
    while (done < count) {
      const n = Math.min(100, count - done);
      const network = SEED_NETWORKS[(done / 100) % SEED_NETWORKS.length];
      await create.call(s.servers, caller, toRequest(JSON.parse(serverBody(undefined, n, network))));
      done += n;
      await yieldToEventLoop();
      if (performance.now() - shown > 10_000) {
        shown = performance.now();
        progress(`seeded ${done} of ${count} ECSs (${((shown - started) / 1000).toFixed(0)} s)`);
      }
    }
  } catch (e) {
    return { count: done, seconds: (performance.now() - started) / 1000, note: `in-process create failed after ${done}: ${(e as Error).message}` };
  }
  return { count: done, seconds: (performance.now() - started) / 1000, note: 'in-process, through ServersService.create (100 per call)' };
}

/** The services answer from synchronous SQLite calls; without this a long seeding loop would hold off Ctrl-C. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

async function allocate(s: Services, caller: Caller, name: string, hostType: string, quantity: number, tags: { key: string; value: string }[] = []): Promise<string[]> {
  return s.hosts.allocate(caller, { name, autoPlacement: 'on', availabilityZone: AZ, hostType, quantity, tags });
}

/** `count` c4 hosts with auto placement on, in allocations of 100 (the API's maximum). */
async function allocateMany(s: Services, caller: Caller, name: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < count) {
    ids.push(...await allocate(s, caller, name, 'c4', Math.min(100, count - ids.length)));
    await yieldToEventLoop();
  }
  return ids;
}
