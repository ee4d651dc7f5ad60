import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { systemRoleId } from '../../src/domain/system-policies.js';
import { allocate, type TestApp, type TestProject } from '../support/app.js';
import { compute, consoleSuite, hostRow, idle, message, openHost, serverOn, serverStatus, shot, signIn } from './support.js';

// Who sees what (issue 9's console part, and the operator view of issue 12): a DeH
// ReadOnlyAccess user gets every changing button greyed out with the reason and no operator
// section; a user whose permission is taken away while the page is open still gets the
// service's 403 message, and the page then greys the button out; the admin's operator view
// injects a fault, repairs it, and sets a tenant's quota. Each ends in the API's state.

const DENIED_DELETE = 'Not permitted: your permissions do not allow deh:dedicatedHosts:delete.';

consoleSuite('console: permissions and operators', (engine) => {
  let t: TestApp;
  let url: string;
  let hostId: string;
  let serverId: string;
  let readers: string;
  let full: string;
  let tenant: TestProject;
  const { problems, admin } = engine;
  const pages: Page[] = [];
  const newUser = async (name: string) => (await admin('POST', '/v3/users', { user: { name, domain_id: 'default', password: 'pw-console' } })).user.id as string;
  const groupWith = async (name: string, policy: string) => {
    const g = (await admin('POST', '/v3/groups', { group: { name } })).group.id as string;
    await admin('PUT', `/v3/projects/${t.admin.projectId}/groups/${g}/roles/${systemRoleId(policy)}`);
    return g;
  };
  const open = async (user: string) => {
    const page = await engine.newPage();
    pages.push(page);
    await signIn(page, url, user, 'pw-console');
    return page;
  };

  before(async () => {
    ({ t, url } = engine);
    [hostId] = await allocate(t, t.admin, { name: 'team-host' });
    serverId = await serverOn(t, hostId, 'team-vm');
    readers = await groupWith('readers', 'system_all_58'); // DeH ReadOnlyAccess
    full = await groupWith('deh-admins', 'system_all_57'); // DeH FullAccess
  });

  test('a read-only user: changing buttons greyed out with the reason, no operator view', async () => {
    const reader = await newUser('reader');
    await admin('PUT', `/v3/groups/${readers}/users/${reader}`);
    const page = await open('reader');
    await hostRow(page, 'team-host').waitFor();
    // What the console shows is what the service says this token may do.
    const granted = (await t.call('GET', '/opendeh/v1/permissions', { token: await t.login('reader', 'pw-console', t.admin.projectId) })).json().permissions;
    assert.equal(granted['deh:dedicatedHosts:delete'], false);
    assert.equal(granted['deh:dedicatedHosts:list'], true);

    assert.ok(await page.locator('#perm-note').isVisible());
    assert.match((await page.locator('#perm-note').textContent())!, /deh:dedicatedHosts:create, deh:dedicatedHosts:update, deh:dedicatedHosts:delete/);
    const allocateButton = page.getByRole('button', { name: 'Allocate DeH' });
    assert.ok(await allocateButton.isDisabled());
    assert.equal(await allocateButton.getAttribute('title'), 'Not permitted: your permissions do not allow deh:dedicatedHosts:create.');
    const release = hostRow(page, 'team-host').getByRole('button', { name: 'Release', exact: true });
    assert.ok(await release.isDisabled());
    assert.equal(await release.getAttribute('title'), DENIED_DELETE);
    assert.ok(await hostRow(page, 'team-host').getByRole('switch').isDisabled());
    assert.equal(await page.locator('#create-ecs-auto').getAttribute('title'), 'Not permitted: your permissions do not allow ecs:servers:create.');
    assert.ok(await page.locator('#nav-operator').isHidden(), 'no operator section for a non-admin');
    // Reading works: the tags, the details, the ECSs.
    assert.deepEqual(await hostRow(page, 'team-host').locator('.chip').allTextContents(), []);
    await shot(page, t, 'read-only');

    await openHost(page, 'team-host');
    assert.equal(await page.locator('#detail-view').getByRole('button', { name: 'Save' }).getAttribute('title'), 'Not permitted: your permissions do not allow deh:dedicatedHosts:update.');
    assert.ok(await page.locator('#detail-view').getByRole('button', { name: 'Add tag' }).isDisabled());
    await openHost(page, 'team-host', 'ECSs on the DeH');
    const stop = page.locator('#ecs-table tbody tr').getByRole('button', { name: 'Stop', exact: true });
    assert.equal(await stop.getAttribute('title'), 'Not permitted: your permissions do not allow ecs:servers:stop.');
    // The service agrees: the reader's release is refused and nothing changed.
    const token = await t.login('reader', 'pw-console', t.admin.projectId);
    assert.equal((await t.call('DELETE', `/v1.0/${t.admin.projectId}/dedicated-hosts/${hostId}`, { token })).statusCode, 403);
    assert.equal((await t.deh(t.admin, 'GET', `/dedicated-hosts/${hostId}`)).json().dedicated_host.state, 'available');
    assert.equal((await serverStatus(t, serverId)).status, 'ACTIVE');
  });

  test('a permission taken away while the page is open: the service\'s 403 is shown, then the button is greyed out', async () => {
    const [spare] = await allocate(t, t.admin, { name: 'spare-host', host_type: 's3' });
    const user = await newUser('deh-admin');
    await admin('PUT', `/v3/groups/${full}/users/${user}`);
    const page = await open('deh-admin');
    const release = hostRow(page, 'spare-host').getByRole('button', { name: 'Release', exact: true });
    assert.ok(await release.isEnabled());
    // The operator moves the user from DeH FullAccess to ReadOnlyAccess.
    await admin('DELETE', `/v3/groups/${full}/users/${user}`);
    await admin('PUT', `/v3/groups/${readers}/users/${user}`);
    page.once('dialog', (d) => void d.accept());
    await release.click();
    await page.locator('#message.error').waitFor();
    await idle(page);
    const refused = await t.call('DELETE', `/v1.0/${t.admin.projectId}/dedicated-hosts/${spare}`, { token: await t.login('deh-admin', 'pw-console', t.admin.projectId) });
    assert.equal(refused.statusCode, 403);
    const { code, message: text } = refused.json().error;
    assert.equal(code, 'DEH.0033');
    assert.equal(await message(page).textContent(), `403 ${code} ${text}`);
    assert.match(text, /deh:dedicatedHosts:delete/);
    // The page re-read the permissions: the button now says why it is greyed out.
    await page.locator(`#hosts tbody tr[data-id="${spare}"] button[title="${DENIED_DELETE}"]`).waitFor();
    await shot(page, t, 'denied');
    assert.equal((await t.deh(t.admin, 'GET', `/dedicated-hosts/${spare}`)).json().dedicated_host.state, 'available');
  });

  test('operators: failure injection and repair of a tenant\'s DeH', async () => {
    tenant = await t.newProject({ name: 'tenant-x' });
    const [theirs] = await allocate(t, tenant, { name: 'their-host' });
    const created = await compute(t, 'POST', '/servers', {
      server: { name: 'their-vm', flavorRef: 'c4.large.2', imageRef: '', availability_zone: 'eu-de-01' }, 'os:scheduler_hints': { tenancy: 'dedicated', dedicated_host_id: theirs },
    }, tenant.token, tenant.projectId);
    assert.equal(created.statusCode, 202, created.body);
    const theirVm = created.json().server.id;
    const page = await engine.newPage();
    pages.push(page);
    await signIn(page, url);
    await page.locator('#nav').getByRole('button', { name: 'Operator' }).click();
    await idle(page);
    const ops = page.locator('#op-filter');
    await ops.locator('[name=name]').fill('their-host');
    await ops.getByLabel('Fault reason').fill('PSU failure');
    await ops.getByRole('button', { name: 'Search' }).click();
    await idle(page);
    const row = page.locator(`#op-hosts tbody tr[data-id="${theirs}"]`);
    assert.equal(await page.locator('#op-hosts tbody tr').count(), 1);
    assert.ok(await row.getByRole('button', { name: 'Repair' }).isDisabled());
    await row.getByRole('button', { name: 'Inject fault' }).click();
    await row.locator('.badge', { hasText: 'fault' }).waitFor();
    await idle(page);
    assert.equal(await message(page).textContent(), `DeH their-host (${theirs}) is in fault; 1 ECS(s) went to ERROR.`);
    assert.equal((await t.deh(tenant, 'GET', `/dedicated-hosts/${theirs}`)).json().dedicated_host.state, 'fault');
    assert.equal((await compute(t, 'GET', `/servers/${theirVm}`, undefined, tenant.token, tenant.projectId)).json().server.status, 'ERROR');
    await shot(page, t, 'operator');
    await row.getByRole('button', { name: 'Repair' }).click();
    await row.locator('.badge', { hasText: 'available' }).waitFor();
    await idle(page);
    assert.equal((await t.deh(tenant, 'GET', `/dedicated-hosts/${theirs}`)).json().dedicated_host.state, 'available');
  });

  test('operators: a tenant\'s quota', async () => {
    const page = pages.at(-1)!;
    await page.locator('#op-tenant').selectOption(tenant.projectId);
    await idle(page);
    const row = page.locator('#op-quota tr[data-resource=s3]');
    await row.getByLabel('New limit for s3').fill('3');
    await row.getByRole('button', { name: 'Set' }).click();
    await page.locator('#op-quota tr[data-resource=s3] td', { hasText: /^3$/ }).waitFor();
    await idle(page);
    const q = (await t.call('GET', `/v1.0/${t.admin.projectId}/quota-sets/${tenant.projectId}?resource=s3`, { token: t.admin.token })).json().quota_set;
    assert.deepEqual(q.map((e: { resource: string; hard_limit: number }) => [e.resource, e.hard_limit]), [['s3', 3]]);
  });

  test('operators: the physical pool per AZ and type (free, allocated, faulty), adding servers', async () => {
    const page = pages.at(-1)!;
    await page.locator('#op-refresh').click();
    await idle(page);
    assert.match((await page.locator('#op-pool').textContent())!, /No inventory is declared/);
    const form = page.locator('#op-pool-add');
    await form.getByLabel('Server names').fill('rack1-01, rack1-02, rack1-03');
    await form.getByLabel('AZ').fill('eu-de-01');
    await form.getByLabel('Host type').fill('c4');
    await form.getByRole('button', { name: 'Add servers' }).click();
    await page.locator('#op-pool-table').waitFor();
    await idle(page);
    const counts = async () => page.locator('#op-pool-table tr[data-key="eu-de-01/c4"] td.num').allTextContents();
    assert.deepEqual(await counts(), ['3', '0', '0', '0']);
    // A tenant's allocation takes servers; a fault of its DeH makes one faulty. (All three are
    // taken, so automatic recovery finds no spare and waits: the counts stay put.)
    const [taken] = await allocate(t, tenant, { name: 'pooled', quantity: 3 });
    assert.equal((await t.call('POST', `/opendeh/v1/hosts/${taken}/fault`, { token: t.admin.token, body: {} })).statusCode, 200);
    await page.locator('#op-refresh').click();
    await idle(page);
    const api = (await t.call('GET', '/opendeh/v1/pool', { token: t.admin.token })).json();
    assert.equal(api.configured, true);
    const c = api.pool.find((x: { availability_zone: string; host_type: string }) => x.availability_zone === 'eu-de-01' && x.host_type === 'c4');
    assert.deepEqual(await counts(), [c.free, c.allocated, c.faulty, c.retired].map(String));
    assert.deepEqual([c.free, c.allocated, c.faulty, c.retired], [0, 2, 1, 0]);
    await shot(page, t, 'pool');
    assert.deepEqual(problems, []);
  });
});
