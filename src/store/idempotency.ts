import type { Executor } from './store.js';

// X-Client-Token (AWS ClientToken semantics). The token's record is inserted in the SAME
// transaction as the write it guards, before the write: a concurrent replay blocks on the
// primary key (PostgreSQL) or waits for the single writer (SQLite), then finds the committed
// record and replays it. A failed write rolls its record back, so a retry runs again.

export interface IdempotencyKey {
  readonly projectId: string;
  readonly token: string;
  readonly operation: string;
  readonly requestHash: string;
  /** Records older than this (ISO text) are forgotten. */
  readonly notBefore: string;
  readonly now: string;
  /** Turns the write's result into the response that replays will get. */
  readonly present: (result: unknown) => { status: number; body: unknown };
}

export interface StoredResponse { readonly operation: string; readonly requestHash: string; readonly status: number; readonly body: unknown }

/** Thrown out of the transaction when the token was already used; carries the first answer. */
export class IdempotentReplay extends Error {
  constructor(readonly stored: StoredResponse) {
    super('idempotent replay');
  }
}

export async function claimToken(tx: Executor, key: IdempotencyKey): Promise<void> {
  await tx.deleteFrom('idempotency').where('project_id', '=', key.projectId).where('client_token', '=', key.token)
    .where('created_at', '<', key.notBefore).execute();
  const r = await tx.insertInto('idempotency').values({
    project_id: key.projectId, client_token: key.token, operation: key.operation, request_hash: key.requestHash,
    status: 0, body: '', created_at: key.now,
  }).onConflict((oc) => oc.columns(['project_id', 'client_token']).doNothing()).executeTakeFirst();
  if (Number(r.numInsertedOrUpdatedRows ?? 0n) === 1) return;
  const row = await tx.selectFrom('idempotency').selectAll()
    .where('project_id', '=', key.projectId).where('client_token', '=', key.token).executeTakeFirstOrThrow();
  throw new IdempotentReplay({ operation: row.operation, requestHash: row.request_hash, status: row.status, body: JSON.parse(row.body || 'null') });
}

export async function recordResponse(tx: Executor, key: IdempotencyKey, result: unknown): Promise<void> {
  const { status, body } = key.present(result);
  await tx.updateTable('idempotency').set({ status, body: JSON.stringify(body) })
    .where('project_id', '=', key.projectId).where('client_token', '=', key.token).execute();
}
