import BetterSqlite3 from 'better-sqlite3';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { INBOX_MOVE } from './trace-sql.js';

// The SQLite file's background thread: work that must not run on the request path, on its own
// connection to the same file.
//
// 1. WAL checkpoints. By default SQLite runs a checkpoint inside whichever commit pushes the
//    WAL past 1,000 pages: that request (and every one queued behind the single writer) waits
//    for the copy and its fsyncs — the p99 tail of every write scenario. With
//    wal_autocheckpoint=0 on the serving connection, this thread runs PASSIVE checkpoints on a
//    timer: they never block readers or the writer. Durability is unchanged: commits are still
//    appended to the WAL under synchronous=NORMAL, and a checkpoint fsyncs the WAL before
//    copying it, exactly as the automatic one does. If the WAL still grows past LIMIT_PAGES (a
//    writer that never pauses keeps it from being reset), one RESTART checkpoint waits briefly
//    for the writer so the file starts over.
// 2. Moves of the trace inbox (migration 0012) into the indexed traces table, when the serving
//    connection asks (Store.moveTraceInbox). It asks only while its group committer holds every
//    write of the process back (GroupCommitter.runExclusive), so this connection's write
//    transaction never meets one of the server's: the server's thread stays free to read and
//    to parse requests, and the move's CPU (the indexing of a thousand traces, ~2.5 µs each)
//    is spent on this thread instead.

const INTERVAL_MS = 100;
const LIMIT_PAGES = 16_384;
/**
 * How long a move may go unanswered before the thread counts as lost. A move of 1,000 traces
 * takes ~2–5 ms and may wait behind one checkpoint (tens to hundreds of ms on a slow disk); a
 * thread silent for seconds is stuck, and every write of the process waits behind its move.
 */
export const ANSWER_DEADLINE_MS = 10_000;

interface Start { readonly file: string }
type Request = { readonly id: number; readonly moveTraces: number } | { readonly stallMs: number } | 'stop';
type Reply = { readonly id: number; readonly moved?: number; readonly error?: string };

export interface SqliteBackground {
  /** Moves up to `max` traces, oldest first, from the inbox into `traces` in one transaction; how many moved. */
  moveTraces(max: number): Promise<number>;
  stop(): Promise<void>;
  /** Ends the thread as a crash would (tests of what the serving connection then does). */
  terminateForTests(): Promise<void>;
  /** Keeps the thread busy for `ms`, answering nothing, as a stuck one would (tests of the deadline). */
  stallForTests(ms: number): void;
}

/**
 * Starts the background thread for a SQLite file (in WAL mode); `stop` ends it and closes its
 * connection. `onLost` is called once if the thread ends without being stopped (an error, an
 * exit) or leaves a move unanswered for `deadlineMs` (then it is ended): its checkpoints end
 * with it, and the serving connection must take them over.
 */
export function startBackground(file: string, onLost: () => void = () => {}, deadlineMs = ANSWER_DEADLINE_MS): SqliteBackground {
  const w = new Worker(new URL(import.meta.url), { workerData: { file } satisfies Start });
  w.unref();
  const pending = new Map<number, { resolve: (n: number) => void; reject: (e: Error) => void }>();
  let next = 0;
  let dead: Error | null = null;
  let stopping = false;
  const failAll = (e: Error) => {
    if (!dead && !stopping) onLost();
    dead = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    w.unref();
  };
  // A failing thread must not take the server down: checkpoints then fall to SQLite's longer
  // WAL, and a move that cannot be made here is made on the serving connection (Store).
  w.on('error', (e) => failAll(e));
  const exited = new Promise<void>((r) => w.once('exit', () => { failAll(new Error('the SQLite background thread exited')); r(); }));
  w.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) w.unref();
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.moved ?? 0);
  });
  return {
    moveTraces(max) {
      if (dead) return Promise.reject(dead);
      const id = next++;
      return new Promise<number>((resolve, reject) => {
        // Awaited work keeps the process alive (a shutdown settling the inbox); idle, the thread does not.
        if (pending.size === 0) w.ref();
        // Alive but silent: the move holds every write of the process back (runExclusive), so
        // past the deadline the thread counts as lost for the rest of the process's life and
        // is ended; the caller makes the move on the serving connection, and later writes go
        // on. terminate() stops JavaScript only: a thread stuck inside SQLite (a hung fsync)
        // keeps its lock until that call returns, and the serving connection's writes meet it
        // as SQLITE_BUSY (retried, then an error) — errors instead of a process that hangs.
        // Should the thread's move still commit, no trace moves twice: each move is one
        // transaction, and the serving connection's, if it read the inbox before that commit,
        // cannot then write (SQLite refuses to upgrade a stale snapshot; the write is retried).
        const timer = setTimeout(() => {
          failAll(new Error(`the SQLite background thread did not answer within ${deadlineMs} ms`));
          void w.terminate();
        }, deadlineMs);
        timer.unref();
        pending.set(id, {
          resolve: (n) => { clearTimeout(timer); resolve(n); },
          reject: (e) => { clearTimeout(timer); reject(e); },
        });
        w.postMessage({ id, moveTraces: max } satisfies Request);
      });
    },
    stallForTests(ms) {
      w.postMessage({ stallMs: ms } satisfies Request);
    },
    async terminateForTests() {
      await w.terminate();
      await exited;
    },
    async stop() {
      stopping = true;
      w.postMessage('stop' satisfies Request);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 1000).unref())]);
      await w.terminate();
    },
  };
}

function runWorker(): void {
  const { file } = workerData as Start;
  const db = new BetterSqlite3(file, { fileMustExist: true });
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 200');
  db.pragma('cache_size = -16384');
  // Its own commits (the moves) must not run a checkpoint inside them either: the timer does.
  db.pragma('wal_autocheckpoint = 0');
  const timer = setInterval(() => {
    try {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      if (r && r.log > LIMIT_PAGES) db.pragma('wal_checkpoint(RESTART)');
    } catch {
      // SQLITE_BUSY or a closing database: try again next tick.
    }
  }, INTERVAL_MS);
  let move: ((max: number) => number) | null = null;
  const moveFn = () => {
    // Prepared on first use: the inbox table exists only once the server has migrated.
    const end = db.prepare(INBOX_MOVE.chunkEnd);
    const copy = db.prepare(INBOX_MOVE.copy);
    const drop = db.prepare(INBOX_MOVE.drop);
    const tx = db.transaction((max: number) => {
      const e = end.get(max) as { last: number | null; n: number };
      if (e.last === null) return 0;
      copy.run(e.last);
      drop.run(e.last);
      return e.n;
    });
    return (max: number) => tx.immediate(max);
  };
  parentPort!.on('message', (m: Request) => {
    if (m === 'stop') {
      clearInterval(timer);
      db.close();
      parentPort!.close();
      return;
    }
    if (typeof m === 'object' && 'stallMs' in m) {
      // Busy, not blocked: a terminate() interrupts JavaScript, as it would not a native wait.
      const until = Date.now() + m.stallMs;
      while (Date.now() < until) { /* stuck */ }
      return;
    }
    try {
      move ??= moveFn();
      parentPort!.postMessage({ id: m.id, moved: move(m.moveTraces) } satisfies Reply);
    } catch (e) {
      parentPort!.postMessage({ id: m.id, error: (e as Error).message } satisfies Reply);
    }
  });
}

if (!isMainThread && (workerData as Start | undefined)?.file) runWorker();
