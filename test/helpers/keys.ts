// Test credentials are generated, never real: a seeded generator makes keys with the shape of AWS's, so a
// failing test prints the same values every run.

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function generator(seed: string) {
  let state = 2166136261;
  for (const ch of seed) state = Math.imul(state ^ ch.charCodeAt(0), 16777619) >>> 0;
  return () => {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

function draw(alphabet: string, length: number, seed: string): string {
  const next = generator(seed);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[next() % alphabet.length];
  return out;
}

/** A seeded generator of 32-bit unsigned integers: the same sequence on every run. */
export const seededRandom = (seed: string) => generator(`random:${seed}`);

/** `length` bytes from a seeded generator: random-looking data that is the same on every run. */
export function seededBytes(seed: string, length: number): Buffer {
  const next = generator(`bytes:${seed}`);
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = next() & 0xff;
  return bytes;
}

/** A generated access key ID: AKIA (or another prefix) and 16 base32 characters. */
export const fakeKeyId = (seed: string, prefix = 'AKIA') => prefix + draw(BASE32, 16, `id:${seed}`);

/** A generated 40-character secret access key. */
export const fakeSecret = (seed: string) => draw(BASE64, 40, `secret:${seed}`);

/** A generated STS session token with the real prefix. */
export const fakeSessionToken = (seed: string) => `IQoJb3JpZ2luX2VjE${draw(BASE64, 300, `token:${seed}`)}`;

/** AWS's documented example credentials: never reported. */
export const EXAMPLE_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** A generated STS session token with an older prefix (2016–2020 tokens: `FQoDYXdzE`, `FQoGZXIvYXdzE`, `FwoGZXIvYXdzE`). */
export const fakeLegacySessionToken = (seed: string, prefix: string) => `${prefix}${draw(BASE64, 280, `legacy-token:${seed}`)}`;

/** A generated AppSync API key: `da2-` and 26 lowercase letters and digits. */
export const fakeAppSyncKey = (seed: string) => `da2-${draw('abcdefghijklmnopqrstuvwxyz0123456789', 26, `appsync:${seed}`)}`;

/** A generated SES SMTP password with the shape AWS derives: base64 of a version byte (4) and 32 bytes. */
export const fakeSmtpPassword = (seed: string) =>
  Buffer.from([4, ...Buffer.from(draw('0123456789abcdef', 64, `smtp:${seed}`), 'hex')]).toString('base64');

/** A generated Amazon MWS auth token: `amzn.mws.` and a UUID. */
export const fakeMwsToken = (seed: string) => {
  const hex = draw('0123456789abcdef', 32, `mws:${seed}`);
  return `amzn.mws.${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** A generated access key ID that encodes `account` as AWS's IDs issued since 2019 do (see src/respond/account.ts). */
export function fakeKeyIdOfAccount(account: string, seed: string, prefix = 'AKIA'): string {
  const next = generator(`account:${seed}`);
  const low = (BigInt(next()) << 7n) | BigInt(next() & 0x7f); // 39 bits after the account
  const bits = ((BigInt(account) << 7n) << 32n) | (low & ((1n << 39n) - 1n));
  let out = '';
  for (let i = 15; i >= 0; i--) out += BASE32[Number((bits >> BigInt(i * 5)) & 31n)];
  return prefix + out;
}
