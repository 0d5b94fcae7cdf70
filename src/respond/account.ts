/**
 * The AWS account an access key ID belongs to, read from the ID itself: since 2019 the 16 base32 characters
 * after the 4-letter prefix encode it (the first 6 bytes, as a big-endian integer, masked with 0x7fffffffff80
 * and shifted right by 7). Offline and always correct for current keys; an older key ID decodes to a number
 * that is no account of its owner, which only --verify can tell.
 */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function accountOfKeyId(keyId: string): string | null {
  if (!/^[A-Z0-9]{4}[A-Z2-7]{16}$/.test(keyId)) return null;
  let bits = 0n;
  for (const char of keyId.slice(4)) bits = (bits << 5n) | BigInt(BASE32.indexOf(char));
  const firstSixBytes = bits >> 32n; // 80 bits decoded; the account sits in the top 48
  return ((firstSixBytes & 0x7fffffffff80n) >> 7n).toString().padStart(12, '0');
}
