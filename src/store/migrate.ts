import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-initial.js';
import * as m0002 from './migrations/0002-compute.js';
import * as m0003 from './migrations/0003-fixed-ips.js';
import * as m0004 from './migrations/0004-ecs-usage.js';
import * as m0005 from './migrations/0005-host-type-index.js';
import * as m0006 from './migrations/0006-iam.js';
import * as m0007 from './migrations/0007-traces.js';
import * as m0008 from './migrations/0008-physical-pool.js';
import * as m0009 from './migrations/0009-host-list-generations.js';
import * as m0010 from './migrations/0010-trace-filter-indexes.js';
import * as m0011 from './migrations/0011-trace-window-filter-columns.js';
import * as m0012 from './migrations/0012-trace-inbox.js';
import * as m0013 from './migrations/0013-spread-placement-index.js';

// Migrations are ordered TS modules, listed here so production, `opendeh migrate` and the
// tests run exactly the same code (no directory scanning at run time).
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': m0001,
  '0002-compute': m0002,
  '0003-fixed-ips': m0003,
  '0004-ecs-usage': m0004,
  '0005-host-type-index': m0005,
  '0006-iam': m0006,
  '0007-traces': m0007,
  '0008-physical-pool': m0008,
  '0009-host-list-generations': m0009,
  '0010-trace-filter-indexes': m0010,
  '0011-trace-window-filter-columns': m0011,
  '0012-trace-inbox': m0012,
  '0013-spread-placement-index': m0013,
};

// Migrations written in parallel (numbers handed out per change) may land in either order: a
// database can have run 0008 before 0007 exists in the code. Kysely refuses that by default;
// these migrations touch disjoint tables, so a late lower number is simply run when it appears.
const ORDER = { allowUnorderedMigrations: true } as const;

class StaticProvider implements MigrationProvider {
  constructor(private readonly migrations: Readonly<Record<string, Migration>> = MIGRATIONS) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...this.migrations };
  }
}

/**
 * `schema` (PostgreSQL) keeps the migration bookkeeping beside the tables it describes.
 * `migrations` is for the order test only (a database that ran a later number first).
 */
export async function migrateToLatest(db: Kysely<any>, schema?: string, migrations?: Readonly<Record<string, Migration>>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticProvider(migrations), ...ORDER, ...(schema && { migrationTableSchema: schema }) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Migrates up (or down) to exactly `name`; for operators' rollbacks and migration tests. */
export async function migrateTo(db: Kysely<any>, name: string, schema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticProvider(), ...ORDER, ...(schema && { migrationTableSchema: schema }) });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
