// Inputs built to make a scanner slow: each once took keyguard quadratic time or worse (or would, written
// the obvious way). Shared by bench/hostile.mjs, which times them, and test/linear-time.test.ts, which bounds
// the detector's work on them. Deterministic: the same bytes on every run.
import { createHash } from 'node:crypto';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` characters of `alphabet` drawn from a hash chain seeded with `seed`. */
function draw(alphabet, length, seed) {
  let out = '';
  for (let block = 0; out.length < length; block++) {
    for (const byte of createHash('sha256').update(`${seed}:${block}`).digest()) out += alphabet[byte % alphabet.length];
  }
  return out.slice(0, length);
}

const b64 = (text) => Buffer.from(text).toString('base64');
const keyId = (seed) => `AKIA${draw(BASE32, 16, `id:${seed}`)}`;
const secret = (seed) => draw(BASE64, 40, `secret:${seed}`);
const many = (count, make, separator = ' ') => Array.from({ length: count }, (_, i) => make(i)).join(separator);

/**
 * The hostile inputs, each about `kb` kilobytes: { name, text, keys } where `keys` are the generated
 * credentials the text holds (a scan must never print them in clear).
 */
export function hostileInputs(kb = 100) {
  const n = (perKb) => Math.max(1, Math.round(perKb * kb));
  const profiles = many(n(4), (i) => `[p${i}]\naws_access_key_id=${keyId(`blob${i}`)}\naws_secret_access_key=${secret(`blob${i}`)}`, '\n');
  return [
    // Each URL token rebuilt its line and reran every rule on it: 27 s for 100 KB.
    { name: 'url-escapes', text: 'q%2B '.repeat(n(200)), keys: [] },
    // Each base64 token on a keyword line did the same: 7 s for 116 KB.
    { name: 'base64-words', text: `secret ${many(n(24), (i) => b64(draw(LETTERS, 30, `word${i}`)))}`, keys: [] },
    // `\s*\[?\s*` after the separator split the same spaces every way: 8.7 s for 80,000.
    { name: 'account-spaces', text: `account:${' '.repeat(n(1000))}x`, keys: [] },
    { name: 'one-escaped-url', text: `https://example.com/?q=${'a%2F'.repeat(n(250))}`, keys: [] },
    { name: 'stray-percents', text: '%2'.repeat(n(330)), keys: [] },
    // Every value on one line is a finding: each asked the whole line for its keywords.
    { name: 'secrets-one-line', text: `aws_secret_access_key ${many(n(24), (i) => secret(`line${i}`))}`, keys: many(n(24), (i) => secret(`line${i}`)).split(' ') },
    { name: 'key-ids-one-line', text: many(n(48), (i) => keyId(`line${i}`)), keys: many(n(48), (i) => keyId(`line${i}`)).split(' ') },
    { name: 'encoded-key-ids', text: `data: ${many(n(35), (i) => b64(keyId(`enc${i}`)))}`, keys: many(n(35), (i) => keyId(`enc${i}`)).split(' ') },
    { name: 'encoded-profiles', text: `credentials: ${b64(profiles)}`, keys: many(n(4), (i) => `${keyId(`blob${i}`)} ${secret(`blob${i}`)}`).split(' ') },
    // Trying every period of a value took quadratic time on one long repeated pair.
    { name: 'periodic-token', text: `aws_session_token = ${'ab'.repeat(n(500))}c`, keys: [] },
    { name: 'keyword-lines', text: 'secret token AKIA account\n'.repeat(n(40)), keys: [] },
    { name: 'prefix-soup', text: 'AKIAQUtJQ'.repeat(n(110)), keys: [] },
    { name: 'glued-runs', text: `secret ${'a='.repeat(n(500))}`, keys: [] },
  ];
}

/**
 * A credentials dump for a history: `count` key pairs in one file, as a commit adds it, then emptied by the
 * next. The history scan asks which of the file's secrets each deleted run holds, and pairs each key ID with
 * its secret: both once read every secret (or finding) of the file for each, 9.9 s for 20,000 keys.
 */
export function credentialsDump(count) {
  return many(count, (i) => `aws_access_key_id = ${keyId(`dump${i}`)}\naws_secret_access_key = ${secret(`dump${i}`)}`, '\n');
}

