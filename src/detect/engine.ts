import { escapeRegExp, forEachMatch } from '../regex.js';
import { type Finding, type Fragment, keywordAnyCase, type Rule, type RuleSet } from '../types.js';
import { base64Tokens, type EncodedToken, encodedPrefixes, urlTokens } from './decode.js';
import { shannonEntropy } from './entropy.js';
import { fingerprintOf } from './fingerprint.js';
import { LineIndex } from './lines.js';
import { looksHandMade } from './placeholder.js';

/** A regex match before its context, entropy and allowed values are weighed. */
interface Candidate {
  rule: Rule;
  /** span in the fragment's text that a report points at (the encoded token for decoded secrets) */
  start: number;
  end: number;
  secret: string;
  line: number;
  /** the line as the rule saw it: decoded candidates see the line with their token decoded */
  context: string;
  decoded?: 'base64' | 'url';
  /** a documented example or placeholder: never reported, and never a pair for another rule */
  allowedValue: boolean;
}

/** Text as line keywords are compared: lowercase, letters and digits only (`SECRET_KEY` → `secretkey`). */
export const normalizeForKeywords = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

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
  /** how the keywords begin base64-encoded; null when base64 values are decoded everywhere */
  private readonly encodedKeywordRegex: RegExp | null;
  /** the widest pairing window of any rule: how many lines of context a source should keep around a seam */
  readonly contextLines: number;

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
    const everywhere = this.rules.some((rule) => rule.keywords.length === 0);
    // Values that begin with an encoded keyword of a rule that needs no context (an encoded `AKIA…`) can be
    // findings on their own; a context rule's encoded match needs a keyword line or such a pair near it.
    const anchorKeywords = this.rules.filter((rule) => !rule.context).flatMap((rule) => rule.keywords);
    this.encodedKeywordRegex = everywhere ? null : new RegExp(alternation(encodedPrefixes(anchorKeywords)) || '(?!)', 'g');
  }


  detect(fragment: Fragment): Finding[] {
    const { text } = fragment;
    const lines = new LineIndex(text, fragment.markedLines);
    const keywordLines = this.keywordLines(text, lines);
    const candidates: Candidate[] = [];

    for (const rule of this.rules) {
      for (const [from, to] of this.searchRanges(rule, keywordLines, candidates, lines)) {
        const slice = to - from === text.length ? text : text.slice(from, to);
        for (const match of slice.matchAll(rule.regex)) {
          const [start, end] = match.indices![rule.secretGroup] ?? match.indices![0];
          const line = lines.lineOf(from + start);
          candidates.push(this.candidate(rule, from + start, from + end, slice.slice(start, end), line, lines.line(line)));
        }
      }
    }
    this.collectDecoded(text, lines, keywordLines, candidates);
    if (candidates.length === 0) return [];
    candidates.sort((a, b) => a.start - b.start);

    const reportStart = fragment.reportStart ?? 0;
    const reportEnd = fragment.reportEnd ?? Number.POSITIVE_INFINITY;
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const c of candidates) {
      if (c.start < reportStart || c.start >= reportEnd || c.allowedValue) continue;
      if (c.rule.entropy > 0 && shannonEntropy(c.secret) < c.rule.entropy) continue;
      if (!this.hasContext(c, candidates, lines)) continue;
      const span = `${c.start}:${c.end}`;
      if (seen.has(span)) continue; // two rules on the same characters: the first rule names it
      seen.add(span);
      findings.push(this.finding(fragment, lines, c));
    }
    return findings;
  }

  /** For each keyword found in the text (as rules write it), the lines it stands on, in order. */
  private keywordLines(text: string, lines: LineIndex): ReadonlyMap<string, number[]> {
    let found: Map<string, number[]> | null = null; // made at the first keyword: most texts hold none
    for (const regex of this.keywordRegexes) {
      forEachMatch(regex, text, (index, match) => {
        const keyword = regex.ignoreCase ? match.toLowerCase() : match;
        const line = lines.lineOf(index);
        const list = (found ??= new Map()).get(keyword);
        if (!list) found.set(keyword, [line]);
        else if (list[list.length - 1] !== line) list.push(line);
      });
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
      const { allowedValue } = this.candidate(rule, 0, value.length, value, 1, value);
      const reported = !allowedValue && (rule.entropy === 0 || shannonEntropy(value) >= rule.entropy);
      if (reported && (rule.severity === 'critical' || rule.severity === 'high')) return { rule, credential: true };
      shaped ??= rule;
    }
    return shaped && { rule: shaped, credential: false };
  }

  private candidate(rule: Rule, start: number, end: number, secret: string, line: number, context: string, decoded?: Candidate['decoded']): Candidate {
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
   * Where base64 values are decoded: lines within the pairing window of a keyword line or of a value that
   * begins with an encoded keyword of a context-free rule (a Kubernetes Secret's `QUtJQ…` is `AKIA…`). Decoding every
   * token of every line was the costliest step of a scan, and a decoded secret with no keyword near it and no
   * key at its start could not be reported anyway, but by a rule without keywords (then: everywhere).
   */
  private decodeRanges(text: string, lines: LineIndex, keywordLines: ReadonlyMap<string, number[]>): ReadonlyArray<[number, number]> {
    if (!this.encodedKeywordRegex) return [[0, text.length]];
    const wanted = new LineSet();
    for (const list of keywordLines.values()) for (const line of list) wanted.addAround(line, this.contextLines, this.contextLines, lines);
    // An encoded key is a pair for an encoded secret beside it: decode around it too.
    forEachMatch(this.encodedKeywordRegex, text, (index) => wanted.addAround(lines.lineOf(index), this.contextLines, this.contextLines, lines));
    return wanted.ranges(lines);
  }

  /** Runs every rule over each encoded token's line with the token decoded; reports at the encoded span. */
  private collectDecoded(text: string, lines: LineIndex, keywordLines: ReadonlyMap<string, number[]>, candidates: Candidate[]): void {
    const tokens: EncodedToken[] = [];
    for (const [from, to] of this.decodeRanges(text, lines, keywordLines)) base64Tokens(text, from, to, tokens);
    urlTokens(text, tokens);
    for (const token of tokens) {
      const line = lines.lineOf(token.start);
      const lineStart = lines.start(line);
      const before = text.slice(lineStart, token.start);
      const virtual = before + token.decoded + text.slice(token.end, lines.end(line));
      const decodedEnd = before.length + token.decoded.length;
      const raw = text.slice(token.start, token.end);
      for (const rule of this.rules) {
        for (const match of virtual.matchAll(rule.regex)) {
          const [start, end] = match.indices![rule.secretGroup] ?? match.indices![0];
          if (end <= before.length || start >= decodedEnd) continue; // outside the decoded part: the plain pass saw it
          const secret = virtual.slice(start, end);
          if (raw.includes(secret)) continue; // it stands unencoded in the token too: the plain pass saw it
          candidates.push(this.candidate(rule, token.start, token.end, secret, line, virtual, token.encoding));
        }
      }
    }
  }

  private hasContext(c: Candidate, all: Candidate[], lines: LineIndex): boolean {
    const context = c.rule.context;
    if (!context) return true;
    if (context.standalone?.test(c.secret)) return true;
    if (context.lineKeywords.length > 0) {
      const named = (text: string) => {
        const normalized = normalizeForKeywords(text);
        return context.lineKeywords.some((keyword) => normalized.includes(keyword));
      };
      if (named(c.context)) return true;
      // A name on a line above (`<name>fs.s3a.secret.key</name>`, `- name: AWS_SECRET_ACCESS_KEY`) names this
      // value, unless a value of the same rule stands between: that one is the name's.
      for (let line = c.line - 1; line >= Math.max(0, c.line - context.keywordLinesAbove); line--) {
        if (all.some((other) => other.rule === c.rule && other.line === line)) break;
        if (named(lines.line(line))) return true;
      }
    }
    return all.some(
      (other) => !other.allowedValue && context.pairWith.has(other.rule.id) && Math.abs(other.line - c.line) <= context.pairWindow,
    );
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
