// The diff parser reads git's output as it comes through a pipe, in chunks of any size: a line, a UTF-8
// character or a commit header may be cut anywhere. These tests take real `git log -p` output and feed it
// back cut at every size, and require what comes out to be the same as from one whole read.
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Detector } from '../src/detect/engine.js';
import { loadRuleSet } from '../src/rules/load.js';
import { diffFragmentBatches } from '../src/sources/diff.js';
import { DIFF_ARGS, diffEnv, LOG_FORMAT } from '../src/sources/diff-options.js';
import { emptyStats, type Fragment } from '../src/types.js';
import { fakeKeyId, fakeSecret } from './helpers/keys.js';
import { type Repo, Sandbox } from './helpers/repo.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());
const detector = new Detector(loadRuleSet());

function gitLog(repo: Repo): Buffer {
  return execFileSync('git', ['log', '--reverse', '-p', ...DIFF_ARGS, LOG_FORMAT], { cwd: repo.dir, env: { ...repo.env, ...diffEnv() }, maxBuffer: 64 * 1024 * 1024 });
}

async function* cut(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function parse(bytes: Buffer, size: number) {
  const stats = emptyStats();
  const fragments: Fragment[] = [];
  for await (const batch of diffFragmentBatches(cut(bytes, size), { source: 'history', contextLines: 3, stats, log: true })) fragments.push(...batch);
  return { fragments, stats };
}

const findingsOf = (fragments: Fragment[]) =>
  fragments.flatMap((fragment) => detector.detect(fragment)).map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column} ${f.commit?.sha.slice(0, 7)}`);

describe('diff parser on a stream cut anywhere', () => {
  it('reads lines, multi-byte characters, invalid bytes and headers cut at every place', async () => {
    const repo = sandbox.repo('cuts');
    repo.commit('first: naïve café ☕', { 'café/ünïcode.txt': `π = 3.14 😀\naws_access_key_id = ${fakeKeyId('cut-1')}\n` });
    repo.commit('second 😀😀', {
      'café/ünïcode.txt': `π = 3.14159 😀\naws_access_key_id = ${fakeKeyId('cut-1')}\n日本語 aws_secret_access_key = ${fakeSecret('cut-2')}\n`,
      'bytes.txt': Buffer.concat([Buffer.from('ok\n'), Buffer.from([0xc3, 0x28, 0xff, 0x0a]), Buffer.from(`key ${fakeKeyId('cut-3')}\n`)]),
    });
    repo.commit('third', { 'plain.txt': 'a\nb\nc\n', 'crlf.txt': `\r\n${fakeKeyId('cut-4')}\r\n\rx\r\n` });
    const log = gitLog(repo);
    const whole = await parse(log, log.length);
    // the key, the secret after CJK text, the key after invalid bytes, the key at the start of a CRLF line
    expect(findingsOf(whole.fragments)).toHaveLength(4);
    const crlf = whole.fragments.filter((f) => f.file === 'crlf.txt').flatMap((f) => detector.detect(f));
    expect(crlf).toMatchObject([{ line: 2, column: 1, endColumn: 21, lineText: fakeKeyId('cut-4') }]);
    for (let size = 1; size <= 9; size++) {
      const { fragments, stats } = await parse(log, size);
      expect(fragments, `chunks of ${size} bytes`).toEqual(whole.fragments);
      expect(stats).toEqual(whole.stats);
    }
  });

  it('reads a line longer than it holds in pieces, cut anywhere, and finds a key at its end', async () => {
    const repo = sandbox.repo('long-line');
    const id = fakeKeyId('long');
    repo.commit('minified', { 'app.min.js': `var a="${'é'.repeat(700_000)}";var k="${id}";\nend\n` });
    const log = gitLog(repo);
    const expected = [`aws-access-key-id app.min.js:1:${700_000 + 17} `];
    for (const size of [log.length, 65_536, 4093]) {
      const { fragments, stats } = await parse(log, size);
      expect(findingsOf(fragments).map((f) => f.slice(0, -7)), `chunks of ${size} bytes`).toEqual(expected);
      expect(stats.bytes).toBe(Buffer.byteLength(`+var a="${'é'.repeat(700_000)}";var k="${id}";+end`));
    }
  });
});
