// Runs every compiled test file with node's test runner. With OPENDEH_REQUIRE_PG=1 (set by
// .ci/run) it also fails when no PostgreSQL suite ran, so a skipped engine can never pass CI;
// likewise OPENDEH_REQUIRE_KEYSTONE=1 and the real-Keystone suite ([keystone]).
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { listFiles } from './list-files.mjs';

const only = process.argv.slice(2);
const files = ['dist/src', 'dist/test'].flatMap((d) => { try { return listFiles(d, '.test.js'); } catch { return []; } })
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const tap = `/tmp/opendeh-tests-${process.pid}.tap`;
const args = ['--test', '--test-concurrency=2', '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files];
const child = spawn(process.execPath, args, { stdio: 'inherit', env: process.env });
child.on('exit', (code) => {
  let out = '';
  try { out = readFileSync(tap, 'utf8'); rmSync(tap); } catch {}
  const pgOk = (out.match(/^\s*ok \d+ - .*\[postgres\]/gm) ?? []).length;
  const pgAll = (out.match(/^\s*(not )?ok \d+ - .*\[postgres\]/gm) ?? []).length;
  if (process.env.OPENDEH_REQUIRE_PG === '1') {
    if (pgAll === 0) {
      console.error('FAIL: OPENDEH_REQUIRE_PG=1 but no [postgres] suite ran');
      process.exit(1);
    }
    console.log(`postgres suites: ${pgOk} passed of ${pgAll}`);
  }
  if (process.env.OPENDEH_REQUIRE_KEYSTONE === '1' && (only.length === 0 || files.some((f) => f.includes('test/keystone/')))) {
    const ksOk = (out.match(/^\s*ok \d+ - .*\[keystone\](?! # SKIP)/gm) ?? []).length;
    if (ksOk === 0) {
      console.error('FAIL: OPENDEH_REQUIRE_KEYSTONE=1 but the real-Keystone suite ([keystone]) did not pass');
      process.exit(1);
    }
    console.log('real-Keystone suite: passed');
  }
  process.exit(code ?? 1);
});
