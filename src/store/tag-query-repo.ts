import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Executor } from './store.js';
import type { Database } from './tables.js';

// "Query DeHs by tag" in SQL: each tag condition is an EXISTS on the (key, value, host_id)
// index, so filtering 10,000 hosts never loads them into memory.

/** No `values` (or none listed) = the key with any value. */
export interface TagCondition { readonly key: string; readonly values?: readonly string[] }
export interface TagQuery {
  readonly projectId: string;
  readonly tags: readonly TagCondition[];
  readonly tagsAny: readonly TagCondition[];
  readonly notTags: readonly TagCondition[];
  readonly notTagsAny: readonly TagCondition[];
  readonly nameContains?: string;
}

type EB = ExpressionBuilder<Database, 'hosts'>;

// IN (subquery), not a correlated EXISTS: the set of tagged hosts is built once from the
// (key, value, host_id) index instead of being probed once per host (as in host-repo.ts).
function has(eb: EB, t: TagCondition): Expression<SqlBool> {
  return eb('hosts.id', 'in', eb.selectFrom('host_tags').select('host_tags.host_id').where('host_tags.key', '=', t.key)
    .$if(!!t.values?.length, (q) => q.where('host_tags.value', 'in', [...t.values!])));
}

function where(eb: EB, q: TagQuery): Expression<SqlBool> {
  const c: Expression<SqlBool>[] = [eb('hosts.project_id', '=', q.projectId), eb('hosts.state', 'in', ['available', 'fault'])];
  if (q.tags.length) c.push(eb.and(q.tags.map((t) => has(eb, t))));
  if (q.tagsAny.length) c.push(eb.or(q.tagsAny.map((t) => has(eb, t))));
  if (q.notTags.length) c.push(eb.not(eb.and(q.notTags.map((t) => has(eb, t)))));
  if (q.notTagsAny.length) c.push(eb.not(eb.or(q.notTagsAny.map((t) => has(eb, t)))));
  if (q.nameContains !== undefined && q.nameContains !== '') {
    const pattern = `%${q.nameContains.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    c.push(sql<SqlBool>`hosts.name like ${pattern} escape '\\'`);
  }
  return eb.and(c);
}

export const tagQueryRepo = {
  async count(ex: Executor, q: TagQuery): Promise<number> {
    const r = await ex.selectFrom('hosts').select((eb) => eb.fn.countAll().as('n')).where((eb) => where(eb, q)).executeTakeFirstOrThrow();
    return Number(r.n);
  },
  async page(ex: Executor, q: TagQuery, offset: number, limit: number): Promise<{ id: string; name: string }[]> {
    return ex.selectFrom('hosts').select(['id', 'name']).where((eb) => where(eb, q)).orderBy('id').limit(limit).offset(offset).execute();
  },
};
