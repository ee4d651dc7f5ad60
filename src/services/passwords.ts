import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';

// Passwords are stored as scrypt hashes ("scrypt$N$r$p$salt$hash"), never in clear and never
// logged. scrypt runs on libuv's thread pool, so hashing does not block the event loop.

const N = 16384, R = 8, P = 1, KEYLEN = 32;

// Each hash holds 128·N·r bytes (16 MiB) while it runs. libuv's pool runs four at once even on
// two cores: twice the memory for no more hashes per second (the CPUs are the limit), and the
// pool's other users (file I/O) wait behind them. One hash per CPU at a time; the rest queue.
const MAX_HASHING = Math.max(1, availableParallelism());
let hashing = 0;
const waiting: (() => void)[] = [];

/** Hashes running and queued now (for tests and metrics). */
export function hashingLoad(): { running: number; queued: number; max: number } {
  return { running: hashing, queued: waiting.length, max: MAX_HASHING };
}

async function scrypt(pw: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const opts: ScryptOptions = { N: n, r, p, maxmem: 64 * 1024 * 1024 };
  if (hashing >= MAX_HASHING) await new Promise<void>((go) => waiting.push(go));
  else hashing++;
  try {
    return await new Promise((resolve, reject) => scryptCb(pw, salt, KEYLEN, opts, (e, k) => (e ? reject(e) : resolve(k))));
  } finally {
    // The slot passes straight to the next waiter, so `hashing` never drops below what runs.
    const next = waiting.shift();
    if (next) next();
    else hashing--;
  }
}

export async function hashPassword(pw: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(pw, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(pw: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  const expected = Buffer.from(parts[5], 'base64');
  const key = await scrypt(pw, Buffer.from(parts[4], 'base64'), n, r, p);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
