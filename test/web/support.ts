import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { listeningApp } from '../cli/support.js';
import { ADMIN_PASSWORD, type TestApp } from '../support/app.js';
import { DIALECTS, type Dialect } from '../support/dialects.js';

// Shared by the browser suites: Debian's Chromium driven by playwright-core, one browser per
// test file, pages that record every script error or CSP violation, and the console's steps
// (sign in, wait until idle, screenshots for docs/console.md).

export const CHROMIUM = '/usr/bin/chromium';
export const skipBrowser = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\``;

/**
 * Where screenshots go. The docs' pictures are made by running the browser suites with
 * OPENDEH_CONSOLE_SHOTS=docs/console (see docs/console.md); other runs write to /tmp, so a
 * test run never changes tracked files.
 */
export const SHOTS = process.env.OPENDEH_CONSOLE_SHOTS ?? '/tmp/opendeh-console-shots';

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page whose problems (script errors, CSP violations, missing assets) are collected in `problems`. */
export async function newPage(browser: Browser, problems: string[]): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // API errors are part of the tests; any other console error (a CSP violation) is a problem.
  page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400 && new URL(r.url()).pathname.startsWith('/console')) problems.push(`asset: ${r.status()} ${r.url()}`); });
  page.setDefaultTimeout(10_000);
  return page;
}

/** What the tests of one engine share in a console suite (see consoleSuite). */
export interface ConsoleEngine {
  readonly dialect: Dialect;
  /** The app of this engine, listening; set before the suite's own before hooks run. */
  readonly t: TestApp;
  /** Its URL (the token catalog names this port). */
  readonly url: string;
  /** What every page of newPage reported (script errors, CSP violations, missing assets). */
  readonly problems: string[];
  /** A page of its own context, reporting into `problems`; closed after this engine's tests. */
  newPage(): Promise<Page>;
  /** An admin API call that must succeed (< 300); its JSON answer, if any. */
  admin(method: string, path: string, body?: unknown): Promise<any>;
}

/**
 * A browser suite: one Chromium for the file and, per engine, a listening app of its own;
 * `body` registers that engine's hooks and tests (they run after the app is up), and every
 * page it opened and the app are closed after them. Without Chromium, one skipped test
 * (counted in the runner's "skipped" line), never a silent pass.
 */
export function consoleSuite(name: string, body: (engine: ConsoleEngine) => void): void {
  if (skipBrowser) {
    test(name, { skip: skipBrowser }, () => {});
    return;
  }
  describe(name, () => {
    let browser: Browser;
    before(async () => { browser = await launch(); });
    after(async () => { await browser?.close(); });

    for (const dialect of DIALECTS) {
      describe(`[${dialect}]`, () => {
        let app: { t: TestApp; url: string } | undefined;
        const problems: string[] = [];
        const pages: Page[] = [];
        const up = () => {
          if (!app) throw new Error('the app of a console suite is up only once its before hook has run');
          return app;
        };
        before(async () => { app = await listeningApp(dialect); });
        after(async () => {
          // Closing a context twice is harmless: a test may close its page itself.
          for (const p of pages) await p.context().close();
          await app?.t.close();
        });
        body({
          dialect, problems,
          get t() { return up().t; },
          get url() { return up().url; },
          async newPage() {
            const page = await newPage(browser, problems);
            pages.push(page);
            return page;
          },
          async admin(method, path, body) {
            const r = await up().t.call(method, path, { token: up().t.admin.token, body });
            assert.ok(r.statusCode < 300, `${method} ${path}: ${r.statusCode} ${r.body}`);
            return r.body ? r.json() : undefined;
          },
        });
      });
    }
  });
}

/** Every action of the page has finished (the page keeps aria-busy while one runs). */
export const idle = (page: Page) => page.locator('body:not([aria-busy="true"])').waitFor({ state: 'attached' });

export async function signIn(page: Page, url: string, user = 'admin', password = ADMIN_PASSWORD, project = 'eu-de'): Promise<void> {
  await page.goto(`${url}/console`);
  // Within the form: other views have fields labelled alike (the Traces filter's "User").
  const form = page.locator('#login-form');
  await form.getByLabel('User').fill(user);
  await form.getByLabel('Password').fill(password);
  await form.getByLabel('Project').fill(project);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#hosts-view').waitFor();
  await idle(page);
}

/** A screenshot for the docs (only of the first engine's run: the pictures are the same). */
export async function shot(page: Page, t: TestApp, name: string): Promise<void> {
  if (t.dialect !== 'sqlite') return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The list row of the DeH named `name`. */
export const hostRow = (page: Page, name: string) => page.locator('#hosts tbody tr', { has: page.getByRole('button', { name, exact: true }) });
/** The row of ECS `name` on the ECS tab. */
export const ecsRow = (page: Page, name: string) => page.locator('#ecs-table tbody tr', { has: page.locator('.name', { hasText: new RegExp(`^${name}$`) }) });
export const message = (page: Page) => page.locator('#message-text');

/** Opens a DeH's details page from the list, on a tab. */
export async function openHost(page: Page, name: string, tab: 'Basic information' | 'ECSs on the DeH' = 'Basic information'): Promise<void> {
  if (await page.locator('#detail-view').isVisible() && await page.locator('#detail-view h2', { hasText: name }).count() > 0) {
    // already there
  } else {
    if (!await page.locator('#hosts-view').isVisible()) {
      await page.locator('#nav').getByRole('button', { name: 'Dedicated hosts' }).click();
      await idle(page);
    }
    await hostRow(page, name).getByRole('button', { name, exact: true }).click();
    await page.locator('#detail-view h2', { hasText: name }).waitFor();
  }
  await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
  await page.locator(`#detail-view [role=tab][aria-selected=true]`, { hasText: tab }).waitFor();
  await idle(page);
}

/** The compute API of the test app (project-scoped path). */
export async function compute(t: TestApp, method: string, path: string, body?: unknown, token = t.admin.token, projectId = t.admin.projectId) {
  const r = await t.call(method, `/compute/v2.1/${projectId}${path}`, { token, body });
  return r;
}

/** Creates a server through the API on `hostId` and returns its id. */
export async function serverOn(t: TestApp, hostId: string, name: string, flavor = 'c4.large.2'): Promise<string> {
  const r = await compute(t, 'POST', '/servers', {
    server: { name, flavorRef: flavor, imageRef: '', availability_zone: 'eu-de-01' }, 'os:scheduler_hints': { tenancy: 'dedicated', dedicated_host_id: hostId },
  });
  assert.equal(r.statusCode, 202, r.body);
  return r.json().server.id;
}

export async function serverStatus(t: TestApp, id: string): Promise<{ status: string; host: string | null; flavor: string }> {
  const r = await compute(t, 'GET', `/servers/${id}`);
  assert.equal(r.statusCode, 200, r.body);
  const s = r.json().server;
  return { status: s.status, host: s['OS-EXT-SRV-ATTR:host'], flavor: s.flavor.original_name ?? s.flavor.id };
}
