import { maskSecret } from '../types.js';

// Every place a report or an error message shows text, found secrets are masked wherever they stand: a line
// shown for one finding can hold another finding's key (a repeat a history scan reported elsewhere), or the
// same key base64- or URL-encoded. One matcher finds all of them in one pass over the text.

/** Shorter encoded pieces would mask ordinary words; the secret itself is masked at any length. */
const MIN_ENCODED = 8;

/**
 * The base64 characters that stand for the secret's bytes alone, wherever it sits in the encoded data: at a
 * byte offset of 3k, 3k+1 or 3k+2 the same bytes encode three different ways, each cut to the characters no
 * neighbouring byte shares (so a key inside a base64 blob of a whole credentials file is found too).
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((offset * 8) / 6);
    const last = Math.floor(((offset + bytes.length) * 8) / 6);
    const form = encoded.slice(first, last);
    forms.push(form, form.replace(/\+/g, '-').replace(/\//g, '_')); // standard and URL-safe alphabets
  }
  return forms;
}

/** How a secret may be written in text: as is, base64-encoded at any alignment, URL-encoded (any hex case: see foldedUnit). */
export function writtenForms(secret: string): string[] {
  const escaped = encodeURIComponent(secret);
  const encoded = [...base64Forms(secret), escaped, escaped.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())];
  return [...new Set([secret, ...encoded.filter((form) => form.length >= MIN_ENCODED)])];
}

/**
 * The code unit at `i` as the matcher compares it: the hex digits of a URL escape in lower case, so that
 * `%2b` and `%2F` in one token match a needle escaped either way (needles are folded the same way).
 */
function foldedUnit(text: string, i: number): number {
  const unit = text.charCodeAt(i);
  if (unit < 65 || unit > 70) return unit; // not A-F
  const previous = text.charCodeAt(i - 1);
  const escape = previous === 37 || (text.charCodeAt(i - 2) === 37 && isHexDigit(previous));
  return escape ? unit + 32 : unit;
}

const isHexDigit = (unit: number) => (unit >= 48 && unit <= 57) || (unit >= 65 && unit <= 70) || (unit >= 97 && unit <= 102);

/**
 * Many strings found at once, in time linear in the text whatever their number (Aho–Corasick): a history scan
 * can report thousands of secrets, and each shown line is searched for all of them. Most trie nodes have one
 * child (needles are random text): it is kept in two arrays, and a Map is made only for a node with more.
 */
class Needles {
  /** each node's first child: the UTF-16 code unit on its edge plus one (0: none) and the node */
  private readonly firstUnit: Int32Array;
  private readonly firstChild: Int32Array;
  /** further children by code unit, for the few nodes that branch */
  private readonly moreChildren = new Map<number, Map<number, number>>();
  private readonly fail: Int32Array;
  /** the longest needle ending at each node, its own or one its failure links reach (0: none) */
  private readonly longest: Int32Array;
  private nodes = 1;

  constructor(needles: readonly string[]) {
    // A trie has at most one node per needle character, plus the root.
    const size = needles.reduce((sum, needle) => sum + needle.length, 1);
    this.firstUnit = new Int32Array(size);
    this.firstChild = new Int32Array(size);
    this.fail = new Int32Array(size);
    this.longest = new Int32Array(size);
    for (const needle of needles) {
      let node = 0;
      for (let i = 0; i < needle.length; i++) node = this.child(node, foldedUnit(needle, i)) ?? this.addChild(node, foldedUnit(needle, i));
      if (node) this.longest[node] = needle.length;
    }
    // Failure links, breadth first: each node's points at the longest proper suffix of it that is in the trie.
    const queue = new Int32Array(this.nodes);
    let tail = 0;
    this.forEachChild(0, (child) => (queue[tail++] = child));
    for (let head = 0; head < tail; head++) {
      const node = queue[head];
      this.forEachChild(node, (child, unit) => {
        let suffix = this.fail[node];
        let next = this.child(suffix, unit);
        while (next === undefined && suffix) next = this.child((suffix = this.fail[suffix]), unit);
        this.fail[child] = next ?? 0;
        this.longest[child] = Math.max(this.longest[child], this.longest[this.fail[child]]);
        queue[tail++] = child;
      });
    }
  }

  private child(node: number, unit: number): number | undefined {
    return this.firstUnit[node] === unit + 1 ? this.firstChild[node] : this.moreChildren.get(node)?.get(unit);
  }

  private addChild(node: number, unit: number): number {
    const child = this.nodes++;
    if (this.firstUnit[node] === 0) {
      this.firstUnit[node] = unit + 1;
      this.firstChild[node] = child;
    } else {
      const more = this.moreChildren.get(node);
      if (more) more.set(unit, child);
      else this.moreChildren.set(node, new Map([[unit, child]]));
    }
    return child;
  }

  private forEachChild(node: number, visit: (child: number, unit: number) => void): void {
    if (this.firstUnit[node]) visit(this.firstChild[node], this.firstUnit[node] - 1);
    this.moreChildren.get(node)?.forEach(visit);
  }

  /** Where needles stand in the text, as [start, end) spans, overlapping ones merged, in order. */
  spans(text: string): Array<[number, number]> {
    const spans: Array<[number, number]> = [];
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const unit = foldedUnit(text, i);
      let next = this.child(node, unit);
      while (next === undefined && node) next = this.child((node = this.fail[node]), unit);
      node = next ?? 0;
      if (this.longest[node]) addSpan(spans, i + 1 - this.longest[node], i + 1);
    }
    return spans;
  }
}

/** Adds [start, end) to spans sorted by end, merging it with those it overlaps. */
function addSpan(spans: Array<[number, number]>, start: number, end: number): void {
  while (spans.length && spans[spans.length - 1][1] > start) {
    const [lastStart, lastEnd] = spans.pop()!;
    start = Math.min(start, lastStart);
    end = Math.max(end, lastEnd);
  }
  spans.push([start, end]);
}

/** Masks every written form of a set of secrets in any text. */
export class SecretMask {
  private readonly needles: Needles | null;

  constructor(secrets: Iterable<string>) {
    const forms = new Set<string>();
    for (const secret of secrets) if (secret) for (const form of writtenForms(secret)) forms.add(form);
    this.needles = forms.size ? new Needles([...forms]) : null;
  }

  /** The text with each secret's span masked, and each of `extra` (spans known to hold one, as [start, end)). */
  apply(text: string, extra: ReadonlyArray<readonly [number, number]> = []): string {
    const spans = [...(this.needles?.spans(text) ?? []), ...extra.filter(([start, end]) => start < end && end <= text.length)];
    if (!spans.length) return text;
    spans.sort((a, b) => a[0] - b[0]);
    let out = '';
    let at = 0;
    for (let i = 0; i < spans.length; ) {
      const start = spans[i][0];
      let end = spans[i++][1];
      while (i < spans.length && spans[i][0] < end) end = Math.max(end, spans[i++][1]);
      out += text.slice(at, start) + maskSecret(text.slice(start, end));
      at = end;
    }
    return out + text.slice(at);
  }
}
