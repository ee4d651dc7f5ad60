import { createHash } from 'node:crypto';
import { BadRequest, Conflict, ErrorCodes } from '../domain/errors.js';
import { toStored, type Clock } from '../domain/time.js';
import { IdempotentReplay } from '../store/idempotency.js';
import type { WriteContext } from '../store/write-context.js';

// Runs a write under an optional client token. Same token + same request → the first answer
// again, nothing created; same token + different request → 409 IdempotentParameterMismatch.

export const CLIENT_TOKEN_RE = /^[\x21-\x7e]{1,64}$/;
export const CLIENT_TOKEN_TTL_MS = 24 * 3600 * 1000;

export interface Answer { readonly status: number; readonly body: unknown }

export async function runIdempotent<R>(
  clock: Clock,
  key: { projectId: string; token: string | undefined; operation: string; request: unknown },
  write: () => Promise<R>,
  present: (r: R) => Answer,
  /** The context `write` passes to Store.write: the token's record joins its first write. */
  writes: WriteContext,
): Promise<Answer> {
  if (key.token === undefined) return present(await write());
  if (!CLIENT_TOKEN_RE.test(key.token)) throw new BadRequest('X-Client-Token must be 1 to 64 printable ASCII characters', ErrorCodes.InvalidParameter);
  const requestHash = createHash('sha256').update(`${key.operation}\n${serialised(key.request)}`).digest('hex');
  const now = clock();
  const scope = {
    used: false,
    key: {
      projectId: key.projectId, token: key.token, operation: key.operation, requestHash,
      now: toStored(now), notBefore: toStored(new Date(now.getTime() - CLIENT_TOKEN_TTL_MS)),
      present: present as (r: unknown) => Answer,
    },
  };
  try {
    writes.idempotency = scope;
    return present(await write());
  } catch (e) {
    if (!(e instanceof IdempotentReplay)) throw e;
    if (e.stored.requestHash !== requestHash || e.stored.operation !== key.operation) {
      throw new Conflict(`IdempotentParameterMismatch: client token "${key.token}" was used for a different request`, ErrorCodes.IdempotencyMismatch);
    }
    return { status: e.stored.status, body: e.stored.body };
  }
}

/**
 * The request as stored text. The HTTP edge already refuses bodies nested deeper than a few
 * dozen levels; this keeps a caller that skipped the edge from turning a stack overflow of
 * JSON.stringify into a 500.
 */
function serialised(request: unknown): string {
  try {
    return JSON.stringify(request) ?? '';
  } catch (e) {
    if (e instanceof RangeError) throw new BadRequest('the request is nested too deeply to be stored for X-Client-Token replays');
    throw e;
  }
}
