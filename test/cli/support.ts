import { createServer } from 'node:net';
import { after, before, describe } from 'node:test';
import { runCli } from '../../src/cli/program.js';
import { ADMIN_PASSWORD, buildTestApp, type TestApp } from '../support/app.js';
import { DIALECTS, type Dialect } from '../support/dialects.js';

// Helpers for the CLI suites: run `opendeh …` in-process with captured output and an
// environment of the test's choosing (never the developer's OS_* variables).

export interface CliResult { readonly code: number; readonly out: string; readonly err: string }

export async function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (s) => { out += s; }, err: (s) => { err += s; }, env });
  return { code, out, err };
}

/** A port nobody listens on right now (the catalog must name the port before the app listens). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A real app listening on 127.0.0.1. Its public URL (what the token catalog names) is this
 * port, so the CLI finds the DeH endpoint exactly as it would in production.
 */
export async function listeningApp(dialect: Dialect): Promise<{ t: TestApp; url: string; env: Record<string, string> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await buildTestApp(dialect, { OPENDEH_PUBLIC_URL: url });
  await t.app.listen({ host: '127.0.0.1', port });
  return { t, url, env: { OPENDEH_PASSWORD: ADMIN_PASSWORD } };
}

/** What the tests of one engine share in a CLI suite (see cliSuite). */
export interface CliEngine {
  /** The app of this engine, listening; set before the suite's own before hooks run. */
  readonly t: TestApp;
  readonly url: string;
  /** The admin's password, as OPENDEH_PASSWORD. */
  readonly env: Record<string, string>;
  /** `opendeh <args> --url <this app>` as the admin. */
  run(...args: string[]): Promise<CliResult>;
}

/**
 * A CLI suite: per engine, `${name} [engine]` with a listening app of its own, closed after
 * its tests; `body` registers that engine's hooks and tests.
 */
export function cliSuite(name: string, body: (engine: CliEngine) => void): void {
  for (const dialect of DIALECTS) {
    describe(`${name} [${dialect}]`, () => {
      let app: Awaited<ReturnType<typeof listeningApp>> | undefined;
      const up = () => {
        if (!app) throw new Error('the app of a CLI suite is up only once its before hook has run');
        return app;
      };
      before(async () => { app = await listeningApp(dialect); });
      after(async () => { await app?.t.close(); });
      body({
        get t() { return up().t; },
        get url() { return up().url; },
        get env() { return up().env; },
        run: (...args) => cli([...args, '--url', up().url], up().env),
      });
    });
  }
}
