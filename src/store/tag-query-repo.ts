import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Tag } from '../domain/tag.js';
import { parsedTags, tagsJsonOf } from './host-repo.js';
import type { Executor } from './store.js';
import type { Database } from './tables.js';

// "Query DeHs by tag" in SQL: each tag condition runs on an index of host_tags, so filtering
// 10,000 hosts never loads them into memory.

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

/**
 * How a tag condition is spelled. `set`: IN (subquery) — the tagged hosts are collected once from
 * the (key, value, host_id) index; right for a count, which visits every host of the project.
 * `probe`: a correlated EXISTS on the (host_id, key) primary key — right for a page, which walks
 * the project's hosts in id order and stops after `limit` matches, so it never builds the set.
 */
export type TagForm = 'set' | 'probe';

function has(eb: EB, t: TagCondition, form: TagForm): Expression<SqlBool> {
  const values = t.values?.length ? [...t.values] : undefined;
  if (form === 'probe') {
    return eb.exists(eb.selectFrom('host_tags').select('host_tags.host_id').whereRef('host_tags.host_id', '=', 'hosts.id')
      .where('host_tags.key', '=', t.key).$if(!!values, (q) => q.where('host_tags.value', 'in', values!)));
  }
  return eb('hosts.id', 'in', eb.selectFrom('host_tags').select('host_tags.host_id').where('host_tags.key', '=', t.key)
    .$if(!!values, (q) => q.where('host_tags.value', 'in', values!)));
}

function where(eb: EB, q: TagQuery, form: TagForm): Expression<SqlBool> {
  const c: Expression<SqlBool>[] = [eb('hosts.project_id', '=', q.projectId), eb('hosts.state', 'in', ['available', 'fault'])];
  if (q.tags.length) c.push(eb.and(q.tags.map((t) => has(eb, t, form))));
  if (q.tagsAny.length) c.push(eb.or(q.tagsAny.map((t) => has(eb, t, form))));
  if (q.notTags.length) c.push(eb.not(eb.and(q.notTags.map((t) => has(eb, t, form)))));
  if (q.notTagsAny.length) c.push(eb.not(eb.or(q.notTagsAny.map((t) => has(eb, t, form)))));
  if (q.nameContains !== undefined && q.nameContains !== '') {
    const pattern = `%${q.nameContains.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    c.push(sql<SqlBool>`hosts.name like ${pattern} escape '\\'`);
  }
  return eb.and(c);
}

export const tagQueryRepo = {
  async count(ex: Executor, q: TagQuery): Promise<number> {
    const r = await ex.selectFrom('hosts').select((eb) => eb.fn.countAll().as('n')).where((eb) => where(eb, q, 'set')).executeTakeFirstOrThrow();
    return Number(r.n);
  },
  /**
   * A page of the matches in id order, each with its tags, in the same statement (sql-json.ts).
   * The tags are added around the page, not beside its columns: PostgreSQL would otherwise
   * compute them for every row the OFFSET skips.
   */
  async page(ex: Executor, q: TagQuery, offset: number, limit: number): Promise<{ id: string; name: string; tags: Tag[] }[]> {
    const page = ex.selectFrom('hosts').select(['id', 'name']).where((eb) => where(eb, q, 'probe')).orderBy('id').limit(limit).offset(offset);
    const rows = await ex.selectFrom(page.as('p')).select(['p.id', 'p.name', tagsJsonOf(ex, sql.ref('p.id')).as('tags')]).orderBy('p.id').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, tags: parsedTags(ex, r.tags) }));
  },
};
