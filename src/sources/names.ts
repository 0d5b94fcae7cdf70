import type { Fragment } from '../types.js';
import type { FragmentBase } from './chunker.js';

// A file named after a key leaks it as surely as its content does: every source scans the names of the files
// it reads (scan) or that a change adds or renames (diffs), as fragments of their own (Fragment.name).

/** A run of key-shaped characters shorter than any value a rule matches (key IDs are 20, secrets 40). */
const KEY_SHAPED = /[A-Za-z0-9+=]{16}/;

/** A fragment of the path `base.file`, or null when no key can stand in it (most paths: checked in one regex test). */
export function nameFragment(base: FragmentBase): Fragment | null {
  if (!KEY_SHAPED.test(base.file)) return null;
  return { ...base, name: true, text: base.file, line: 1, column: 1, reportStart: 0, reportEnd: Number.POSITIVE_INFINITY };
}
