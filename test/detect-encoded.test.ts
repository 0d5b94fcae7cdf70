import { describe, expect, it } from 'vitest';
import { detectorWork } from '../src/detect/work.js';
import { detect } from './helpers/detect.js';
import { EXAMPLE_KEY_ID, EXAMPLE_SECRET, fakeKeyId, fakeSecret, seededBytes } from './helpers/keys.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const found = (text: string) => detect(text).map((f) => [f.ruleId, f.secret, f.line, f.decoded]);

// Whole files encoded as one base64 value, with no keyword on the encoded line: the encoded `AKIA` falls at
// byte offset 0, 1 or 2 of a 3-byte group depending on what precedes it, and each offset encodes it differently.
describe.each([0, 1, 2])('a base64 value that encodes a credentials file, AKIA at offset %i mod 3', (shift) => {
  const id = fakeKeyId(`blob-${shift}`);
  const secret = fakeSecret(`blob-${shift}`);
  const credentials = (prefix: string) => `[default]\n${prefix}aws_access_key_id=${id}\naws_secret_access_key=${secret}\n`;
  // 'x' characters in front move the key ID to each byte offset in turn.
  const padded = (make: (pad: string) => string) => {
    for (let n = 0; n < 3; n++) {
      const text = make('x'.repeat(n));
      if (text.indexOf('AKIA') % 3 === shift) return text;
    }
    throw new Error('unreachable');
  };

  it('finds the key ID and, paired with it, the secret inside a Kubernetes Secret', () => {
    const file = padded(credentials);
    const manifest = `apiVersion: v1\nkind: Secret\ndata:\n  credentials: ${b64(file)}\n`;
    expect(found(manifest)).toEqual([
      ['aws-access-key-id', id, 4, 'base64'],
      ['aws-secret-access-key', secret, 4, 'base64'],
    ]);
    const [finding] = detect(manifest);
    expect(finding.column).toBe('  credentials: '.length + 1);
    expect(finding.endColumn - finding.column).toBe(b64(file).length);
  });

  it('finds both in base64 JSON', () => {
    const json = padded((pad) => `{"v":"${pad}","accessKeyId":"${id}","secretAccessKey":"${secret}"}`);
    expect(found(`blob = ${b64(json)}`)).toEqual([
      ['aws-access-key-id', id, 1, 'base64'],
      ['aws-secret-access-key', secret, 1, 'base64'],
    ]);
  });

  it('decodes from the alignment the key implies when the run starts with something else', () => {
    // '/' is a base64 character: the run starts at the path, whose length is no multiple of 4.
    const json = padded((pad) => `{"v":"${pad}","accessKeyId":"${id}","secretAccessKey":"${secret}"}`);
    expect(found(`GET /v1/blobs/${b64(json)}`).map(([rule, value]) => [rule, value])).toEqual([
      ['aws-access-key-id', id],
      ['aws-secret-access-key', secret],
    ]);
  });
});

describe('base64 values that are not credentials', () => {
  it('reports nothing in random base64 blobs, hashes and integrity strings, and decodes none of them', () => {
    const lines = [
      ...Array.from({ length: 50 }, (_, i) => `  blob${i}: ${seededBytes(`random-${i}`, 300).toString('base64')}`),
      `"integrity": "sha512-${seededBytes('integrity', 64).toString('base64')}"`,
      `digest: sha256:${seededBytes('digest', 32).toString('hex')}`,
      `etag: ${seededBytes('etag', 32).toString('base64')}`,
    ];
    const before = detectorWork.decodedChars;
    expect(detect(lines.join('\n'))).toEqual([]);
    // No keyword, no encoded key prefix: nothing was worth decoding.
    expect(detectorWork.decodedChars).toBe(before);
  });

  it('reports nothing for AWS documented example keys, encoded at every alignment', () => {
    for (const pad of ['', 'x', 'xx']) {
      const file = `[default]\n${pad}aws_access_key_id=${EXAMPLE_KEY_ID}\naws_secret_access_key=${EXAMPLE_SECRET}\n`;
      expect(detect(`data:\n  credentials: ${b64(file)}`)).toEqual([]);
    }
  });

  it('reports nothing in a base64 value that decodes to binary, even when it begins like an encoded key', () => {
    // `QUtJQ` is how `AKIA` begins encoded: here it is followed by random bytes, which are no text.
    expect(detect(`value: QUtJQ${seededBytes('binary', 60).toString('base64')}`)).toEqual([]);
  });
});
