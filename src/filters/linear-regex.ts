// Regexes that users write (allowlist entries, .gitallowed, git-secrets' secrets.allowed and secrets.patterns)
// run in RE2 (the re2js port): its matching time is linear in the input whatever the pattern, so a
// catastrophic pattern such as (a+)+$ cannot hang a scan or a commit. The built-in rules stay on V8's faster
// engine: they are ours and reviewed. re2js loads on first use only, so a repository without user regexes
// never pays its ~10 ms import on the commit hook.
import { createRequire } from 'node:module';
import { UsageError, messageOf } from '../errors.js';

type Re2Module = typeof import('re2js');
type Re2 = Re2Module['RE2JS'];
type Re2Pattern = InstanceType<Re2>;

let engine: Re2 | null = null;

/** require rather than import(): a synchronous load keeps createDetector() synchronous for its callers. */
function re2(): Re2 {
  engine ??= (createRequire(import.meta.url)('re2js') as Re2Module).RE2JS;
  return engine;
}

/** A compiled user regex: RE2 syntax (no lookaround, no backreferences), matched in linear time. */
export class LinearRegex {
  private readonly compiled: Re2Pattern;

  /** `where` names the entry in errors: ".keyguardallow:12", "git config secrets.patterns". */
  constructor(
    readonly source: string,
    where: string,
    options: { multiline?: boolean } = {},
  ) {
    const RE2JS = re2();
    try {
      this.compiled = RE2JS.compile(source, options.multiline ? RE2JS.MULTILINE : 0);
    } catch (error) {
      throw new UsageError(`${where}: invalid regex ${JSON.stringify(source)} (${messageOf(error)}; user regexes use RE2 syntax: no lookaround or backreferences)`);
    }
  }

  test(text: string): boolean {
    return this.compiled.matcher(text).find();
  }

  /** Each match from `from` on, leftmost first and not overlapping, as RegExp's exec gives it (with indices). */
  *matches(text: string, from = 0): Generator<RegExpExecArray> {
    const matcher = this.compiled.matcher(text);
    const groups = this.compiled.groupCount();
    for (let found = matcher.find(from); found; found = matcher.find()) {
      const values: Array<string | undefined> = [];
      const indices: Array<[number, number] | undefined> = [];
      for (let group = 0; group <= groups; group++) {
        const start = matcher.start(group);
        const matched = start >= 0;
        values.push(matched ? text.slice(start, matcher.end(group)) : undefined);
        indices.push(matched ? [start, matcher.end(group)] : undefined);
      }
      yield Object.assign(values, { index: matcher.start(0), input: text, groups: undefined, indices }) as unknown as RegExpExecArray;
    }
  }
}

/**
 * A RegExp whose matching runs in RE2, so a rule built from a user pattern can go through the Detector like a
 * built-in one: `text.matchAll(regex)` calls [Symbol.matchAll], and every other RegExp method (test, match,
 * replace, …) goes through exec. The RegExp underneath ("never matches") is never consulted. `accept` drops
 * matches a condition RE2 cannot express rejects (git grep -w's "followed by a non-word character").
 */
export class LinearRegExp extends RegExp {
  constructor(
    private readonly linear: LinearRegex,
    private readonly accept: (match: RegExpExecArray) => boolean = () => true,
  ) {
    super('(?!)', 'gd');
  }

  private *accepted(text: string, from = 0): Generator<RegExpExecArray> {
    for (const match of this.linear.matches(text, from)) if (this.accept(match)) yield match;
  }

  override exec(text: string): RegExpExecArray | null {
    const match = this.lastIndex <= text.length ? this.accepted(text, this.lastIndex).next().value : undefined;
    this.lastIndex = match ? match.index + Math.max(match[0].length, 1) : 0;
    return match ?? null;
  }

  override [Symbol.matchAll](text: string): RegExpStringIterator<RegExpMatchArray> {
    return this.accepted(text);
  }

  override toString(): string {
    return `/${this.linear.source}/ (RE2)`;
  }
}
