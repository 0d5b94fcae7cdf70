// The history scan's progress line: on a terminal only, covering commits and merges, gone when the scan ends.
// A terminal is what `script` (util-linux) gives a command; without it those tests are skipped.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { progressLine } from '../src/commands/progress.js';
import { emptyStats } from '../src/types.js';
import { BIN, keyguard } from './helpers/cli.js';
import { fakeKeyId } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const shQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

describe('the progress line', () => {
  const progress = (commits: number, total: number | null, read: number, mergeTotal: number | null) => ({
    stats: { ...emptyStats(), commits },
    total,
    merges: { read, total: mergeTotal },
  });

  it('rates commits over the window it is given, and waits for the later of the two passes', () => {
    // 2,000 commits in the last 4 s: 500/s, 8,000 left: 16 s; merges 10 in 4 s, 40 left: 16 s too, then 20 s.
    const line = (mergesRead: number) => progressLine(progress(12_000, 20_000, mergesRead, 60), { at: 0, commits: 10_000, merges: 10 }, { at: 4000, commits: 12_000, merges: mergesRead });
    expect(line(20)).toBe('keyguard: 12,000/20,000 commits, 20/60 merges diffed, 500/s, ETA 16s');
    expect(line(18)).toBe('keyguard: 12,000/20,000 commits, 18/60 merges diffed, 500/s, ETA 21s');
  });

  it('gives no ETA it cannot tell: no total yet, or no movement; a merge pass still counting leaves the commits\' own', () => {
    const oldest = { at: 0, commits: 100, merges: 0 };
    expect(progressLine(progress(300, null, 0, null), oldest, { at: 1000, commits: 300, merges: 0 })).toBe('keyguard: 300 commits, 200/s');
    expect(progressLine(progress(300, 1000, 5, null), oldest, { at: 1000, commits: 300, merges: 5 })).toBe('keyguard: 300/1,000 commits, 5 merges diffed, 200/s, ETA 4s');
    expect(progressLine(progress(100, 1000, 0, 0), oldest, { at: 1000, commits: 100, merges: 0 })).toBe('keyguard: 100/1,000 commits, 0/s'); // no merges to diff: no word of them
    expect(progressLine(progress(2_000, 2_000, 0, 0), { at: 0, commits: 1_000, merges: 0 }, { at: 90_000, commits: 2_000, merges: 0 })).toBe('keyguard: 2,000/2,000 commits, 11/s, ETA 0s');
  });
});

describe.skipIf(!hasScript)('scan-history on a terminal', () => {
  const repo = sandbox.repo('progress');
  repo.commit('first', { 'a.txt': 'a\n' });
  repo.git('checkout', '-q', '-b', 'side');
  repo.commit('side', { 'b.txt': `key = ${fakeKeyId('progress')}\n` });
  repo.git('checkout', '-q', 'main');
  repo.commit('main', { 'c.txt': 'c\n' });
  repo.git('merge', '-q', '--no-edit', '--no-verify', 'side');

  it('clears its line before the summary, and reports as usual', () => {
    const report = sandbox.path('progress.json');
    const command = [process.execPath, BIN, 'scan-history', '--format', 'json', '--output', report].map(shQuote).join(' ');
    // script runs the command on a pseudo-terminal and copies what it writes (stdout and stderr) to ours.
    const run = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: repo.dir, env: repo.env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    // A history this small ends before the first tick (250 ms) draws a line; the stop clears one all the same.
    expect(run.stdout).toMatch(/^(\r\x1b\[Kkeyguard: [^\r\n]*)*\r\x1b\[Kkeyguard: 1 secret found in history of all refs/);
    expect(JSON.parse(readFileSync(report, 'utf8'))).toHaveLength(1);
  });

  it('shows nothing of it when stderr is no terminal', () => {
    const { stderr } = keyguard(['scan-history', '--format', 'json'], { cwd: repo.dir, env: repo.env });
    expect(stderr).not.toContain('\x1b[K');
    expect(stderr).not.toMatch(/commits, [\d,]+\/s/);
  });
});
