import { sql, type ExpressionBuilder, type SqlBool, type Expression, type RawBuilder } from 'kysely';
import type { Host } from '../domain/host.js';
import { compareCodePoints, type Tag } from '../domain/tag.js';
import type { GenerationCache } from './generation-cache.js';
import type { Executor } from './store.js';
import type { Database, HostsTable } from './tables.js';
import { statement, type Slots } from './statement.js';
import { jsonArrayAgg, jsonArrayOf, jsonObjectOf, onSqlite, parsedJson } from './sql-json.js';

// Queries of the DeH aggregate. Lists are keyset-paginated on the time-ordered id, so a page
// costs the same at host 10 as at host 10,000, and every filter runs in SQL on an index.

export function hostRowToHost(r: HostsTable): Host {
  return {
    id: r.id, projectId: r.project_id, name: r.name, hostType: r.host_type, availabilityZone: r.availability_zone,
    autoPlacement: r.auto_placement, state: r.state, vcpus: r.vcpus, memoryMb: r.memory_mb,
    usedVcpus: r.used_vcpus, usedMemoryMb: r.used_memory_mb, instanceTotal: r.instance_total,
    generation: r.generation, allocatedAt: r.allocated_at, releasedAt: r.released_at, updatedAt: r.updated_at,
  };
}

/** The columns a Host is made of, in the order hostOfArray reads them. */
const HOST_COLUMNS = ['id', 'project_id', 'name', 'host_type', 'availability_zone', 'auto_placement', 'state', 'vcpus', 'memory_mb',
  'used_vcpus', 'used_memory_mb', 'instance_total', 'generation', 'allocated_at', 'released_at', 'updated_at'] as const;
type HostArray = [string, string, string, string, string, Host['autoPlacement'], Host['state'], number, number, number, number, number, number, string, string | null, string];

function hostOfArray(a: HostArray): Host {
  return {
    id: a[0], projectId: a[1], name: a[2], hostType: a[3], availabilityZone: a[4], autoPlacement: a[5], state: a[6],
    vcpus: Number(a[7]), memoryMb: Number(a[8]), usedVcpus: Number(a[9]), usedMemoryMb: Number(a[10]), instanceTotal: Number(a[11]),
    generation: Number(a[12]), allocatedAt: a[13], releasedAt: a[14], updatedAt: a[15],
  };
}

export interface HostFilter {
  /** null = every project (admin `tenant=all`). */
  readonly projectId: string | null;
  readonly id?: string;
  readonly name?: string;
  readonly hostTypes?: readonly string[];
  readonly state?: Host['state'];
  readonly availabilityZone?: string;
  readonly instanceUuid?: string;
  readonly tags?: readonly { key: string; value?: string }[];
  /** ISO text: include hosts changed at or after it, released ones too. */
  readonly changesSince?: string;
  /** Released hosts older than this (ISO text) are gone for good. */
  readonly releasedVisibleAfter: string;
}

type EB = ExpressionBuilder<Database, 'hosts'>;

/**
 * `tagForm` as in tag-query-repo.ts: a count collects each tag's hosts once (`set`), a page
 * probes the (host_id, key) primary key of the hosts it walks in id order and stops at its
 * limit (`probe`; half the time of the set at 10,000 hosts).
 */
function where(eb: EB, f: HostFilter, tagForm: 'set' | 'probe'): Expression<SqlBool> {
  const c: Expression<SqlBool>[] = [];
  if (f.projectId !== null) c.push(eb('hosts.project_id', '=', f.projectId));
  if (f.id !== undefined) c.push(eb('hosts.id', '=', f.id));
  if (f.name !== undefined) c.push(eb('hosts.name', '=', f.name));
  if (f.hostTypes !== undefined) c.push(f.hostTypes.length ? eb('hosts.host_type', 'in', [...f.hostTypes]) : sql<SqlBool>`1 = 0`);
  if (f.availabilityZone !== undefined) c.push(eb('hosts.availability_zone', '=', f.availabilityZone));
  // The live states as an IN list (not `!= 'released'`), so counting a project's hosts walks
  // the (project_id, state, id) index alone; released_at only matters when released hosts can
  // match at all (it is NULL on every live host).
  if (f.state !== undefined) c.push(eb('hosts.state', '=', f.state));
  else if (f.changesSince === undefined) c.push(eb('hosts.state', 'in', ['available', 'fault']));
  if (f.changesSince !== undefined) c.push(eb('hosts.updated_at', '>=', f.changesSince));
  if (f.state === 'released' || (f.state === undefined && f.changesSince !== undefined)) {
    c.push(eb.or([eb('hosts.released_at', 'is', null), eb('hosts.released_at', '>=', f.releasedVisibleAfter)]));
  }
  if (f.instanceUuid !== undefined) {
    c.push(eb.exists(eb.selectFrom('servers').select('servers.id')
      .whereRef('servers.host_id', '=', 'hosts.id').where('servers.id', '=', f.instanceUuid).where('servers.deleted_at', 'is', null)));
  }
  for (const t of f.tags ?? []) {
    const tagged = eb.selectFrom('host_tags').select('host_tags.host_id').where('host_tags.key', '=', t.key)
      .$if(t.value !== undefined, (q) => q.where('host_tags.value', '=', t.value!));
    c.push(tagForm === 'probe' ? eb.exists(tagged.whereRef('host_tags.host_id', '=', 'hosts.id')) : eb('hosts.id', 'in', tagged));
  }
  return eb.and(c);
}

// A DeH's tags and ECS ids inside the statement that reads it, one JSON array each, and a list
// page as one JSON array (sql-json.ts), each in the order of one column. On SQLite an ORDER BY
// inside the aggregate runs a sorter per call (~40 µs of a ~60 µs show, for two rows): the
// arrays are put in order after the parse instead (inBinaryOrder), in code point order, which
// is SQLite's BINARY collation of the ORDER BY they replace. PostgreSQL orders in the
// aggregate, in its collation, as its ORDER BY (and a list page's keyset marker) does.

/** `element` over the rows, as a JSON array in `by`'s order once inBinaryOrder has seen it. */
function orderedJsonAgg(ex: Executor, element: RawBuilder<unknown>, by: RawBuilder<unknown>): RawBuilder<unknown> {
  return jsonArrayAgg(ex, element, onSqlite(ex) ? null : by);
}

/** The parsed array of an orderedJsonAgg, in order of `keyOf` (sorted here on SQLite only). */
function inBinaryOrder<T>(ex: Executor, items: T[], keyOf: (item: T) => string): T[] {
  return onSqlite(ex) && items.length > 1 ? items.sort((a, b) => compareCodePoints(keyOf(a), keyOf(b))) : items;
}

/** The tags of the host `hostId` names as one JSON array of {key, value}. */
export function tagsJsonOf(ex: Executor, hostId: RawBuilder<unknown>): RawBuilder<unknown> {
  const tag = jsonObjectOf(ex, { key: sql.ref('tg.key'), value: sql.ref('tg.value') });
  return sql`(select ${orderedJsonAgg(ex, tag, sql.ref('tg.key'))} from host_tags as tg where tg.host_id = ${hostId})`;
}

/** The ids of the live ECSs on the host `hostId` names as one JSON array. */
function instanceIdsJsonOf(ex: Executor, hostId: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(select ${orderedJsonAgg(ex, sql.ref('sv.id'), sql.ref('sv.id'))} from servers as sv where sv.host_id = ${hostId} and sv.deleted_at is null)`;
}

/** Tags from tagsJsonOf, by key. */
export function parsedTags(ex: Executor, json: unknown): Tag[] {
  return inBinaryOrder(ex, parsedJson<Tag[]>(json), (t) => t.key);
}

// The statements of every show, claim and list page, compiled once (statement.ts).
const byId = statement<HostsTable, boolean>((db, $, inProject) => db.selectFrom('hosts').selectAll().where('id', '=', $(0))
  .$if(inProject, (q) => q.where('project_id', '=', $(1))), (inProject) => String(inProject));
// Show a DeH: its row, tags and ECS ids in one statement (one read, one snapshot) instead of three.
const detailById = statement<HostsTable & { tags_json: unknown; instances_json: unknown }, boolean>((db, $, inProject) => db.selectFrom('hosts').selectAll()
  .select([tagsJsonOf(db, sql.ref('hosts.id')).as('tags_json'), instanceIdsJsonOf(db, sql.ref('hosts.id')).as('instances_json')])
  .where('hosts.id', '=', $(0)).$if(inProject, (q) => q.where('hosts.project_id', '=', $(1))), (inProject) => String(inProject));
const tagsOfHost = statement<Tag>((db, $) => db.selectFrom('host_tags').select(['key', 'value']).where('host_id', '=', $(0)).orderBy('key'));
const generationOf = statement<{ generation: number }>((db, $) => db.selectFrom('host_list_generations').select('generation').where('project_id', '=', $(0)));
const casHost = statement<unknown, readonly string[]>((db, $, columns) => db.updateTable('hosts')
  .set(Object.fromEntries([...columns, 'generation'].map((c, i) => [c, $(i)])))
  .where('id', '=', $(columns.length + 1)).where('generation', '=', $(columns.length + 2)), (columns) => columns.join(','));
const projectOfHost = statement<{ project_id: string }>((db, $) => db.selectFrom('hosts').select('project_id').where('id', '=', $(0)));
const bumpGeneration = statement((db, $) => db.insertInto('host_list_generations').values({ project_id: $(0), generation: 1 })
  .onConflict((oc) => oc.column('project_id').doUpdateSet((eb) => ({ generation: eb(eb.ref('host_list_generations.generation'), '+', 1) }))));

/** Auto-placement candidates (placementCandidates): arguments project, AZ, type, RAM, vCPUs[, limit[, free memory]]. */
const candidates = (db: Executor, $: Slots) => db.selectFrom('hosts')
  .where('project_id', '=', $(0)).where('availability_zone', '=', $(1))
  .where('state', '=', 'available').where('auto_placement', '=', 'on').where('host_type', '=', $(2))
  .where('free_memory_mb', '>=', $(3))
  .where(sql<number>`vcpus - used_vcpus`, '>=', $(4));
const spread = statement<HostsTable>((db, $) => candidates(db, $).selectAll().orderBy('free_memory_mb', 'desc').orderBy('id', 'asc').limit($(5)));
const leastFree = statement<{ free_memory_mb: number }>((db, $) => candidates(db, $).select('free_memory_mb').orderBy('free_memory_mb', 'asc').limit(1));
const packTies = statement<HostsTable>((db, $) => candidates(db, $).selectAll().where('free_memory_mb', '=', $(6)).orderBy('id', 'asc').limit($(5)));

// A claim as ONE conditional update that returns the claimed row (claimNamedInOne /
// claimBestInOne): the usage moves by the demand only where every placement filter holds on
// the row being updated, so a read, the filters in code and a compare-and-swap become one
// statement. On PostgreSQL the conditions are re-checked on the newest row version when a
// concurrent writer changed the row first (READ COMMITTED re-evaluates an UPDATE's WHERE), so
// a host that stopped fitting meanwhile is not claimed; hosts_capacity_ck refuses an
// overcommit whatever happens.
const claimSet = (eb: ExpressionBuilder<Database, 'hosts'>, vcpus: ReturnType<Slots>, ramMb: ReturnType<Slots>, now: ReturnType<Slots>) => ({
  used_vcpus: eb('used_vcpus', '+', vcpus), used_memory_mb: eb('used_memory_mb', '+', ramMb), free_memory_mb: eb('free_memory_mb', '-', ramMb),
  instance_total: eb('instance_total', '+', 1), updated_at: now, generation: eb('generation', '+', 1),
});
/** Arguments: vCPUs, RAM, updated_at, project, host id[, AZ]; shape: the accepting host types, and whether an AZ is asked for. */
const claimNamedInOne = statement<HostsTable, { readonly types: readonly string[]; readonly az: boolean }>((db, $, shape) => db.updateTable('hosts')
  .set((eb) => claimSet(eb, $(0), $(1), $(2)))
  .where('id', '=', $(4)).where('project_id', '=', $(3)).where('state', '=', 'available').where('host_type', 'in', [...shape.types])
  .where(sql<number>`vcpus - used_vcpus`, '>=', $(0)).where('free_memory_mb', '>=', $(1))
  .$if(shape.az, (q) => q.where('availability_zone', '=', $(5)))
  .returningAll(), (shape) => `${shape.types.join(',')}|${shape.az}`);
/** Arguments: those of `spread` (project, AZ, type, RAM, vCPUs), then updated_at; the pick is spread's first row. */
const claimBestInOne = statement<HostsTable>((db, $) => db.updateTable('hosts').set((eb) => claimSet(eb, $(4), $(3), $(5)))
  .where('id', '=', candidates(db, $).select('id').orderBy('free_memory_mb', 'desc').orderBy('id', 'asc').limit(1))
  // Again on the row updated: PostgreSQL re-checks these on a row a concurrent writer changed.
  .where('state', '=', 'available').where('auto_placement', '=', 'on')
  .where(sql<number>`vcpus - used_vcpus`, '>=', $(4)).where('free_memory_mb', '>=', $(3))
  .returningAll());

export const hostRepo = {
  async list(ex: Executor, f: HostFilter, page: { limit?: number; afterId?: string }): Promise<Host[]> {
    let q = ex.selectFrom('hosts').select(HOST_COLUMNS).where((eb) => where(eb, f, 'probe')).orderBy('hosts.id');
    if (page.afterId !== undefined) q = q.where('hosts.id', '>', page.afterId);
    if (page.limit !== undefined) q = q.limit(page.limit);
    // The page as ONE JSON value (sql-json.ts), in id order (orderedJsonAgg): 100 rows of 16
    // columns as row objects were ~1.6 ms of a ~5 ms list request on a slow machine.
    const row = jsonArrayOf(ex, HOST_COLUMNS.map((c) => sql.ref(`p.${c}`)));
    const { j } = await ex.selectFrom(q.as('p')).select(orderedJsonAgg(ex, row, sql.ref('p.id')).as('j')).executeTakeFirstOrThrow();
    return inBinaryOrder(ex, parsedJson<HostArray[]>(j), (r) => r[0]).map(hostOfArray);
  },
  async count(ex: Executor, f: HostFilter): Promise<number> {
    const r = await ex.selectFrom('hosts').select((eb) => eb.fn.countAll().as('n')).where((eb) => where(eb, f, 'set')).executeTakeFirstOrThrow();
    return Number(r.n);
  },
  async get(ex: Executor, projectId: string | null, id: string): Promise<Host | undefined> {
    const r = projectId === null ? await byId.first(ex, [id], false) : await byId.first(ex, [id, projectId], true);
    return r ? hostRowToHost(r) : undefined;
  },
  /** A host (of the project; null = any) with its tags and the ids of its live ECSs (show a DeH). */
  async detail(ex: Executor, projectId: string | null, id: string): Promise<{ host: Host; tags: Tag[]; instanceUuids: string[] } | undefined> {
    const r = projectId === null ? await detailById.first(ex, [id], false) : await detailById.first(ex, [id, projectId], true);
    if (!r) return undefined;
    const { tags_json, instances_json, ...row } = r;
    const instanceUuids = inBinaryOrder(ex, parsedJson<string[]>(instances_json), (id) => id);
    return { host: hostRowToHost(row), tags: parsedTags(ex, tags_json), instanceUuids };
  },
  async insert(ex: Executor, rows: HostsTable[]): Promise<void> {
    // Chunked so a large quantity stays under SQLite's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 50) await ex.insertInto('hosts').values(rows.slice(i, i + 50)).execute();
    for (const projectId of new Set(rows.map((r) => r.project_id))) await bumpListGeneration(ex, projectId);
  },
  /** Compare-and-swap on generation; false when another writer got there first. */
  async casUpdate(ex: Executor, id: string, generation: number, patch: Partial<HostsTable>): Promise<boolean> {
    const columns = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
    const values = columns.map((k) => (patch as Record<string, unknown>)[k]);
    const ok = (await casHost.affected(ex, [...values, generation + 1, id, generation], columns)) === 1;
    // A claim (usage columns only) changes nothing a list or tag query counts.
    if (ok && Object.keys(patch).some((k) => !USAGE_COLUMNS.has(k))) await bumpListGenerationOf(ex, id);
    return ok;
  },
  async countActiveOfType(ex: Executor, projectId: string, hostType: string): Promise<number> {
    const r = await ex.selectFrom('hosts').select((eb) => eb.fn.countAll().as('n'))
      .where('project_id', '=', projectId).where('host_type', '=', hostType).where('state', 'in', ['available', 'fault']).executeTakeFirstOrThrow();
    return Number(r.n);
  },
  async usageByType(ex: Executor, projectId: string): Promise<Map<string, number>> {
    const rows = await ex.selectFrom('hosts').select(['host_type', (eb) => eb.fn.countAll().as('n')])
      .where('project_id', '=', projectId).where('state', 'in', ['available', 'fault']).groupBy('host_type').execute();
    return new Map(rows.map((r) => [r.host_type, Number(r.n)]));
  },

  /**
   * Auto-placement candidates of one project, AZ and host type, best first, at most `limit`.
   *
   * Why this is equivalent to running the filters and the weigher over every host: the WHERE
   * clause is exactly the conjunction of the pure filters (scheduler/filters.ts) for auto
   * placement — the caller's project, the AZ, state available, auto_placement on, a host type
   * that accepts the flavor (the caller asks once per such type), free vCPUs and free memory
   * ≥ the demand — so every row passes them all, and every host that passes them all is a row
   * of one of the calls. The only weigher is RAM with multiplier +1 (spread) or −1 (pack);
   * min-max normalisation is monotone, so it orders the passing hosts by free memory (desc /
   * asc) with ties to the lowest id, which is this ORDER BY. The best row over the calls is
   * therefore the scheduler's choice among all hosts; the other rows are spares the pure code
   * re-checks. (A weigher that is not monotone in free memory would break this and need a
   * wider or unlimited candidate set.)
   *
   * Cost: hosts_placement_idx (project_id, availability_zone, state, auto_placement,
   * host_type, free_memory_mb DESC, id) serves the equalities, the memory range and the
   * order, so the walk stops after `limit` matching entries instead of sorting every host.
   * Only the vCPU test is not in the index: hosts with enough memory but too few vCPUs are
   * stepped over one by one. Spread (the default) is that one walk. Pack walks the index
   * backwards to the least free-memory value, then reads that value's ties by ascending id
   * (an ASC, ASC order cannot be read off a DESC, ASC index in one walk). Migration 0013 says
   * why spread got the one-walk order.
   */
  async placementCandidates(ex: Executor, q: {
    projectId: string; availabilityZone: string; hostType: string; vcpus: number; ramMb: number;
    strategy: 'spread' | 'pack'; limit: number;
  }): Promise<Host[]> {
    const args = [q.projectId, q.availabilityZone, q.hostType, q.ramMb, q.vcpus, q.limit];
    if (q.strategy === 'spread') return (await spread.rows(ex, args)).map(hostRowToHost);
    const least = await leastFree.first(ex, args.slice(0, 5));
    if (!least) return [];
    return (await packTies.rows(ex, [...args, least.free_memory_mb])).map(hostRowToHost);
  },
  /**
   * Claims `demand` and one instance on the named host of the project, in one statement, when
   * it is available, of one of `hostTypes`, in `availabilityZone` (if given) and has room;
   * the host after the claim, or undefined when any of that fails (the caller then finds out
   * which, the slow way, for the error).
   */
  async claimNamedInOne(ex: Executor, q: {
    projectId: string; hostId: string; hostTypes: readonly string[]; availabilityZone?: string; vcpus: number; ramMb: number; now: string;
  }): Promise<Host | undefined> {
    if (q.hostTypes.length === 0) return undefined;
    const args = [q.vcpus, q.ramMb, q.now, q.projectId, q.hostId];
    if (q.availabilityZone !== undefined) args.push(q.availabilityZone);
    const r = await claimNamedInOne.first(ex, args, { types: q.hostTypes, az: q.availabilityZone !== undefined });
    return r ? hostRowToHost(r) : undefined;
  },
  /**
   * Spread placement's claim in one statement: the host placementCandidates would put first
   * for this (AZ, host type) — most free memory, ties to the lowest id — claimed as by
   * claimNamedInOne. The host after the claim, or undefined when no host fits. Creates of a
   * project hold its guard (ComputeQuotas.consume), so no other create moves these rows
   * meanwhile; a DeH write that does is seen by the re-checked conditions.
   */
  async claimBestInOne(ex: Executor, q: {
    projectId: string; availabilityZone: string; hostType: string; vcpus: number; ramMb: number; now: string;
  }): Promise<Host | undefined> {
    const r = await claimBestInOne.first(ex, [q.projectId, q.availabilityZone, q.hostType, q.ramMb, q.vcpus, q.now]);
    return r ? hostRowToHost(r) : undefined;
  },
  /** A few hosts of a project in an AZ (or all AZs), for explaining a failed auto placement. */
  async sample(ex: Executor, projectId: string, availabilityZone: string | undefined, limit: number): Promise<Host[]> {
    let q = ex.selectFrom('hosts').selectAll().where('project_id', '=', projectId).where('state', '!=', 'released');
    if (availabilityZone !== undefined) q = q.where('availability_zone', '=', availabilityZone);
    return (await q.orderBy('id').limit(limit).execute()).map(hostRowToHost);
  },

  // ---- tags ----
  async tags(ex: Executor, hostId: string): Promise<Tag[]> {
    return tagsOfHost.rows(ex, [hostId]);
  },
  /** Tags of new hosts: one insert for all of them (nothing to delete yet). */
  async insertTags(ex: Executor, hostIds: readonly string[], tags: readonly Tag[]): Promise<void> {
    const rows = hostIds.flatMap((host_id) => tags.map((t) => ({ host_id, key: t.key, value: t.value })));
    // Chunked like insert(), under SQLite's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 200) await ex.insertInto('host_tags').values(rows.slice(i, i + 200)).execute();
    if (rows.length) await bumpListGenerationOf(ex, hostIds[0]);
  },
  async replaceTags(ex: Executor, hostId: string, tags: readonly Tag[]): Promise<void> {
    await ex.deleteFrom('host_tags').where('host_id', '=', hostId).execute();
    if (tags.length) await ex.insertInto('host_tags').values(tags.map((t) => ({ host_id: hostId, key: t.key, value: t.value }))).execute();
    await bumpListGenerationOf(ex, hostId);
  },
  /** The project's host_list_generations value (0 before its first host). */
  async listGeneration(ex: Executor, projectId: string): Promise<number> {
    const r = await generationOf.first(ex, [projectId]);
    return r ? Number(r.generation) : 0;
  },
  /**
   * `count`, answered from `cache` when the project's hosts have not changed since it was
   * counted (generation-cache.ts). Filters whose answer moves without a generation bump — another
   * tenant's or every tenant's hosts, time (changes_since, released retention), ECS ids — are
   * always counted.
   */
  async cachedCount(ex: Executor, cache: GenerationCache<number>, f: HostFilter): Promise<number> {
    if (f.projectId === null || f.changesSince !== undefined || f.state === 'released' || f.instanceUuid !== undefined) return this.count(ex, f);
    const key = `list\n${f.projectId}\n${JSON.stringify([f.id, f.name, f.hostTypes, f.state, f.availabilityZone, f.tags])}`;
    const generation = await this.listGeneration(ex, f.projectId);
    const hit = cache.get(key, generation);
    if (hit !== undefined) return hit;
    const n = await this.count(ex, f);
    cache.set(key, generation, n);
    return n;
  },

  // ---- quota ----
  async hardLimits(ex: Executor, projectId: string): Promise<Map<string, number>> {
    const rows = await ex.selectFrom('host_quotas').select(['resource', 'hard_limit']).where('project_id', '=', projectId).execute();
    return new Map(rows.map((r) => [r.resource, r.hard_limit]));
  },
  async setHardLimit(ex: Executor, projectId: string, resource: string, hardLimit: number): Promise<void> {
    await ex.insertInto('host_quotas').values({ project_id: projectId, resource, hard_limit: hardLimit })
      .onConflict((oc) => oc.columns(['project_id', 'resource']).doUpdateSet({ hard_limit: hardLimit })).execute();
  },
  /**
   * Takes the project's write guard for the rest of the transaction: the UPDATE locks the
   * project's guard row on PostgreSQL (SQLite serialises writers anyway), so the quota count
   * that follows and the insert it allows cannot interleave with another allocation.
   */
  async lockProject(ex: Executor, projectId: string): Promise<void> {
    // One upsert (not insert-if-missing + update): a write holds the lock across fewer round trips.
    await ex.insertInto('project_guards').values({ project_id: projectId, generation: 1, ecs_instances: 0, ecs_cores: 0, ecs_ram: 0 })
      .onConflict((oc) => oc.column('project_id').doUpdateSet((eb) => ({ generation: eb(eb.ref('project_guards.generation'), '+', 1) })))
      .execute();
  },
};

/** Columns an ECS claim moves (placement.ts); changing only these leaves every list total as it was. */
const USAGE_COLUMNS = new Set(['used_vcpus', 'used_memory_mb', 'free_memory_mb', 'instance_total', 'updated_at']);

/** Moves the project's list generation, in the caller's transaction (migration 0009). */
async function bumpListGeneration(ex: Executor, projectId: string): Promise<void> {
  await bumpGeneration.affected(ex, [projectId]);
}

/** The same, for the project of a host. */
async function bumpListGenerationOf(ex: Executor, hostId: string): Promise<void> {
  const h = await projectOfHost.first(ex, [hostId]);
  if (h) await bumpListGeneration(ex, h.project_id);
}
