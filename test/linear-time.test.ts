import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostileInputs } from '../bench/inputs/hostile.mjs';
import { Detector } from '../src/detect/engine.js';
import { detectorWork } from '../src/detect/work.js';
import { keyPairs } from '../src/respond/pairs.js';
import { loadRuleSet } from '../src/rules/load.js';
import { NeedleIndex, needleWork } from '../src/sources/needles.js';
import type { Rule } from '../src/types.js';
import { keyguard } from './helpers/cli.js';
import { fakeKeyId, fakeSecret } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

// Inputs that once took the detector quadratic time or worse (bench/inputs/hostile.mjs says which and how).
// Linear time is a correctness property, guarded by counting work, not by a clock: the detector counts the
// characters its rule regexes, decoders and keyword checks read (src/detect/work.ts). Each rule reads a
// character at most three times (the plain text, and the line as base64 and as URL decoding shows it) and asks
// each of those lines for its keywords once, and each decoder reads a character once: at most 6 reads per rule
// per character, and a few more. Rereading a line per token or per value, as before, costs thousands here.
const ruleSet = loadRuleSet();
const detector = new Detector(ruleSet);
const READS_PER_CHARACTER = 6 * ruleSet.rules.length + 3;
// A generous bound that only a hang or a quadratic blow-up (minutes at these sizes) breaks; the counters are
// what catch a regression.
const BOUND_MS = 15_000;

const totalWork = () => detectorWork.ruleChars + detectorWork.decodedChars + detectorWork.contextChars;
const inputs = hostileInputs(200);

describe('on hostile input, the detector', () => {
  it.each(inputs.map((input) => [input.name, input] as const))('reads each character a bounded number of times: %s', (_name, { text, keys }) => {
    const before = totalWork();
    const started = performance.now();
    const findings = detector.detect({ file: 'hostile.txt', line: 1, text, source: 'file', commit: null });
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
    expect((totalWork() - before) / text.length).toBeLessThan(READS_PER_CHARACTER);
    // Linear, and still finding what is there.
    expect(new Set(findings.map((f) => f.secret))).toEqual(new Set(keys));
  });

  it('reads the text once per rule when it holds no keyword', () => {
    const text = 'const value = computeSomething(alpha, beta, "a string literal that is not a key");\n'.repeat(2000);
    const before = { ...detectorWork };
    detector.detect({ file: 'code.js', line: 1, text, source: 'file', commit: null });
    expect(detectorWork).toEqual(before);
  });
});

describe('keyguard scan on hostile files', () => {
  const sandbox = new Sandbox();
  afterAll(() => sandbox.cleanup());

  it.each(['json', 'text', 'sarif', 'junit', 'github'])('finishes in %s, however many findings share a line', (format) => {
    const dir = sandbox.path(`hostile-${format}`);
    mkdirSync(dir);
    for (const { name, text } of hostileInputs(100)) writeFileSync(join(dir, `${name}.txt`), `${text}\n`);
    // keyguard() fails the test at its 60 s timeout: a reporter that rereads a line per finding takes hours here.
    const { code, stderr } = keyguard(['scan', '--no-git', '--format', format, dir]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
  });
});

describe('a history with thousands of keys in one file', () => {
  // A dump of 20,000 keys committed, then emptied in one commit: the history scan asks which of the file's
  // secrets each deleted run of lines holds, and pairs each key ID with the secret beside it.
  const keys = Array.from({ length: 20_000 }, (_, i) => fakeKeyId(`dump-${i}`));
  const secrets = keys.map((_, i) => fakeSecret(`dump-${i}`));

  it('finds the deleted secrets in one pass over the text per length of secret', () => {
    const index = new NeedleIndex<number>();
    keys.forEach((key, i) => index.add(key, i));
    secrets.forEach((secret, i) => index.add(secret, -i - 1));
    const deleted = keys.map((key, i) => `aws_access_key_id = ${key}\naws_secret_access_key = ${secrets[i]}\n`).join('');
    const before = needleWork.chars;
    expect(new Set(index.valuesIn(deleted)).size).toBe(40_000);
    // two lengths (20 and 40): two passes, and each match (or the odd hash collision) read once more
    expect(needleWork.chars - before).toBeLessThanOrEqual(2.01 * deleted.length + 20_000 * (20 + 40));
    index.delete(keys[0], 0);
    expect([...index.valuesIn(`x ${keys[0]} ${keys[1]} y`)]).toEqual([1]);
  });

  it('pairs each key ID by looking at the lines around it, not at every finding of the file', () => {
    const ruleSet = loadRuleSet();
    const findings = keys.flatMap((key, i) => [
      ...detector.detect({ file: 'dump.env', line: 2 * i + 1, text: `aws_access_key_id = ${key}`, source: 'file', commit: null }),
      ...detector.detect({ file: 'dump.env', line: 2 * i + 2, text: `aws_secret_access_key = ${secrets[i]}`, source: 'file', commit: null }),
    ]);
    expect(findings).toHaveLength(40_000);
    let lookups = 0;
    const rules = new (class extends Map<string, Rule> {
      override get(id: string) {
        lookups++;
        return super.get(id);
      }
    })(ruleSet.rules.map((rule) => [rule.id, rule]));
    const pairs = keyPairs(findings, rules);
    expect(pairs).toHaveLength(20_000);
    expect(pairs.every(({ keyId, secret }) => secret.line === keyId.line + 1)).toBe(true);
    expect(lookups).toBeLessThanOrEqual(5 * findings.length);
  });
});
