import { escapeRegExp, forEachMatch } from '../regex.js';
import { type Finding, type Fragment, keywordAnyCase, type Rule, type RuleSet } from '../types.js';
import { base64Tokens, base64TokensAt, EncodedPrefixes, type EncodedHit, type EncodedToken, urlTokens } from './decode.js';
import { shannonEntropy } from './entropy.js';
import { fingerprintOf } from './fingerprint.js';
import { firstWhere, LineIndex, markSharedLines } from './lines.js';
import { looksHandMade } from './placeholder.js';
import { type DecodedLine, decodedLines } from './views.js';
import { detectorWork } from './work.js';

/** A regex match before its context, entropy and allowed values are weighed. */
interface Candidate {
  rule: Rule;
  /** span in the fragment's text that a report points at (the encoded token for decoded secrets) */
  start: number;
  end: number;
  secret: string;
  line: number;
  /** the line as the rule saw it: decoded candidates see the line with its tokens decoded */
  context: LineText;
  decoded?: 'base64' | 'url';
  /** a documented example or placeholder: never reported, and never a pair for another rule */
  allowedValue: boolean;
}

/** Text as line keywords are compared: lowercase, letters and digits only (`SECRET_KEY` → `secretkey`). */
export const normalizeForKeywords = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * A line that candidates share, normalized and searched for each rule's line keywords once, however many
 * candidates it holds: asked per candidate, a long line of many values was read once per value.
 */
class LineText {
  private normalized: string | null = null;
  private readonly named = new Map<readonly string[], boolean>();

  constructor(readonly text: string) {}

  /** Whether the line holds one of `keywords` (normalized: see normalizeForKeywords). */
  holdsOneOf(keywords: readonly string[]): boolean {
    let holds = this.named.get(keywords);
    if (holds === undefined) {
      this.normalized ??= normalizeForKeywords(this.text);
      detectorWork.contextChars += this.normalized.length;
      const { normalized } = this;
      holds = keywords.some((keyword) => normalized.includes(keyword));
      this.named.set(keywords, holds);
    }
    return holds;
  }
}

const NOWHERE: ReadonlyArray<[number, number]> = [];
const NO_KEYWORDS: ReadonlyMap<string, number[]> = new Map();

/**
 * Line indexes a regex should read, as [from, to) offset ranges of consecutive lines. Most texts hold no
 * keyword, so the set is made only once a line is added: a scan asks this for every rule of every fragment.
 */
class LineSet {
  private lines: Set<number> | null = null;

  addAll(lines: readonly number[] | undefined): void {
    if (lines) for (const line of lines) (this.lines ??= new Set()).add(line);
  }

  /** `line` and the lines within `before` lines above and `after` lines below it. */
  addAround(line: number, before: number, after: number, index: LineIndex): void {
    const last = Math.min(line + after, index.count - 1);
    for (let l = Math.max(0, line - before); l <= last; l++) (this.lines ??= new Set()).add(l);
  }

  ranges(index: LineIndex): ReadonlyArray<[number, number]> {
    if (!this.lines) return NOWHERE;
    const sorted = [...this.lines].sort((a, b) => a - b);
    const ranges: Array<[number, number]> = [];
    for (let i = 0; i < sorted.length; ) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
      ranges.push([index.start(sorted[i]), index.end(sorted[j])]);
      i = j + 1;
    }
    return ranges;
  }
}

/** The lines of a text as LineTexts, each made once and only when asked for. */
class LineTexts {
  private readonly made = new Map<number, LineText>();

  constructor(private readonly lines: LineIndex) {}

  of(line: number): LineText {
    let text = this.made.get(line);
    if (!text) this.made.set(line, (text = new LineText(this.lines.line(line))));
    return text;
  }
}

/**
 * Where each rule's candidates stand, for the context checks: one lookup per check, where searching every
 * other candidate made a line of many values quadratic.
 */
class CandidateLines {
  /** per rule id, the sorted lines of its candidates that can be a pair (not allowed values) */
  private readonly pairable = new Map<string, number[]>();
  /** `rule id, line` of every candidate */
  private readonly valued = new Set<string>();

  constructor(candidates: readonly Candidate[]) {
    for (const c of candidates) {
      this.valued.add(`${c.rule.id}\n${c.line}`);
      if (c.allowedValue) continue;
      const list = this.pairable.get(c.rule.id);
      if (list) list.push(c.line);
      else this.pairable.set(c.rule.id, [c.line]);
    }
    for (const list of this.pairable.values()) list.sort((a, b) => a - b);
  }

  /** Whether rule `id` has a pair within `window` lines of `line`. */
  pairNear(id: string, line: number, window: number): boolean {
    const list = this.pairable.get(id);
    if (!list) return false;
    const i = firstWhere(list.length, (k) => list[k] >= line - window);
    return i < list.length && list[i] <= line + window;
  }

  /** Whether `rule` has a candidate on `line`. */
  holds(rule: Rule, line: number): boolean {
    return this.valued.has(`${rule.id}\n${line}`);
  }
}

/**
 * Turns fragments into findings with the rules of a RuleSet. Stateless between fragments, so one Detector
 * serves every source and every file.
 */
export class Detector {
  private readonly rules: Rule[];
  private readonly allowed: RegExp[];
  /**
   * every rule's keywords as alternations, longest first: one for those matched as written, one (flag i) for
   * those matched in any case. Two passes cost less than one case-insensitive pass over both: `AKIA` in any
   * case stops the regex at every `a`.
   */
  private readonly keywordRegexes: RegExp[];
  /** key prefixes as they stand base64-encoded; null when base64 values are decoded everywhere */
  private readonly encodedPrefixes: EncodedPrefixes | null;
  /** the widest pairing window of any rule: how many lines of context a source should keep around a seam */
  readonly contextLines: number;
  /** some rule has no keywords: its regex reads every text whole */
  private readonly keywordless: boolean;

  constructor(ruleSet: RuleSet) {
    // A rule that pairs with others runs after them, so their candidates are there to pair with.
    this.rules = [...ruleSet.rules].sort((a, b) => Number(Boolean(a.context?.pairWith.size)) - Number(Boolean(b.context?.pairWith.size)));
    this.allowed = ruleSet.allowed;
    this.contextLines = Math.max(0, ...this.rules.map((rule) => Math.max(rule.context?.pairWindow ?? 0, rule.context?.keywordLinesAbove ?? 0)));
    const keywords = [...new Set(this.rules.flatMap((rule) => rule.keywords))].sort((a, b) => b.length - a.length);
    const alternation = (words: string[]) => words.map(escapeRegExp).join('|');
    const exact = keywords.filter((keyword) => !keywordAnyCase(keyword));
    const anyCase = keywords.filter(keywordAnyCase);
    this.keywordRegexes = [];
    if (exact.length) this.keywordRegexes.push(new RegExp(alternation(exact), 'g'));
    if (anyCase.length) this.keywordRegexes.push(new RegExp(alternation(anyCase), 'gi'));
    // A rule without keywords may match anywhere, so its decoded matches may stand anywhere too.
    const everywhere = (this.keywordless = this.rules.some((rule) => rule.keywords.length === 0));
    // Base64 that encodes a key prefix (the capital keywords of rules that need no context: `AKIA`, alone or
    // inside an encoded credentials file or JSON) can hold a finding with no keyword on its line; a secret
    // encoded beside it pairs with it. Words matched in any case (`secret`) are not searched for encoded: in
    // every case at every alignment they cost a scan about 3% more, and their values need a named line anyway.
    const prefixes = this.rules.filter((rule) => !rule.context).flatMap((rule) => rule.keywords.filter((k) => !keywordAnyCase(k)));
    this.encodedPrefixes = everywhere ? null : new EncodedPrefixes([...new Set(prefixes)]);
  }


  detect(fragment: Fragment): Finding[] {
    const { text } = fragment;
    const lines = new LineIndex(text, fragment.markedLines);
    const keywordLines = this.keywordLines(text, lines);
    const candidates: Candidate[] = [];
    // Decoded first: an encoded key ID is a pair that sends the pairing rules to the lines around it.
    this.collectDecoded(text, lines, keywordLines, candidates);
    // Most texts hold no keyword and no encoded key: then no rule has a line to read (see searchRanges).
    if (keywordLines.size === 0 && candidates.length === 0 && !this.keywordless) return [];

    const lineTexts = new LineTexts(lines);
    for (const rule of this.rules) {
      for (const [from, to] of this.searchRanges(rule, keywordLines, candidates, lines)) {
        const slice = to - from === text.length ? text : text.slice(from, to);
        detectorWork.ruleChars += slice.length;
        forEachMatch(rule.regex, slice, (_index, _text, match) => {
          const [start, end] = match.indices![rule.secretGroup] ?? match.indices![0];
          const line = lines.lineOf(from + start);
          candidates.push(this.candidate(rule, from + start, from + end, slice.slice(start, end), line, lineTexts.of(line)));
        });
      }
    }
    if (candidates.length === 0) return [];
    candidates.sort((a, b) => a.start - b.start);

    const reportStart = fragment.reportStart ?? 0;
    const reportEnd = fragment.reportEnd ?? Number.POSITIVE_INFINITY;
    const quiet = fragment.quietLines;
    const findings: Finding[] = [];
    const seen = new Set<string>();
    const candidateLines = new CandidateLines(candidates);
    for (const c of candidates) {
      if (c.start < reportStart || c.start >= reportEnd || c.allowedValue) continue;
      if (quiet?.has(fragment.line + c.line)) continue; // an unchanged line, there for its words
      if (c.rule.entropy > 0 && shannonEntropy(c.secret) < c.rule.entropy) continue;
      if (!this.hasContext(c, candidateLines, lineTexts)) continue;
      // Two rules on the same characters: the first rule names it. One encoded token can hold several secrets.
      const span = `${c.start}:${c.end}:${c.secret}`;
      if (seen.has(span)) continue;
      seen.add(span);
      findings.push(this.finding(fragment, lines, c));
    }
    markSharedLines(findings);
    return findings;
  }

  /** For each keyword found in the text (as rules write it), the lines it stands on, in order. */
  private keywordLines(text: string, lines: LineIndex): ReadonlyMap<string, number[]> {
    let found: Map<string, number[]> | null = null; // made at the first keyword: most texts hold none
    // exec by hand, not forEachMatch: a closure per regex and fragment was ~4% of a history scan's allocations
    for (let r = 0; r < this.keywordRegexes.length; r++) {
      const regex = this.keywordRegexes[r];
      regex.lastIndex = 0;
      for (let match = regex.exec(text); match; match = regex.exec(text)) {
        const keyword = regex.ignoreCase ? match[0].toLowerCase() : match[0];
        const line = lines.lineOf(match.index);
        const list = (found ??= new Map()).get(keyword);
        if (!list) found.set(keyword, [line]);
        else if (list[list.length - 1] !== line) list.push(line);
      }
    }
    return found ?? NO_KEYWORDS;
  }

  /**
   * Where a rule's regex runs, as [from, to) offsets: the whole text for a rule without keywords, else the
   * lines holding one of its keywords plus, for a pairing rule, the lines within its window of a pair.
   * Most text holds no keyword, so the costly regexes read a few lines instead of every byte.
   */
  private searchRanges(rule: Rule, keywordLines: ReadonlyMap<string, number[]>, candidates: Candidate[], lines: LineIndex): ReadonlyArray<[number, number]> {
    if (rule.keywords.length === 0) return [[0, lines.textLength]];
    const wanted = new LineSet();
    const below = rule.context?.keywordLinesAbove ?? 0;
    for (const keyword of rule.keywords) {
      if (below === 0) wanted.addAll(keywordLines.get(keyword));
      else for (const line of keywordLines.get(keyword) ?? []) wanted.addAround(line, 0, below, lines);
    }
    const pairWith = rule.context?.pairWith;
    if (pairWith?.size) {
      const window = rule.context!.pairWindow;
      for (const c of candidates) if (!c.allowedValue && pairWith.has(c.rule.id)) wanted.addAround(c.line, window, window, lines);
    }
    return wanted.ranges(lines);
  }

  /**
   * How the rules see a bare value (for `keyguard allow`, which must not write a live key into a committed
   * file): null when no rule's pattern takes the whole value as its secret, even after one of the rule's
   * keywords (`account=`); else that rule, and `credential` when a high or critical rule would report it
   * (entropy met, no documented example or placeholder). Context is not weighed: where the value stands is
   * unknown.
   */
  judgeValue(value: string): { rule: Rule; credential: boolean } | null {
    let shaped: Rule | null = null;
    for (const rule of this.rules) {
      const takesWhole = [value, ...rule.keywords.map((keyword) => `${keyword}=${value}`)].some((probe) =>
        [...probe.matchAll(rule.regex)].some((match) => {
          const [start, end] = match.indices![rule.secretGroup] ?? match.indices![0];
          return probe.slice(start, end) === value;
        }),
      );
      if (!takesWhole) continue;
      const { allowedValue } = this.candidate(rule, 0, value.length, value, 1, new LineText(value));
      const reported = !allowedValue && (rule.entropy === 0 || shannonEntropy(value) >= rule.entropy);
      if (reported && (rule.severity === 'critical' || rule.severity === 'high')) return { rule, credential: true };
      shaped ??= rule;
    }
    return shaped && { rule: shaped, credential: false };
  }

  private candidate(rule: Rule, start: number, end: number, secret: string, line: number, context: LineText, decoded?: Candidate['decoded']): Candidate {
    const allowedValue = rule.allowed.some((re) => re.test(secret)) || (rule.filterPlaceholders && this.isPlaceholder(rule, secret));
    return { rule, start, end, secret, line, context, decoded, allowedValue };
  }

  /**
   * A documented example or a value typed by hand. The part after the rule's prefix is judged too:
   * `AKIATESTTESTTESTTEST` repeats a piece only once `AKIA` is set aside.
   */
  private isPlaceholder(rule: Rule, secret: string): boolean {
    if (this.allowed.some((re) => re.test(secret)) || looksHandMade(secret)) return true;
    const prefix = rule.prefix?.exec(secret)?.[0].length ?? 0;
    return prefix > 0 && looksHandMade(secret.slice(prefix));
  }

  /**
   * Where every base64 run is decoded: lines within the pairing window of a keyword line or of base64 that
   * encodes a key prefix (a Kubernetes Secret's `QUtJQ…` is `AKIA…`). Decoding every run of every line was the
   * costliest step of a scan, and a decoded secret with no keyword near it and no key beside it could not be
   * reported anyway, but by a rule without keywords (then: everywhere).
   */
  private decodeRanges(lines: LineIndex, keywordLines: ReadonlyMap<string, number[]>, hits: readonly EncodedHit[]): ReadonlyArray<[number, number]> {
    if (!this.encodedPrefixes) return [[0, lines.textLength]];
    if (keywordLines.size === 0 && hits.length === 0) return NOWHERE; // most texts
    const wanted = new LineSet();
    for (const list of keywordLines.values()) for (const line of list) wanted.addAround(line, this.contextLines, this.contextLines, lines);
    // An encoded key is a pair for an encoded secret beside it: decode around it too.
    for (const hit of hits) wanted.addAround(lines.lineOf(hit.index), this.contextLines, this.contextLines, lines);
    return wanted.ranges(lines);
  }

  /**
   * Runs every rule once over each line that holds encoded tokens, with all of them decoded (a view), and
   * reports what a rule finds in decoded text at the encoded token. Base64 and URL tokens may overlap (a
   * URL's path can be base64): each kind has views of its own.
   */
  private collectDecoded(text: string, lines: LineIndex, keywordLines: ReadonlyMap<string, number[]>, candidates: Candidate[]): void {
    const hits = this.encodedPrefixes?.find(text) ?? [];
    const base64: EncodedToken[] = [];
    for (const [from, to] of this.decodeRanges(lines, keywordLines, hits)) base64Tokens(text, from, to, base64);
    if (hits.length) {
      const lineBounds = (offset: number): [number, number] => {
        const line = lines.lineOf(offset);
        return [lines.start(line), lines.end(line)];
      };
      base64TokensAt(text, hits, new Set(base64.map((token) => token.start)), lineBounds, base64);
      base64.sort((a, b) => a.start - b.start);
    }
    const url: EncodedToken[] = [];
    urlTokens(text, url);
    // Most texts hold no token: no generator is made for them (its objects were ~7% of a history scan's allocations).
    if (base64.length) this.readTokens(text, lines, base64, candidates);
    if (url.length) this.readTokens(text, lines, url, candidates);
  }

  /** Each line holding some of `tokens`, read with them decoded (see readView). */
  private readTokens(text: string, lines: LineIndex, tokens: readonly EncodedToken[], candidates: Candidate[]): void {
    for (const { line, view } of decodedLines(text, lines, tokens)) this.readView(view, line, candidates);
  }

  private readView(view: DecodedLine, line: number, candidates: Candidate[]): void {
    const context = new LineText(view.text);
    for (const rule of this.rules) {
      detectorWork.ruleChars += view.text.length;
      forEachMatch(rule.regex, view.text, (_index, _text, match) => {
        const [start, end] = match.indices![rule.secretGroup] ?? match.indices![0];
        const token = view.tokenOf(start, end);
        if (token) candidates.push(this.candidate(rule, token.start, token.end, view.text.slice(start, end), line, context, token.encoding));
      });
    }
  }

  private hasContext(c: Candidate, candidates: CandidateLines, lineTexts: LineTexts): boolean {
    const context = c.rule.context;
    if (!context) return true;
    if (context.standalone?.test(c.secret)) return true;
    if (context.lineKeywords.length > 0) {
      if (c.context.holdsOneOf(context.lineKeywords)) return true;
      // A name on a line above (`<name>fs.s3a.secret.key</name>`, `- name: AWS_SECRET_ACCESS_KEY`) names this
      // value, unless a value of the same rule stands between: that one is the name's.
      for (let line = c.line - 1; line >= Math.max(0, c.line - context.keywordLinesAbove); line--) {
        if (candidates.holds(c.rule, line)) break;
        if (lineTexts.of(line).holdsOneOf(context.lineKeywords)) return true;
      }
    }
    for (const id of context.pairWith) if (candidates.pairNear(id, c.line, context.pairWindow)) return true;
    return false;
  }

  private finding(fragment: Fragment, lines: LineIndex, c: Candidate): Finding {
    const lineStart = lines.start(c.line);
    const column = (c.line === 0 ? (fragment.column ?? 1) : 1) + (c.start - lineStart);
    const finding: Finding = {
      ruleId: c.rule.id,
      description: c.rule.description,
      severity: c.rule.severity,
      file: fragment.file,
      line: fragment.line + c.line,
      column,
      endColumn: column + (c.end - c.start),
      secret: c.secret,
      lineText: lines.line(c.line),
      fingerprint: fingerprintOf(c.rule.id, fragment.file, c.secret),
      commit: fragment.commit ?? null,
      source: fragment.source,
    };
    if (fragment.message) finding.message = true;
    if (fragment.name) finding.name = true;
    if (c.decoded) finding.decoded = c.decoded;
    return finding;
  }
}
