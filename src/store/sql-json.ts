import { SqliteAdapter, sql, type RawBuilder } from 'kysely';
import type { Executor } from './store.js';

// Rows folded into ONE JSON value inside the statement. Both drivers build a JS object per row,
// field by field, and that (more than SQLite's work) is what a many-row read costs: a trace
// page of 101 rows of 23 columns was ~1.7 ms of a 2.5 ms listing as rows, ~0.6 ms as one JSON
// text and its parse; the tags of 100 DeHs, 200 rows of three strings, ~450 µs as rows.
// SQLite answers the JSON as text; pg parses json columns itself (parsedJson takes both).

export const onSqlite = (ex: Executor): boolean => ex.getExecutor().adapter instanceof SqliteAdapter;

/** A JSON array of the values: `json_array` / `json_build_array`. */
export function jsonArrayOf(ex: Executor, values: readonly RawBuilder<unknown>[]): RawBuilder<unknown> {
  const list = sql.join([...values]);
  return onSqlite(ex) ? sql`json_array(${list})` : sql`json_build_array(${list})`;
}

/** A JSON object of the named values, in that order: `json_object` / `json_build_object`. */
export function jsonObjectOf(ex: Executor, fields: Readonly<Record<string, RawBuilder<unknown>>>): RawBuilder<unknown> {
  const list = sql.join(Object.entries(fields).flatMap(([k, v]) => [sql.lit(k), v]));
  return onSqlite(ex) ? sql`json_object(${list})` : sql`json_build_object(${list})`;
}

/**
 * The aggregate of `element` over the rows as a JSON array, ordered by `orderBy` (null: in
 * whatever order the rows are read); `[]` when there are no rows (PostgreSQL's json_agg of
 * none is NULL).
 */
export function jsonArrayAgg(ex: Executor, element: RawBuilder<unknown>, orderBy: RawBuilder<unknown> | null): RawBuilder<unknown> {
  const order = orderBy === null ? sql`` : sql` order by ${orderBy}`;
  return onSqlite(ex)
    ? sql`json_group_array(${element}${order})`
    : sql`coalesce(json_agg(${element}${order}), '[]'::json)`;
}

/** The value of a JSON column: parsed here on SQLite, by pg on PostgreSQL. */
export function parsedJson<T>(j: unknown): T {
  return (typeof j === 'string' ? JSON.parse(j) : j) as T;
}
