import { chmodSync, constants, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';

/** One file-system change of an install or uninstall, planned before anything is touched. */
export type Change =
  | { kind: 'write'; path: string; content: string; mode: number; note: string }
  | { kind: 'move'; from: string; to: string; note: string }
  | { kind: 'remove'; path: string; note: string };

interface Saved {
  content: Buffer;
  mode: number;
}

function save(path: string): Saved | null {
  if (!existsSync(path)) return null;
  return { content: readFileSync(path), mode: lstatSync(path).mode & 0o777 };
}

function put(path: string, content: string | Buffer, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  // Written beside the target and renamed over it: git never runs a half-written hook.
  const temporary = `${path}.keyguard-${process.pid}.tmp`;
  writeFileSync(temporary, content);
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}

function restore(path: string, saved: Saved | null): void {
  if (saved) put(path, saved.content, saved.mode);
  else rmSync(path, { force: true });
}

/**
 * Moves a file, never over another (renameSync would replace it: a user's hook lost for good): a hard link
 * (or the same symlink) under the new name, then the old name goes; where links are not supported, a copy that
 * refuses to overwrite.
 */
function move(from: string, to: string): void {
  try {
    // A symlinked hook stays a symlink (macOS's link(2) would follow it).
    if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else linkSync(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${to} appeared while keyguard was changing the hooks: nothing was changed, run the command again`);
    if (code === 'ENOENT') throw error;
    copyFileSync(from, to, constants.COPYFILE_EXCL);
  }
  unlinkSync(from);
}

/** Applies one change and returns how to take it back. */
function apply(change: Change): () => void {
  switch (change.kind) {
    case 'write': {
      const before = save(change.path);
      put(change.path, change.content, change.mode);
      return () => restore(change.path, before);
    }
    case 'move':
      move(change.from, change.to);
      return () => move(change.to, change.from);
    case 'remove': {
      const before = save(change.path);
      rmSync(change.path, { force: true });
      return () => restore(change.path, before);
    }
  }
}

/**
 * Applies the changes in order, or none of them: when one fails, those already made are taken back (newest
 * first) and the error is thrown, so a repository never ends up with half of keyguard's hooks.
 */
export function applyAll(changes: readonly Change[], after: () => void = () => {}): void {
  const undo: Array<() => void> = [];
  try {
    for (const change of changes) undo.push(apply(change));
    after();
  } catch (error) {
    for (const step of undo.reverse()) step();
    throw error;
  }
}
