import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DIALECTS, PG_URL, type Dialect } from '../support/dialects.js';
import { cli, freePort } from './support.js';

// The operator commands that need no server (config, migrate, bootstrap, quota set), then
// `opendeh serve` as a real process on the same database, read back through the client
// commands: what the operator did offline is what the API serves.

const BIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** An empty database of its own: a SQLite data dir, or a fresh PostgreSQL database. */
async function emptyDatabase(dialect: Dialect): Promise<{ env: Record<string, string>; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'opendeh-cli-'));
    return { env: { OPENDEH_DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `opendeh_cli_${process.pid}_${Date.now().toString(36)}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(sql);
    await c.end();
  };
  await admin(`create database ${name}`);
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return { env: { OPENDEH_DATABASE_URL: u.toString() }, drop: () => admin(`drop database if exists ${name} with (force)`) };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
  });
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string): Promise<void> {
  // A deadline, not a count: on a loaded machine a cold start (tsc'd code, migrations) takes >10 s.
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${log()}`);
    try {
      if ((await fetch(`${url}/opendeh/healthz`)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`serve did not become healthy: ${log()}`);
}

for (const dialect of DIALECTS) {
  describe(`cli offline admin and serve [${dialect}]`, () => {
    let db: Awaited<ReturnType<typeof emptyDatabase>>;
    before(async () => { db = await emptyDatabase(dialect); });
    after(async () => { await db.drop(); });

    test('config lists every variable and checks the environment', async () => {
      const r = await cli(['config']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^VARIABLE\s+DEFAULT\s+SET TO\s+MEANING$/m);
      assert.match(r.out, /^OPENDEH_PORT\s+8080\s+TCP port/m);
      const set = await cli(['config', '--json'], { OPENDEH_PORT: '9000', OPENDEH_ADMIN_PASSWORD: 'secret', OPENDEH_DATABASE_URL: 'postgres://u:pw@db:5432/x' });
      const rows = JSON.parse(set.out) as { env: string; value?: string }[];
      assert.equal(rows.find((x) => x.env === 'OPENDEH_PORT')?.value, '9000');
      // Secrets never reach the terminal.
      assert.equal(rows.find((x) => x.env === 'OPENDEH_ADMIN_PASSWORD')?.value, '***');
      assert.equal(rows.find((x) => x.env === 'OPENDEH_DATABASE_URL')?.value, 'postgres://u:***@db:5432/x');
      const bad = await cli(['config', '--check'], { OPENDEH_PORT: 'x', OPENDEH_WORKERS: '0' });
      assert.equal(bad.code, 2);
      assert.match(bad.err, /OPENDEH_PORT: expected an integer/);
      assert.match(bad.err, /OPENDEH_WORKERS: expected 1\.\.64/);
      assert.equal((await cli(['config', '--check'], db.env)).code, 0);
    });

    test('migrate, bootstrap, quota set offline; serve then answers with that state', async () => {
      const migrate = await cli(['migrate'], db.env);
      assert.equal(migrate.code, 0, migrate.err);
      assert.match(migrate.out, /database schema is up to date/);

      const boot = await cli(['bootstrap'], db.env);
      assert.equal(boot.code, 0, boot.err);
      const password = /^generated password: (\S+)$/m.exec(boot.out)?.[1];
      assert.ok(password, boot.out);
      const again = await cli(['bootstrap'], db.env);
      assert.equal(again.code, 0, again.err);
      assert.doesNotMatch(again.out, /generated password/);

      const set = await cli(['quota', 'set', 'eu-de', 'c4', '5'], db.env);
      assert.equal(set.code, 0, set.err);
      assert.match(set.out, /^hard_limit\s+5$/m);
      const unlimited = await cli(['quota', 'set', 'eu-de', 's3', '-1'], db.env);
      assert.equal(unlimited.code, 0, unlimited.err);
      const badType = await cli(['quota', 'set', 'eu-de', 'no-such-type', '1'], db.env);
      assert.equal(badType.code, 1);
      assert.match(badType.err, /^error: DEH\.0405 host type "no-such-type" does not exist\n$/);
      const ghost = await cli(['quota', 'set', 'no-such-project', 'c4', '1'], db.env);
      assert.equal(ghost.code, 2);

      // --workers 2 on SQLite is refused by the configuration before anything starts.
      if (dialect === 'sqlite') {
        const refused = await cli(['serve', '--workers', '2'], db.env);
        assert.equal(refused.code, 2);
        assert.match(refused.err, /OPENDEH_WORKERS: more than one process needs OPENDEH_DATABASE_URL/);
      }

      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const env = { PATH: process.env.PATH ?? '', ...db.env, OPENDEH_LOG_LEVEL: 'warn', OPENDEH_HOST: '127.0.0.1' };
      const args = [BIN, 'serve', '--port', String(port), ...(dialect === 'postgres' ? ['--workers', '2'] : [])];
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      child.stdout!.on('data', (d) => { log += d; });
      child.stderr!.on('data', (d) => { log += d; });
      try {
        await waitHealthy(url, child, () => log);
        const client = { OPENDEH_PASSWORD: password! };
        const quota = await cli(['quota', 'show', '--url', url], client);
        assert.equal(quota.code, 0, quota.err);
        assert.match(quota.out, /^c4\s+0\s+5$/m);
        assert.match(quota.out, /^s3\s+0\s+unlimited$/m);

        // The installed binary itself: exit status and the error line of a refused call.
        const shown = spawn(process.execPath, [BIN, 'host', 'show', 'no-such-host', '--url', url], { env: { PATH: env.PATH, OPENDEH_PASSWORD: password! } });
        let err = '';
        shown.stderr!.on('data', (d) => { err += d; });
        assert.equal(await exitOf(shown), 1);
        assert.equal(err, 'error: 404 DEH.0404 DeH no-such-host could not be found\n');
      } finally {
        child.kill('SIGTERM');
        await exitOf(child);
      }
    });
  });
}
