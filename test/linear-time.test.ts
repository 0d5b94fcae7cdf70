import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostileInputs } from '../bench/inputs/hostile.mjs';
import { Detector } from '../src/detect/engine.js';
import { detectorWork } from '../src/detect/work.js';
import { loadRuleSet } from '../src/rules/load.js';
import { keyguard } from './helpers/cli.js';
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
