import { randomBytes, randomUUID } from 'node:crypto';

// DeH and server ids are UUIDs whose first 48 bits are the creation time in milliseconds
// (the UUIDv7 layout). Ordering by id is then allocation order, which makes keyset
// pagination by `marker` stable and cheap, with no second sort column.
// Random bytes are drawn 4 KiB at a time: one randomBytes call per id was a visible share of
// an ECS create (randomUUID pools its entropy the same way).
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

/** `n` (≤ 64) fresh random bytes from the pool: each byte is handed out once. */
export function pooledRandomBytes(n: number): Buffer {
  if (n > 64) throw new RangeError('pooledRandomBytes is for short values');
  if (poolOffset + n > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const b = Buffer.from(pool.subarray(poolOffset, poolOffset + n));
  poolOffset += n;
  return b;
}

export function timeOrderedUuid(now = Date.now()): string {
  const b = pooledRandomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Keystone-style ids: 32 hex characters, no dashes. */
export function keystoneId(): string {
  return randomUUID().replace(/-/g, '');
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
