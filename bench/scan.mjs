// npm run bench → keyguard scan on plain files: throughput against a plain regex pass in Node over the same
// bytes, and peak memory on a 1 GB file and on a 100 MB single-line file.
// And an allowlist of many values, the file itself scanned: each value line is a finding for the allowlist to
// accept, which cost O(N²) before entries were indexed (16,000 values: 17 s; 100,000 did not finish).
//   node bench/scan.mjs [--commits N] [--big-mb N] [--allow-values N]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, CACHE, best, fmt, historyRepo, measure, numberOption } from './lib.mjs';

const commits = numberOption('--commits', 5000);
const bigMb = numberOption('--big-mb', 1024);
const allowValues = numberOption('--allow-values', 100_000);

// A plain checkout of the history repository's last commit: real code, ~70 MB.
const repo = historyRepo(commits);
const tree = join(CACHE, `tree-${commits}`);
if (!existsSync(tree)) {
  mkdirSync(tree, { recursive: true });
  execFileSync('sh', ['-c', `git -C "${repo}" archive HEAD | tar -x -C "${tree}"`]);
}
const bytes = Number(execFileSync('du', ['-sb', tree], { encoding: 'utf8' }).split('\t')[0]);

// The floor: read every file and run one access-key regex over it, in Node, nothing else.
const plainPass = `
  const fs = require('fs'), path = require('path');
  const re = /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Za-z0-9])/g;
  let n = 0;
  (function walk(d) { for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p); else if (e.isFile()) n += (fs.readFileSync(p, 'utf8').match(re) || []).length;
  } })(process.argv[1]);
  console.log(n);`;
const plain = best(3, () => measure(process.execPath, ['-e', plainPass, tree]));
const scan = best(3, () => measure(process.execPath, [BIN, 'scan', '--no-git', '--format', 'json', tree]));

// Memory on large inputs: a 1 GB file of code-like lines, and a 100 MB file that is one line.
const bigFile = join(CACHE, `big-${bigMb}mb.txt`);
if (!existsSync(bigFile)) {
  const out = createWriteStream(bigFile);
  const block = 'const value = computeSomething(alpha, beta, "a string literal that is not a key");\n'.repeat(12_000);
  for (let written = 0; written < bigMb * 1024 * 1024; written += block.length) if (!out.write(block)) await new Promise((r) => out.once('drain', r));
  await new Promise((r) => out.end(r));
}
const oneLine = join(CACHE, 'one-line-100mb.txt');
if (!existsSync(oneLine)) writeFileSync(oneLine, 'abc,'.repeat(25 * 1024 * 1024));
const allowDir = join(CACHE, `allowlist-${allowValues}`);
if (!existsSync(allowDir)) {
  mkdirSync(allowDir, { recursive: true });
  const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const keyId = (i) => `AKIA${[...createHash('sha256').update(`allow:${i}`).digest().subarray(0, 16)].map((byte) => base32[byte % 32]).join('')}`;
  writeFileSync(join(allowDir, '.keyguardallow'), Array.from({ length: allowValues }, (_, i) => `value ${keyId(i)}\n`).join(''));
}
const allow = measure(process.execPath, [BIN, 'scan', '--no-git', '.'], { cwd: allowDir });
const big = measure(process.execPath, [BIN, 'scan', '--no-git', bigFile]);
const line = measure(process.execPath, [BIN, 'scan', '--no-git', oneLine]);

const mb = bytes / 1024 / 1024;
console.log(`### keyguard scan on files (${new Date().toISOString().slice(0, 10)}, \`node bench/scan.mjs --commits ${commits}\`)\n`);
console.log('| what | input | time | throughput | peak RSS |');
console.log('|---|---|---|---|---|');
console.log(`| plain regex pass in Node (floor) | ${fmt(mb, 0)} MB checkout | ${fmt(plain.seconds)} s | ${fmt(mb / plain.seconds, 0)} MB/s | ${fmt(plain.rssMb, 0)} MB |`);
console.log(`| \`keyguard scan --no-git\` | ${fmt(mb, 0)} MB checkout | ${fmt(scan.seconds)} s | ${fmt(mb / scan.seconds, 0)} MB/s | ${fmt(scan.rssMb, 0)} MB |`);
console.log(`| \`keyguard scan --no-git\` | ${bigMb} MB file | ${fmt(big.seconds)} s | ${fmt(bigMb / big.seconds, 0)} MB/s | ${fmt(big.rssMb, 0)} MB |`);
console.log(`| \`keyguard scan --no-git\` | 100 MB single line | ${fmt(line.seconds)} s | ${fmt(100 / line.seconds, 0)} MB/s | ${fmt(line.rssMb, 0)} MB |`);
console.log(`| \`keyguard scan --no-git\` | .keyguardallow of ${allowValues.toLocaleString('en-US')} values, itself scanned | ${fmt(allow.seconds)} s | ${allow.code === 0 ? 'all accepted' : `exit ${allow.code}`} | ${fmt(allow.rssMb, 0)} MB |`);
console.log(`\nkeyguard / plain regex pass: ${fmt(scan.seconds / plain.seconds)}x`);
