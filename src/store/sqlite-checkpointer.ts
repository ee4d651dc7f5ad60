import BetterSqlite3 from 'better-sqlite3';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

// WAL checkpoints off the request path. By default SQLite runs a checkpoint inside whichever
// commit pushes the WAL past 1,000 pages: that request (and every one queued behind the single
// writer) waits for the copy and its fsyncs — the p99 tail of every write scenario. With
// wal_autocheckpoint=0 on the serving connection, this worker thread, on its own connection to
// the same file, runs PASSIVE checkpoints on a timer: they never block readers or the writer.
// Durability is unchanged: commits are still appended to the WAL under synchronous=NORMAL,
// and a checkpoint fsyncs the WAL before copying it, exactly as the automatic one does.
// If the WAL still grows past LIMIT_PAGES (a writer that never pauses keeps it from being
// reset), one RESTART checkpoint waits briefly for the writer so the file starts over.

const INTERVAL_MS = 100;
const LIMIT_PAGES = 16_384;

interface Start { readonly file: string }

export interface Checkpointer { stop(): Promise<void> }

/** Starts the checkpoint thread for a SQLite file (in WAL mode); `stop` ends it and closes its connection. */
export function startCheckpointer(file: string): Checkpointer {
  const w = new Worker(new URL(import.meta.url), { workerData: { file } satisfies Start });
  w.unref();
  // A failing checkpointer must not take the server down; SQLite then simply keeps a longer WAL.
  w.on('error', () => {});
  const exited = new Promise<void>((r) => w.once('exit', () => r()));
  return {
    async stop() {
      w.postMessage('stop');
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
  const timer = setInterval(() => {
    try {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      if (r && r.log > LIMIT_PAGES) db.pragma('wal_checkpoint(RESTART)');
    } catch {
      // SQLITE_BUSY or a closing database: try again next tick.
    }
  }, INTERVAL_MS);
  parentPort!.on('message', (m) => {
    if (m !== 'stop') return;
    clearInterval(timer);
    db.close();
    parentPort!.close();
  });
}

if (!isMainThread && (workerData as Start | undefined)?.file) runWorker();
