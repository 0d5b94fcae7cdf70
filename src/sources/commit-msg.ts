// The commit-msg scan. Plain child processes only, like staged.ts: it runs on every commit.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { UsageError, messageOf } from '../errors.js';
import { type Fragment, MESSAGE_FILE } from '../types.js';
import { chunkText } from './chunker.js';

/** git's scissors line after the comment character: `git commit -v` puts its diff below it. */
const SCISSORS = ' ------------------------ >8 ------------------------';

/** The characters git picks from under core.commentChar=auto (builtin/commit.c). */
const AUTO_CHARS = '#;@!$%^&|:';

/** core.commentChar (a string since git 2.45), or null for "auto", where git picks a character per message. */
async function commentChar(cwd: string): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('git', ['config', '--get', 'core.commentChar'], { cwd });
    const value = stdout.replace(/\n$/, '');
    return value === 'auto' ? null : value || '#';
  } catch {
    return '#'; // not set (git exits 1), or no git: git's default
  }
}

/**
 * The message as git may commit it. git does not tell a hook its cleanup mode, and comment lines stay in the
 * commit under `git commit -m`/`-F` (cleanup "whitespace" when no editor runs) and `--cleanup=verbatim`, so
 * they are scanned: only the comment template git itself wrote could be a false alarm.
 *
 * git cuts at the first scissors line only under `git commit -v` or cleanup "scissors"; under the default
 * cleanup it commits what follows, less comment lines, so a key typed below a scissors line is committed.
 * The cut is made only where the text below is what those two modes write and nothing else: the cut line's
 * own two comment lines, then comment lines (status, `-vv`'s headings) up to `-v`'s diff or the end. The
 * diff is the staged change, the pre-commit hook's to judge, not message text. A user's line below the
 * scissors line (anything but a comment before the diff) means no cut: it is all scanned. Without an editor
 * git wrote no template (it sets GIT_EDITOR=: for the hook then), so nothing is cut. Lines keep their numbers.
 */
async function committedText(text: string, cwd: string, editor: boolean): Promise<string> {
  if (!editor || !text.includes(SCISSORS)) return text;
  const lines = text.split('\n');
  const char = await commentChar(cwd);
  const isScissors = (line: string) => (char === null ? line.slice(1) === SCISSORS && AUTO_CHARS.includes(line[0]) : line === char + SCISSORS);
  const scissors = lines.findIndex(isScissors);
  if (scissors === -1) return text;
  const comment = lines[scissors].slice(0, lines[scissors].length - SCISSORS.length);
  const below = lines.slice(scissors + 1);
  const firstText = below.findIndex((line) => line !== '' && !line.startsWith(comment));
  const gitsOwn = below.length >= 2 && below[0].startsWith(comment) && below[1].startsWith(comment) && (firstText === -1 || below[firstText].startsWith('diff --git '));
  return gitsOwn ? lines.slice(0, scissors).join('\n') : text;
}

/**
 * The commit message file a commit-msg hook is given, as fragments of what will be committed. Findings name it
 * as history does, MESSAGE_FILE, not by the file's path: the fingerprint the hook prints is the one the
 * pre-push hook, history scans and the CI gate compute for the same message, so its allow holds there too.
 */
export async function* commitMessageFragments(file: string, options: { cwd: string; contextLines: number }): AsyncGenerator<Fragment> {
  let text: string;
  try {
    text = await readFile(resolve(options.cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no such file' : messageOf(error)}`);
  }
  const committed = await committedText(text, options.cwd, process.env.GIT_EDITOR !== ':');
  yield* chunkText([committed], { file: MESSAGE_FILE, source: 'commit-msg', commit: null, message: true }, { contextLines: options.contextLines });
}
