// npm run bench: every benchmark in bench/, one after another (they share the cached history repository).
//   npm run bench [-- --commits N]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const benches = readdirSync(here).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && f !== 'lib.mjs').sort();
let failed = 0;
for (const bench of benches) {
  const r = spawnSync(process.execPath, [here + bench, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
  console.log();
}
process.exit(failed ? 1 : 0);
