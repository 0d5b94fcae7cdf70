import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { STDBUF_LIBRARIES } from '../src/git/spawn.js';
import { keyguardJson } from './helpers/cli.js';
import { gitRecorder } from './helpers/git-recorder.js';
import { fakeKeyId } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

// git writes through stdio in blocks of the pipe's st_blksize, 4 KB: keyguard preloads coreutils' libstdbuf
// into the gits it streams (src/git/spawn.ts), so that they write 64 KB at a time and Node reads a tenth as
// often. Checked where the library is installed (Linux with coreutils, as CI is); elsewhere git runs as is.
const LIBRARY = STDBUF_LIBRARIES.find((path) => existsSync(path));

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

describe.skipIf(!LIBRARY)("git's output in 64 KB blocks", () => {
  const repo = sandbox.repo('blocks');
  repo.commit('config', { 'config.ini': `aws_access_key_id = ${fakeKeyId('blocks')}\n` });
  const seen = sandbox.path('seen.log');
  // Each git, as keyguard starts it: its command and what it was told about its stdout.
  const recorder = gitRecorder(sandbox, 'recorder', `printf '%s %s|%s|%s\\n' "$1" "$2" "$_STDBUF_O" "$LD_PRELOAD" >> '${seen}'`);
  const seenLines = () => readFileSync(seen, 'utf8').trim().split('\n');

  it('asks the history log and the object reads for 64 KB blocks, and still finds the key', () => {
    writeFileSync(seen, '');
    const { code, findings } = keyguardJson(['scan-history'], { cwd: repo.dir, env: recorder.env(repo) });
    expect(code).toBe(1);
    expect(findings).toHaveLength(1);
    const lines = seenLines();
    expect(lines.find((line) => line.startsWith('log --all|'))).toBe(`log --all|65536|${LIBRARY}`);
    expect(lines).toContain(`cat-file --batch|65536|${LIBRARY}`);
  });

  it("keeps the user's own preload", () => {
    writeFileSync(seen, '');
    const env = { ...recorder.env(repo), LD_PRELOAD: LIBRARY };
    expect(keyguardJson(['scan-history'], { cwd: repo.dir, env }).findings).toHaveLength(1);
    expect(seenLines().find((line) => line.startsWith('log --all|'))).toBe(`log --all|65536|${LIBRARY}:${LIBRARY}`);
  });
});

// glibc's allocator, told to keep freed memory in the gits keyguard streams (src/git/spawn.ts): git's page
// faults and system time, not its output, change; other C libraries ignore the variables.
describe("git's allocator", () => {
  const repo = sandbox.repo('allocator');
  repo.commit('config', { 'config.ini': `aws_access_key_id = ${fakeKeyId('allocator')}\n` });
  const seen = sandbox.path('allocator.log');
  const recorder = gitRecorder(sandbox, 'allocator-recorder', `printf '%s %s|%s|%s\\n' "$1" "$2" "$MALLOC_TRIM_THRESHOLD_" "$MALLOC_MMAP_THRESHOLD_" >> '${seen}'`);
  const historyLog = () => readFileSync(seen, 'utf8').split('\n').find((line) => line.startsWith('log --all|'));

  it('keeps up to 64 MB free in the history log, and still finds the key', () => {
    writeFileSync(seen, '');
    expect(keyguardJson(['scan-history'], { cwd: repo.dir, env: recorder.env(repo) }).findings).toHaveLength(1);
    expect(historyLog()).toBe(`log --all|${64 << 20}|${32 << 20}`);
  });

  it("keeps the user's own settings", () => {
    writeFileSync(seen, '');
    const env = { ...recorder.env(repo), MALLOC_TRIM_THRESHOLD_: '131072' };
    expect(keyguardJson(['scan-history'], { cwd: repo.dir, env }).findings).toHaveLength(1);
    expect(historyLog()).toBe(`log --all|131072|${32 << 20}`);
  });
});
