import { Conflict, ConcurrentUpdate, DomainError, Unavailable } from '../domain/errors.js';

// Driver errors become domain errors here, at the store boundary, keyed on SQLite result
// codes and PostgreSQL SQLSTATEs, so no service or handler ever sees a driver error.

export type Classified =
  | { kind: 'transient'; error: DomainError } // retry the whole transaction
  | { kind: 'final'; error: DomainError };

interface DriverError { code?: string; message?: string; constraint?: string }

const PG_TRANSIENT = new Set(['40001', '40P01', '55P03']); // serialization failure, deadlock, lock not available
const PG_CONNECTION = /^(08|57P0)/; // connection exceptions, admin shutdown / crash shutdown

export function classifyDbError(e: unknown): Classified | null {
  if (e instanceof ConcurrentUpdate) return { kind: 'transient', error: e };
  if (e instanceof DomainError) return null;
  const err = e as DriverError;
  const code = typeof err?.code === 'string' ? err.code : '';
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT' || PG_TRANSIENT.has(code)) {
    return { kind: 'transient', error: new ConcurrentUpdate() };
  }
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505') {
    return { kind: 'final', error: new Conflict(`already exists${err.constraint ? ` (${err.constraint})` : ''}`) };
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') {
    return { kind: 'final', error: new Conflict('the resource is referenced by, or refers to, another that does not allow it') };
  }
  if (code === 'SQLITE_CONSTRAINT_CHECK' || code === '23514') {
    // A CHECK is the last line of defence of the capacity accounting: a race got past the
    // service's check. Retrying re-reads the host and fails cleanly if it really is full.
    return { kind: 'transient', error: new ConcurrentUpdate() };
  }
  if (PG_CONNECTION.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code) ||
      /Connection terminated|connection timeout|Client has encountered a connection error/i.test(err?.message ?? '')) {
    return { kind: 'transient', error: new Unavailable('the database is unreachable; try again') };
  }
  return null;
}
