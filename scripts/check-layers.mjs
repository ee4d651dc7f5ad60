// One-way imports (GUIDE convention 1): domain ← store ← services ← http; cli/client talk to
// http only through the client; only main.ts, wiring.ts and tests wire concrete pieces.
// Fails listing every import that points the wrong way.
import { readFileSync } from 'node:fs';
import { relative, resolve, dirname } from 'node:path';
import { listFiles } from './list-files.mjs';

const RULES = {
  'src/domain': ['src/http', 'src/store', 'src/services', 'src/scheduler', 'src/cli', 'src/client'],
  'src/scheduler': ['src/http', 'src/store', 'src/services', 'src/cli', 'src/client'],
  'src/store': ['src/http', 'src/services', 'src/scheduler', 'src/cli', 'src/client'],
  'src/services': ['src/http', 'src/cli', 'src/client'],
  'src/http': ['src/store', 'src/cli', 'src/client'],
  'src/client': ['src/store', 'src/services', 'src/domain', 'src/scheduler', 'src/cli'],
};

const bad = [];
for (const f of listFiles('src', '.ts')) {
  const layer = Object.keys(RULES).find((l) => f.startsWith(`${l}/`));
  if (!layer) continue;
  const src = readFileSync(f, 'utf8');
  for (const m of src.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm)) {
    const target = relative('.', resolve(dirname(f), m[1]));
    const hit = RULES[layer].find((forbidden) => target.startsWith(`${forbidden}/`) || target === forbidden);
    if (hit) bad.push(`${f}: imports ${target} (${layer} must not import ${hit})`);
  }
}
// A request's context travels explicitly (src/store/write-context.ts): on Node 20 one
// AsyncLocalStorage in use turns on promise hooks for every promise of the process, which cost
// a traced write 25–30 % of its rate (docs/traces.md).
for (const f of listFiles('src', '.ts')) {
  const src = readFileSync(f, 'utf8');
  if (/\bAsyncLocalStorage\b/.test(src.replace(/^\s*\/\/.*$/gm, ''))) bad.push(`${f}: uses AsyncLocalStorage (pass a WriteContext instead)`);
}
// Test convention: on PostgreSQL a migration lists every table of the database while other test
// files drop their schemas; a migration outside Target.migrating (which holds the shared schema
// lock) fails at random with 3F000/42P01. Every migration call in a test goes through it.
for (const f of listFiles('test', '.ts')) {
  if (f === 'test/support/dialects.ts') continue;
  readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
    if (/\bmigrateTo(Latest)?\(/.test(line) && !/migrating\(/.test(line) && !/^\s*import\b/.test(line)) {
      bad.push(`${f}:${i + 1}: a migration outside target.migrating(...)`);
    }
  });
}
if (bad.length) {
  console.error(`layer violations:\n  ${bad.join('\n  ')}`);
  process.exit(1);
}
console.log('layers ok');
