// Every file under `dir` whose name ends with `suffix`, recursively (for the project's scripts).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function listFiles(dir, suffix, out = []) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) listFiles(p, suffix, out);
    else if (p.endsWith(suffix)) out.push(p);
  }
  return out;
}
