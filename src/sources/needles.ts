// Which of a file's secrets a deleted text holds: history scans ask this for every deleted run of lines of a
// file that held a finding. One includes() per secret costs secrets × text, which a file of 20,000 keys
// emptied in one commit turned into 10 s (40,000 keys: four times that). Here the secrets are grouped by
// length and found with a rolling hash: one pass over the text per distinct length (a handful: key IDs,
// secrets, the encoded tokens of decoded findings), whatever their number.

/** Odd, so that multiplying modulo 2^32 loses no information. */
const BASE = 0x01000193;

/** Below this many secrets, includes() on each is cheaper than hashing the text. */
const FEW = 4;

/** Characters read by NeedleIndex.valuesIn, for the tests that bound it (test/linear-time.test.ts). */
export const needleWork = { chars: 0 };

interface Bucket<T> {
  /** BASE^(length-1), to take the first character out of the rolling hash */
  power: number;
  /** how many needles of this length have each hash */
  hashes: Map<number, number>;
  needles: Map<string, Set<T>>;
}

function hashOf(text: string, from: number, length: number): number {
  let hash = 0;
  for (let i = from; i < from + length; i++) hash = (Math.imul(hash, BASE) + text.charCodeAt(i)) | 0;
  return hash;
}

/** Needles (secrets as written) with the values each stands for, found in a text in time linear in the text. */
export class NeedleIndex<T> {
  private readonly buckets = new Map<number, Bucket<T>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(needle: string, value: T): void {
    if (!needle) return;
    let bucket = this.buckets.get(needle.length);
    if (!bucket) {
      let power = 1;
      for (let i = 1; i < needle.length; i++) power = Math.imul(power, BASE);
      bucket = { power, hashes: new Map(), needles: new Map() };
      this.buckets.set(needle.length, bucket);
    }
    const values = bucket.needles.get(needle);
    if (values) {
      if (!values.has(value)) this.count++;
      values.add(value);
      return;
    }
    bucket.needles.set(needle, new Set([value]));
    const hash = hashOf(needle, 0, needle.length);
    bucket.hashes.set(hash, (bucket.hashes.get(hash) ?? 0) + 1);
    this.count++;
  }

  delete(needle: string, value: T): void {
    const bucket = this.buckets.get(needle.length);
    const values = bucket?.needles.get(needle);
    if (!bucket || !values?.delete(value)) return;
    this.count--;
    if (values.size) return;
    bucket.needles.delete(needle);
    const hash = hashOf(needle, 0, needle.length);
    const left = bucket.hashes.get(hash)! - 1;
    if (left) bucket.hashes.set(hash, left);
    else bucket.hashes.delete(hash);
    if (!bucket.needles.size) this.buckets.delete(needle.length);
  }

  /** Every value. */
  *values(): Generator<T> {
    for (const bucket of this.buckets.values()) for (const values of bucket.needles.values()) yield* values;
  }

  /** The values of the needles that stand in `text` (a value may come more than once). */
  *valuesIn(text: string): Generator<T> {
    if (this.count <= FEW) {
      for (const bucket of this.buckets.values()) {
        for (const [needle, values] of bucket.needles) {
          needleWork.chars += text.length;
          if (text.includes(needle)) yield* values;
        }
      }
      return;
    }
    for (const [length, bucket] of this.buckets) {
      if (length > text.length) continue;
      needleWork.chars += text.length;
      let hash = hashOf(text, 0, length);
      for (let i = 0; ; i++) {
        if (bucket.hashes.has(hash)) {
          needleWork.chars += length;
          const values = bucket.needles.get(text.slice(i, i + length));
          if (values) yield* values;
        }
        if (i + length >= text.length) break;
        hash = (Math.imul(hash - Math.imul(text.charCodeAt(i), bucket.power), BASE) + text.charCodeAt(i + length)) | 0;
      }
    }
  }
}
