// npm run bench → keyguard scan on inputs built to make a scanner slow (bench/inputs/hostile.mjs): each should
// take about as long as ordinary text of its size. Before the detector was made linear, 100 KB of URL escapes
// took 27 s, base64 words on a `secret` line 7 s, spaces after `account:` 8.7 s.
//   node bench/hostile.mjs [--kb N] [--runs N]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, CACHE, best, fmt, measure, numberOption } from './lib.mjs';
import { hostileInputs } from './inputs/hostile.mjs';

const kb = numberOption('--kb', 100);
const runs = numberOption('--runs', 3);
// Past this a run counts as a hang: a linear scan of these sizes takes well under a second.
const TIMEOUT_MS = 120_000;

const dir = join(CACHE, `hostile-${kb}kb`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const ordinary = 'const value = computeSomething(alpha, beta, "a string literal that is not a key");\n';
const inputs = [{ name: 'ordinary code (reference)', text: ordinary.repeat(Math.ceil((kb * 1024) / ordinary.length)) }, ...hostileInputs(kb)];

console.log(`### keyguard scan on hostile inputs (${new Date().toISOString().slice(0, 10)}, \`node bench/hostile.mjs --kb ${kb}\`)\n`);
console.log(`| input | size | time (best of ${runs}) | peak RSS | findings |`);
console.log('|---|---|---|---|---|');
let failed = false;
for (const [i, { name, text }] of inputs.entries()) {
  const file = join(dir, `${i}.txt`);
  writeFileSync(file, `${text}\n`);
  const r = best(runs, () => measure(process.execPath, [BIN, 'scan', '--no-git', '--format', 'json', file], { timeout: TIMEOUT_MS }));
  const hung = r.code !== 0 && r.code !== 1;
  if (hung) failed = true;
  const findings = hung ? '-' : JSON.parse(r.stdout).length;
  console.log(`| ${name} | ${fmt(text.length / 1024, 0)} KB | ${hung ? `did not finish (exit ${r.code ?? 'timeout'})` : `${fmt(r.seconds)} s`} | ${hung ? '-' : `${fmt(r.rssMb, 0)} MB`} | ${findings} |`);
}
rmSync(dir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);

