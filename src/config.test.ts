import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, describeOptions, loadConfig } from './config.js';

test('defaults give a working embedded configuration', () => {
  const c = loadConfig({});
  assert.equal(c.port, 8080);
  assert.equal(c.region, 'eu-de');
  assert.equal(c.databaseUrl, '');
  assert.equal(c.publicUrl, 'http://127.0.0.1:8080');
  assert.deepEqual(c.availabilityZones, ['eu-de-01', 'eu-de-02', 'eu-de-03']);
  assert.ok(Object.isFrozen(c));
});

test('every bad variable is named in one error', () => {
  try {
    loadConfig({ OPENDEH_PORT: 'eighty', OPENDEH_TOKEN_TTL: '5', OPENDEH_PLACEMENT_STRATEGY: 'random', OPENDEH_DATABASE_URL: 'mysql://x' });
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const names = e.problems.map((p) => p.split(':')[0]).sort();
    assert.deepEqual(names, ['OPENDEH_DATABASE_URL', 'OPENDEH_PLACEMENT_STRATEGY', 'OPENDEH_PORT', 'OPENDEH_TOKEN_TTL']);
  }
});

test('several workers need PostgreSQL: SQLite has a single writer', () => {
  assert.throws(() => loadConfig({ OPENDEH_WORKERS: '3' }), /OPENDEH_WORKERS: more than one process needs OPENDEH_DATABASE_URL/);
  assert.equal(loadConfig({ OPENDEH_WORKERS: '3', OPENDEH_DATABASE_URL: 'postgres://u@h/db' }).workers, 3);
});

test('host types per AZ are parsed and must name known AZs', () => {
  const c = loadConfig({ OPENDEH_AZ_HOST_TYPES: 'eu-de-01=c4,s3;eu-de-02=m4' });
  assert.deepEqual(c.azHostTypes, { 'eu-de-01': ['c4', 's3'], 'eu-de-02': ['m4'] });
  assert.throws(() => loadConfig({ OPENDEH_AZ_HOST_TYPES: 'eu-nl-01=c4' }), /not in OPENDEH_AZS/);
});

test('the public URL is normalised and an IPv6 listen address is bracketed', () => {
  assert.equal(loadConfig({ OPENDEH_PUBLIC_URL: 'https://deh.example.org/' }).publicUrl, 'https://deh.example.org');
  assert.equal(loadConfig({ OPENDEH_HOST: '::1', OPENDEH_PORT: '9000' }).publicUrl, 'http://[::1]:9000');
});

test('every option is documented', () => {
  for (const o of describeOptions()) {
    assert.match(o.env, /^OPENDEH_[A-Z_]+$/);
    assert.ok(o.help.length > 10, `${o.env} has help`);
  }
});

test('external Keystone: the URL loses a trailing /v3, the service password is required, timeouts and cache are bounded', () => {
  const c = loadConfig({ OPENDEH_KEYSTONE_URL: 'http://ks.example:5000/v3/', OPENDEH_KEYSTONE_SERVICE_PASSWORD: 's' });
  assert.equal(c.keystoneUrl, 'http://ks.example:5000');
  assert.equal(c.keystoneServiceUser, 'opendeh');
  assert.equal(c.keystoneServiceProject, 'service');
  assert.equal(c.keystoneCacheSeconds, 30);
  assert.equal(loadConfig({}).keystoneUrl, '', 'the embedded identity is the default');
  assert.throws(() => loadConfig({ OPENDEH_KEYSTONE_URL: 'http://ks:5000' }), /OPENDEH_KEYSTONE_SERVICE_PASSWORD: required/);
  assert.throws(() => loadConfig({ OPENDEH_KEYSTONE_URL: 'ftp://ks' }), /OPENDEH_KEYSTONE_URL/);
  assert.throws(() => loadConfig({ OPENDEH_KEYSTONE_TIMEOUT_MS: '0' }), /OPENDEH_KEYSTONE_TIMEOUT_MS/);
  assert.throws(() => loadConfig({ OPENDEH_KEYSTONE_CACHE_SECONDS: '-1' }), /OPENDEH_KEYSTONE_CACHE_SECONDS/);
});

test('abuse limits are off by default and read as COUNT/SECONDS', () => {
  const off = loadConfig({});
  assert.equal(off.rateProject, null);
  assert.equal(off.rateSource, null);
  assert.equal(off.loginFailuresUser, null);
  assert.equal(off.loginFailuresSource, null);
  const on = loadConfig({ OPENDEH_RATE_PROJECT: '100/1', OPENDEH_LOGIN_FAILURES_USER: ' 5 / 300 ', OPENDEH_RATE_SOURCE: 'off' });
  assert.deepEqual(on.rateProject, { count: 100, seconds: 1 });
  assert.deepEqual(on.loginFailuresUser, { count: 5, seconds: 300 });
  assert.equal(on.rateSource, null);
  for (const bad of ['100', '0/1', '5/0', 'ten/1', '1/100000']) {
    assert.throws(() => loadConfig({ OPENDEH_RATE_PROJECT: bad }), /OPENDEH_RATE_PROJECT/, bad);
  }
});

test('OPENDEH_POOL_FILE: read once, entries expanded, every problem named', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'opendeh-poolcfg-'));
  try {
    const file = (name: string, doc: unknown) => {
      writeFileSync(join(dir, name), typeof doc === 'string' ? doc : JSON.stringify(doc));
      return join(dir, name);
    };
    assert.deepEqual(loadConfig({}).pool, [], 'no file: no inventory');
    const ok = file('ok.json', { physical_servers: [{ names: ['a-1', 'a-2'], availability_zone: 'eu-de-01', host_type: 'c4' }, { name: 'b-1', availability_zone: 'eu-de-02', host_type: 'm4' }] });
    assert.deepEqual(loadConfig({ OPENDEH_POOL_FILE: ok }).pool, [
      { name: 'a-1', availabilityZone: 'eu-de-01', hostType: 'c4' }, { name: 'a-2', availabilityZone: 'eu-de-01', hostType: 'c4' },
      { name: 'b-1', availabilityZone: 'eu-de-02', hostType: 'm4' },
    ]);
    assert.throws(() => loadConfig({ OPENDEH_POOL_FILE: join(dir, 'missing.json') }), /OPENDEH_POOL_FILE: cannot read/);
    assert.throws(() => loadConfig({ OPENDEH_POOL_FILE: file('bad.json', '{') }), /OPENDEH_POOL_FILE: cannot read .* as JSON/);
    assert.throws(() => loadConfig({ OPENDEH_POOL_FILE: file('shape.json', { servers: [] }) }), /expected \{"physical_servers"/);
    assert.throws(() => loadConfig({ OPENDEH_POOL_FILE: file('type.json', { physical_servers: [{ name: 'x', availability_zone: 'eu-de-01', host_type: 'zz' }] }) }), /unknown host type "zz"/);
    assert.throws(() => loadConfig({ OPENDEH_POOL_FILE: file('name.json', { physical_servers: [{ name: 'a b', availability_zone: 'eu-de-01', host_type: 'c4' }] }) }), /physical_servers\[0\]: physical server name/);
    assert.throws(() => loadConfig({ OPENDEH_POOL_FILE: file('twice.json', { physical_servers: [{ names: ['x', 'x'], availability_zone: 'eu-de-01', host_type: 'c4' }] }) }), /"x" is listed twice/);
    assert.throws(() => loadConfig({ OPENDEH_POOL_FILE: file('az.json', { physical_servers: [{ name: 'x', availability_zone: 'eu-nl-01', host_type: 'c4' }] }) }), /"x": availability zone "eu-nl-01" is not in OPENDEH_AZS/);
    assert.throws(() => loadConfig({ OPENDEH_POOL_FILE: ok, OPENDEH_AZ_HOST_TYPES: 'eu-de-01=s3' }), /"a-1": host type c4 is not offered in eu-de-01/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trace retention: seconds or s/m/h/d, default 7 days, bounded; trace writes on|off', () => {
  assert.equal(loadConfig({}).traceRetentionSeconds, 7 * 86400);
  assert.equal(loadConfig({}).traceWrites, true);
  assert.equal(loadConfig({ OPENDEH_TRACE_RETENTION: '36h' }).traceRetentionSeconds, 36 * 3600);
  assert.equal(loadConfig({ OPENDEH_TRACE_RETENTION: '3600' }).traceRetentionSeconds, 3600);
  assert.equal(loadConfig({ OPENDEH_TRACE_WRITES: 'off' }).traceWrites, false);
  for (const bad of ['7 days', '-1', '10s', '0', '99999d']) {
    assert.throws(() => loadConfig({ OPENDEH_TRACE_RETENTION: bad }), /OPENDEH_TRACE_RETENTION/, bad);
  }
  assert.throws(() => loadConfig({ OPENDEH_TRACE_WRITES: 'no' }), /OPENDEH_TRACE_WRITES/);
});
