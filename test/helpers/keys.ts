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

/** A generated access key ID: AKIA (or another prefix) and 16 base32 characters. */
export const fakeKeyId = (seed: string, prefix = 'AKIA') => prefix + draw(BASE32, 16, `id:${seed}`);

/** A generated 40-character secret access key. */
export const fakeSecret = (seed: string) => draw(BASE64, 40, `secret:${seed}`);

/** A generated STS session token with the real prefix. */
export const fakeSessionToken = (seed: string) => `IQoJb3JpZ2luX2VjE${draw(BASE64, 300, `token:${seed}`)}`;

/** AWS's documented example credentials: never reported. */
export const EXAMPLE_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
