import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Detector } from '../src/detect/engine.js';
import { detectorWork } from '../src/detect/work.js';
import { loadRuleSet } from '../src/rules/load.js';
import { keyguard } from './helpers/cli.js';
import { fakeKeyId, fakeSecret, fakeSessionToken, seededBytes, seededRandom } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

// Seeded fuzzing: documents made of random mixes of what the detector reacts to (keywords, URL escapes, base64
// runs, encoded key prefixes, invalid UTF-8) with generated keys among them. Same documents on every run, a
// few seconds in all. Every scan must finish, never throw, stay linear, and never print a generated key.

const ruleSet = loadRuleSet();
const detector = new Detector(ruleSet);
const READS_PER_CHARACTER = 4 * ruleSet.rules.length + 3; // as in linear-time.test.ts

const KEYWORDS = ['secret', 'SECRET_ACCESS_KEY=', 'aws_secret_access_key = ', 'token', 'aws_session_token:', 'account:', 'AccountId', 'AKIA', 'ASIA', 'A3T', 'ABSK', 'IQoJb3JpZ2luX2Vj', '[default]', 'password'];
const ESCAPES = ['%2F', '%2B', '%3D', '%2f', '%', '%zz', '%C3%A9', '%E2%82', '%00', 'a%2Fb%2Bc'];
const ENCODED_PREFIXES = ['QUtJQ', 'FLSU', 'BS0lB', 'QVNJQ', 'SUFvSmIz'];
// Around a generated key: characters that end a token without changing what a rule reads.
const SEPARATORS = [' ', '\n', '"', ',', ':', '\t', '\r\n'];

interface Document {
  text: string;
  /** generated credentials as they stand in the text, each with a separator on both sides */
  keys: string[];
  /** the key IDs among them: found without any context, so a scan must report each */
  keyIds: string[];
}

function makeDocument(seed: string): Document {
  const next = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[next() % list.length];
  const keys: string[] = [];
  const keyIds: string[] = [];
  const parts: string[] = [];
  const pieces = 1 + (next() % 60);
  for (let i = 0; i < pieces; i++) {
    const kind = next() % 10;
    const pieceSeed = `${seed}:${i}`;
    if (kind === 0) parts.push(pick(KEYWORDS));
    else if (kind === 1) parts.push(pick(ESCAPES).repeat(1 + (next() % 40)));
    else if (kind === 2) parts.push(seededBytes(pieceSeed, 1 + (next() % 600)).toString('base64'));
    else if (kind === 3) parts.push(pick(ENCODED_PREFIXES) + seededBytes(pieceSeed, next() % 80).toString('base64'));
    else if (kind === 4) parts.push(seededBytes(pieceSeed, 1 + (next() % 50)).toString('latin1')); // control characters, NUL
    else if (kind === 5) parts.push(pick(SEPARATORS).repeat(1 + (next() % 5)));
    else if (kind === 6) {
      // A whole credentials file, base64-encoded, at a random byte offset.
      const id = fakeKeyId(pieceSeed);
      const file = `${'#'.repeat(next() % 3)}[default]\naws_access_key_id=${id}\naws_secret_access_key=${fakeSecret(pieceSeed)}\n`;
      parts.push(` ${Buffer.from(file).toString('base64')} `);
    } else {
      const value = kind === 7 ? fakeKeyId(pieceSeed, pick(['AKIA', 'ASIA'])) : kind === 8 ? fakeSecret(pieceSeed) : fakeSessionToken(pieceSeed);
      parts.push(pick(SEPARATORS), value, pick(SEPARATORS));
      keys.push(value);
      if (kind === 7) keyIds.push(value);
    }
  }
  return { text: parts.join(''), keys, keyIds };
}

describe('fuzzed documents', () => {
  const documents = Array.from({ length: 400 }, (_, i) => makeDocument(`fuzz-${i}`));

  it('are scanned in linear time, without throwing, finding every generated key ID', () => {
    for (const { text, keyIds } of documents) {
      const before = detectorWork.ruleChars + detectorWork.decodedChars + detectorWork.contextChars;
      const findings = detector.detect({ file: 'fuzz.txt', line: 1, text, source: 'file', commit: null });
      const read = detectorWork.ruleChars + detectorWork.decodedChars + detectorWork.contextChars - before;
      expect(read).toBeLessThanOrEqual(READS_PER_CHARACTER * text.length + 1000);
      const found = new Set(findings.map((f) => f.secret));
      expect(keyIds.filter((id) => !found.has(id))).toEqual([]);
    }
  });

  describe('through keyguard scan', () => {
    const sandbox = new Sandbox();
    afterAll(() => sandbox.cleanup());

    it.each(['text', 'json'])('finish and print no generated key in clear (%s)', (format) => {
      const dir = sandbox.path(`fuzz-${format}`);
      mkdirSync(dir);
      const keys = new Set<string>();
      for (let file = 0; file < 8; file++) {
        const chosen = documents.slice(file * 12, file * 12 + 12);
        for (const document of chosen) for (const key of document.keys) keys.add(key);
        const text = chosen.map((document) => document.text).join('\n');
        // Every other file holds bytes that are not UTF-8 as well: a lone continuation byte, a cut sequence.
        const bytes = file % 2 ? Buffer.concat([Buffer.from(text), Buffer.from([0x80, 0xc3, 0x0a, 0xff, 0xfe, 0x0a])]) : Buffer.from(text);
        writeFileSync(join(dir, `f${file}.txt`), bytes);
      }
      const { code, stdout, stderr } = keyguard(['scan', '--no-git', '--format', format, dir], { env: sandbox.env });
      expect(stderr).toBe('');
      expect(code).toBe(1);
      expect([...keys].filter((key) => stdout.includes(key))).toEqual([]);
    });
  });
});
