import { describe, expect, it } from 'vitest';
import { Detector } from '../src/detect/engine.js';
import { loadRuleSet } from '../src/rules/load.js';
import { chunkText } from '../src/sources/chunker.js';
import type { Finding, Fragment } from '../src/types.js';
import { fakeKeyId, fakeSecret } from './helpers/keys.js';

const detector = new Detector(loadRuleSet());

async function* pieces(text: string, size: number) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function scan(text: string, options: { read: number; target: number; maxLine?: number; overlap?: number }) {
  const fragments: Fragment[] = [];
  const findings: Finding[] = [];
  const base = { file: 'f', source: 'file' as const, commit: null };
  for await (const fragment of chunkText(pieces(text, options.read), base, { contextLines: 3, targetSize: options.target, maxLineLength: options.maxLine, overlap: options.overlap })) {
    fragments.push(fragment);
    findings.push(...detector.detect(fragment));
  }
  return { fragments, hits: findings.map((f) => `${f.ruleId}@${f.line}:${f.column}`) };
}

describe('chunkText', () => {
  const id = fakeKeyId('chunk');
  const secret = fakeSecret('chunk');

  it('reports every line exactly once, whatever the chunk sizes', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => (i % 50 === 7 ? `key${i} = ${id}` : `line ${i} ${'x'.repeat(i % 13)}`));
    const text = `${lines.join('\n')}\n`;
    const expected = lines.flatMap((l, i) => (l.includes(id) ? [`aws-access-key-id@${i + 1}:${l.indexOf(id) + 1}`] : []));
    for (const [read, target] of [[7, 64], [100, 300], [4096, 1000], [1 << 20, 1 << 20]]) {
      const { hits } = await scan(text, { read, target });
      expect(hits, `read ${read}, target ${target}`).toEqual(expected);
    }
  });

  it('pairs a key ID and a secret across a fragment seam', async () => {
    const filler = Array.from({ length: 40 }, (_, i) => `filler line number ${i}`).join('\n');
    const text = `${filler}\nid: ${id}\n${secret}\n${filler}\n`;
    for (const target of [50, 200, 900, 1010, 1100]) {
      const { fragments, hits } = await scan(text, { read: 64, target });
      expect(fragments.length).toBeGreaterThan(1);
      expect(hits, `target ${target}`).toEqual(['aws-access-key-id@41:5', 'aws-secret-access-key@42:1']);
    }
  });

  it('cuts a giant line into overlapping pieces without losing a key on a seam', async () => {
    const before = 'a,'.repeat(5000);
    const line = `${before}${id},${'b,'.repeat(5000)}${id}`;
    const { fragments, hits } = await scan(`first\n${line}\nlast\n`, { read: 1000, target: 2000, maxLine: 3000, overlap: 100 });
    expect(fragments.length).toBeGreaterThan(3);
    expect(hits).toEqual([`aws-access-key-id@2:${before.length + 1}`, `aws-access-key-id@2:${line.length - id.length + 1}`]);
  });

  it('handles text without a final newline, and empty text', async () => {
    expect((await scan(`x\n${id}`, { read: 3, target: 4 })).hits).toEqual(['aws-access-key-id@2:1']);
    expect((await scan('', { read: 3, target: 4 })).fragments).toEqual([]);
  });
});
