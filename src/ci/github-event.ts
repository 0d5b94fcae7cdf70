import { UsageError } from '../errors.js';

/** A JSON type, or an object's fields with theirs. */
type Shape = 'string' | 'number' | 'boolean' | { readonly [field: string]: Shape };

/**
 * The types of the GitHub event fields the gate reads (range.ts's GithubEvent). The event file is JSON anyone
 * can write (`act`, a hand-made replay): a field of the wrong type, `null` included, would reach code that
 * slices strings and fail with an internal error instead of a message naming the field.
 */
const EVENT_FIELDS: Shape = {
  number: 'number',
  before: 'string',
  after: 'string',
  ref: 'string',
  deleted: 'boolean',
  pull_request: { number: 'number', base: { sha: 'string', ref: 'string' }, head: { sha: 'string' } },
  merge_group: { base_sha: 'string', head_sha: 'string' },
  repository: { default_branch: 'string' },
};

const typeOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);

const SAMPLES = { string: '', number: 0, boolean: false } as const;

/** Throws, naming GITHUB_EVENT_PATH and the field, when a field the gate reads has the wrong type; absent fields are fine. */
export function checkGithubEvent(event: unknown, path: string): void {
  const check = (value: unknown, shape: Shape, field: string): void => {
    const wanted = typeof shape === 'string' ? shape : 'object';
    if (typeof value !== wanted || value === null || Array.isArray(value)) {
      const what = field ? `field "${field}"` : 'event';
      throw new UsageError(`GITHUB_EVENT_PATH ${path}: the ${what} is ${typeOf(value)}, not ${typeOf(typeof shape === 'string' ? SAMPLES[shape] : {})}`);
    }
    if (typeof shape === 'string') return;
    for (const [key, inner] of Object.entries(shape)) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) check(child, inner, field ? `${field}.${key}` : key);
    }
  };
  check(event, EVENT_FIELDS, '');
}
