import { Type } from 'typebox';

// Numbers a client sends end up in SQL (LIMIT/OFFSET, integer columns). PostgreSQL's
// `integer` is 32-bit and SQLite's LIMIT is 64-bit; a value past the column's range is a
// driver error, i.e. a 500. Every integer a route accepts is bounded to the 32-bit range at
// the edge (the app refuses to start with an unbounded one, see schema-bounds.ts); services
// still check the meaning (quantity 1–100, limit 1–1000).

export const DB_INT_MAX = 2_147_483_647;
export const DB_INT_MIN = -2_147_483_648;

/** An integer within the database's range, narrowed further if given. */
export const Int = (opts: { minimum?: number; maximum?: number } = {}) =>
  Type.Integer({ minimum: opts.minimum ?? DB_INT_MIN, maximum: opts.maximum ?? DB_INT_MAX });

/** Digits as a string (clients send `"limit": "10"`): at most 9, so always below DB_INT_MAX. */
export const DigitString = () => Type.String({ pattern: '^[0-9]+$', minLength: 1, maxLength: 9 });
