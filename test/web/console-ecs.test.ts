import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { allocate, type TestApp } from '../support/app.js';
import { compute, consoleSuite, ecsRow, idle, message, openHost, serverOn, serverStatus, shot, signIn } from './support.js';

// The manual's ECS procedures on a DeH (getting_started/deploying_ecss_on_dehs and
// ecs_management/*) in the console: create on a DeH and by auto placement, start / stop /
// restart / delete one ECS and a batch (with the batch state rules), modify specifications,
// migrate to another DeH and out of DeH. Each ends in what the compute and DeH APIs hold.

consoleSuite('console: ECS procedures', (engine) => {
  let t: TestApp;
  let page: Page;
  let hostA: string;
  let hostB: string;
  const { problems } = engine;
  const onHost = async (hostId: string) => ((await t.deh(t.admin, 'GET', `/dedicated-hosts/${hostId}/servers`)).json().servers as { id: string; name: string; status: string }[]);
  const idOf = async (name: string) => (await ecsRow(page, name).getAttribute('data-id'))!;
  const batchButton = (label: string) => page.getByRole('toolbar', { name: 'ECS batch actions' }).getByRole('button', { name: label, exact: true });

  before(async () => {
    t = engine.t;
    [hostA] = await allocate(t, t.admin, { name: 'deh-a' });
    [hostB] = await allocate(t, t.admin, { name: 'deh-b', auto_placement: 'off' });
    page = await engine.newPage();
    await signIn(page, engine.url);
  });

  test('creating an ECS on a DeH (its ECS tab)', async () => {
    await openHost(page, 'deh-a', 'ECSs on the DeH');
    await page.locator('#detail-view').getByRole('button', { name: 'Create ECS' }).click();
    const dialog = page.locator('#dialog');
    await dialog.getByLabel('Name').fill('vm-1');
    await dialog.getByLabel('Flavor').selectOption('c4.large.2');
    await shot(page, t, 'create-ecs');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await ecsRow(page, 'vm-1').waitFor();
    await idle(page);
    const id = await idOf('vm-1');
    assert.match((await message(page).textContent())!, new RegExp(`^Created ECS vm-1 \\(${id}\\) on DeH ${hostA}\\.$`));
    assert.deepEqual((await onHost(hostA)).map((s) => s.name), ['vm-1']);
    const s = await serverStatus(t, id);
    assert.equal(s.flavor, 'c4.large.2');
    assert.equal(s.host, hostA);
  });

  test('"Create ECS" without a DeH: auto placement picks a DeH with auto placement on', async () => {
    await page.locator('#nav').getByRole('button', { name: 'Dedicated hosts' }).click();
    await idle(page);
    await page.locator('#create-ecs-auto').click();
    const dialog = page.locator('#dialog');
    await dialog.getByLabel('Name').fill('vm-auto');
    await dialog.getByLabel('Availability zone').fill('eu-de-01');
    await dialog.getByLabel('Flavor').selectOption('c4.xlarge.2');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.locator('#message.info').waitFor();
    await idle(page);
    const text = (await message(page).textContent())!;
    const id = /^Created ECS vm-auto \((\S+)\) on DeH (\S+)\.$/.exec(text);
    assert.ok(id, text);
    // deh-b has auto placement off: only deh-a may take it.
    assert.equal(id[2], hostA);
    assert.equal((await serverStatus(t, id[1])).host, hostA);
    assert.deepEqual((await onHost(hostA)).map((s) => s.name).sort(), ['vm-1', 'vm-auto']);
  });

  test('managing an ECS: stop, start, restart one ECS (state rules on the buttons)', async () => {
    await openHost(page, 'deh-a', 'ECSs on the DeH');
    const id = await idOf('vm-1');
    const row = ecsRow(page, 'vm-1');
    // Running: Start and Modify specifications are greyed out with the manual's rule.
    assert.ok(await row.getByRole('button', { name: 'Start', exact: true }).isDisabled());
    assert.equal(await row.getByRole('button', { name: 'Start', exact: true }).getAttribute('title'), 'Start is allowed only when the ECS is stopped.');
    assert.equal(await row.getByRole('button', { name: 'Modify specifications', exact: true }).getAttribute('title'), 'Only a stopped ECS can be modified; stop it first.');

    await row.getByRole('button', { name: 'Stop', exact: true }).click();
    await row.locator('.badge', { hasText: 'SHUTOFF' }).waitFor();
    await idle(page);
    assert.equal((await serverStatus(t, id)).status, 'SHUTOFF');
    assert.ok(await row.getByRole('button', { name: 'Restart', exact: true }).isDisabled());

    await row.getByRole('button', { name: 'Start', exact: true }).click();
    await row.locator('.badge', { hasText: 'ACTIVE' }).waitFor();
    await idle(page);
    assert.equal((await serverStatus(t, id)).status, 'ACTIVE');

    const before = (await compute(t, 'GET', `/servers/${id}`)).json().server.updated;
    t.clock.advance(2000); // the restart's write then carries a later `updated` (second resolution)
    await row.getByRole('button', { name: 'Restart', exact: true }).click();
    await page.locator('#message.info', { hasText: 'Restart: vm-1' }).waitFor();
    await idle(page);
    const after = (await compute(t, 'GET', `/servers/${id}`)).json().server;
    assert.equal(after.status, 'ACTIVE');
    assert.ok(after.updated > before, `the restart reached the service (${before} → ${after.updated})`);
  });

  test('managing the ECSs on a DeH in batches: start, stop, restart, delete', async () => {
    for (const n of ['b-1', 'b-2', 'b-3']) await serverOn(t, hostA, n);
    await page.locator('#detail-view').getByRole('tab', { name: /^ECSs on the DeH/ }).click();
    await ecsRow(page, 'b-3').waitFor();
    await idle(page);
    const ids = await Promise.all(['b-1', 'b-2', 'b-3'].map(idOf));
    // Nothing selected: every batch button says why it is greyed out.
    assert.equal(await batchButton('Stop').getAttribute('title'), 'Select one or more ECSs in the list first.');
    for (const n of ['b-1', 'b-2', 'b-3']) await page.getByLabel(`Select ${n}`).check();
    assert.ok(await batchButton('Start').isDisabled(), 'running ECSs cannot be started');
    await batchButton('Stop').click();
    await page.locator('#results').waitFor();
    await idle(page);
    assert.equal(await page.locator('#results h4').textContent(), 'Stop: 3 of 3 succeeded');
    for (const id of ids) assert.equal((await serverStatus(t, id)).status, 'SHUTOFF');

    // Mixed states: Stop and Restart need every selected ECS running, Start every one stopped.
    await page.getByLabel('Select b-1').check();
    await page.getByLabel('Select vm-1').check();
    assert.ok(await batchButton('Start').isDisabled());
    assert.ok(await batchButton('Stop').isDisabled());
    assert.match((await batchButton('Stop').getAttribute('title'))!, /every selected ECS is running \(ECSs in a batch must be in the same state\)/);
    assert.ok(await batchButton('Delete').isEnabled(), 'Delete takes ECSs in any state');
    await shot(page, t, 'ecs-batch');
    await page.getByLabel('Select vm-1').uncheck();
    for (const n of ['b-2', 'b-3']) await page.getByLabel(`Select ${n}`).check();
    await batchButton('Start').click();
    await page.locator('#results h4', { hasText: 'Start: 3 of 3 succeeded' }).waitFor();
    await idle(page);
    for (const id of ids) assert.equal((await serverStatus(t, id)).status, 'ACTIVE');

    for (const n of ['b-1', 'b-2']) await page.getByLabel(`Select ${n}`).check();
    await batchButton('Restart').click();
    await page.locator('#results h4', { hasText: 'Restart: 2 of 2 succeeded' }).waitFor();
    await idle(page);

    for (const n of ['b-1', 'b-2', 'b-3']) await page.getByLabel(`Select ${n}`).check();
    page.once('dialog', (d) => void d.accept());
    await batchButton('Delete').click();
    await page.locator('#results h4', { hasText: 'Delete: 3 of 3 succeeded' }).waitFor();
    await idle(page);
    assert.deepEqual((await onHost(hostA)).map((s) => s.name).sort(), ['vm-1', 'vm-auto']);
    for (const id of ids) assert.equal((await compute(t, 'GET', `/servers/${id}`)).statusCode, 404);
  });

  test('modifying the specifications of a stopped ECS', async () => {
    const id = await idOf('vm-auto');
    const row = ecsRow(page, 'vm-auto');
    await row.getByRole('button', { name: 'Stop', exact: true }).click();
    await row.locator('.badge', { hasText: 'SHUTOFF' }).waitFor();
    await idle(page);
    const freeBefore = (await t.deh(t.admin, 'GET', `/dedicated-hosts/${hostA}`)).json().dedicated_host.available_vcpus;
    await row.getByRole('button', { name: 'Modify specifications', exact: true }).click();
    const dialog = page.locator('#dialog');
    await dialog.getByLabel('New flavor').selectOption('c4.2xlarge.2');
    await shot(page, t, 'modify-specifications');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await page.locator('#message.info', { hasText: 'Modified specifications of vm-auto' }).waitFor();
    await idle(page);
    const s = await serverStatus(t, id);
    assert.equal(s.flavor, 'c4.2xlarge.2');
    assert.equal(s.status, 'SHUTOFF');
    // c4.xlarge.2 (4 vCPUs) → c4.2xlarge.2 (8): the DeH has 4 fewer free.
    assert.equal((await t.deh(t.admin, 'GET', `/dedicated-hosts/${hostA}`)).json().dedicated_host.available_vcpus, freeBefore - 4);
    assert.equal(await row.locator('td').nth(3).textContent(), 'c4.2xlarge.2');
  });

  test('migrating a stopped ECS to another DeH, then out of DeH to the shared pool', async () => {
    const id = await idOf('vm-auto');
    await ecsRow(page, 'vm-auto').getByRole('button', { name: 'Migrate', exact: true }).click();
    const dialog = page.locator('#dialog');
    await dialog.getByLabel('To another DeH').check();
    await dialog.getByLabel('Destination DeH').selectOption(hostB);
    await shot(page, t, 'migrate');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await page.locator('#message.info', { hasText: `Migrated vm-auto to DeH ${hostB}` }).waitFor();
    await idle(page);
    assert.equal(await ecsRow(page, 'vm-auto').count(), 0, 'gone from this DeH\'s tab');
    assert.deepEqual((await onHost(hostB)).map((s) => s.name), ['vm-auto']);
    let s = await serverStatus(t, id);
    assert.equal(s.host, hostB);
    assert.equal(s.status, 'SHUTOFF');

    await openHost(page, 'deh-b', 'ECSs on the DeH');
    await ecsRow(page, 'vm-auto').getByRole('button', { name: 'Migrate', exact: true }).click();
    // deh-a is the only other DeH; choose "Out of DeH" instead.
    await dialog.getByLabel('Out of DeH (to the shared pool)').check();
    await dialog.getByRole('button', { name: 'OK' }).click();
    await page.locator('#message.info', { hasText: 'Migrated vm-auto out of DeH to the shared pool' }).waitFor();
    await idle(page);
    assert.deepEqual(await onHost(hostB), []);
    s = await serverStatus(t, id);
    assert.equal(s.host, null);
    assert.equal(s.status, 'SHUTOFF');
  });

  test('a refused action shows the service\'s message (the page showed a state that changed meanwhile)', async () => {
    await openHost(page, 'deh-a', 'ECSs on the DeH');
    const id = await idOf('vm-1');
    // A running ECS cannot migrate: the button says so before the service is asked.
    assert.ok(await ecsRow(page, 'vm-1').getByRole('button', { name: 'Migrate', exact: true }).isDisabled());
    // Someone else stops it; the page still shows it running and offers Stop.
    assert.equal((await compute(t, 'POST', `/servers/${id}/action`, { 'os-stop': null })).statusCode, 202);
    await ecsRow(page, 'vm-1').getByRole('button', { name: 'Stop', exact: true }).click();
    await page.locator('#message.error').waitFor();
    await idle(page);
    const refused = await compute(t, 'POST', `/servers/${id}/action`, { 'os-stop': null });
    assert.equal(refused.statusCode, 409);
    const [[kind, body]] = Object.entries(refused.json() as Record<string, { message: string }>); // Nova: {"conflictingRequest": {code, message}}
    assert.equal(await message(page).textContent(), `409 ${kind} ${body.message}`);
    assert.equal((await serverStatus(t, id)).status, 'SHUTOFF');
    // The list was read again: it shows the state that made the service refuse.
    assert.equal(await ecsRow(page, 'vm-1').locator('.badge').textContent(), 'SHUTOFF');
    await shot(page, t, 'refused');
    // Deleting the last ECS from its row.
    page.once('dialog', (d) => void d.accept());
    await ecsRow(page, 'vm-1').getByRole('button', { name: 'Delete', exact: true }).click();
    await page.locator('#detail-view p.empty', { hasText: 'No ECSs on this DeH.' }).waitFor();
    await idle(page);
    assert.deepEqual(await onHost(hostA), []);
    assert.deepEqual(problems, []);
  });
});
