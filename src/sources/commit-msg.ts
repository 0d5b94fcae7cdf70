// The commit-msg scan. Plain child processes only, like staged.ts: it runs on every commit.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { UsageError, messageOf } from '../errors.js';
import { type Fragment, MESSAGE_FILE } from '../types.js';
import { chunkText } from './chunker.js';

const SCISSORS = ' ------------------------ >8 ------------------------';

interface MessageConfig {
  /** null: core.commentChar is "auto", and git picks a character no line starts with */
  commentChar: string | null;
  /** commit.cleanup: verbatim and whitespace keep comment lines in the commit, scissors keeps them too */
  cleanup: string;
}

async function messageConfig(cwd: string): Promise<MessageConfig> {
  const config: MessageConfig = { commentChar: '#', cleanup: 'default' };
  try {
    const { stdout } = await promisify(execFile)('git', ['config', '-z', '--get-regexp', '^(core\\.commentchar|commit\\.cleanup)$'], { cwd });
    for (const entry of stdout.split('\0')) {
      const [key, value = ''] = entry.split('\n');
      if (key === 'core.commentchar') config.commentChar = value === 'auto' ? null : value.slice(0, 1) || '#';
      else if (key === 'commit.cleanup') config.cleanup = value;
    }
  } catch {
    // no such setting (git exits 1), or no git: git's defaults
  }
  return config;
}

/**
 * The message as git will commit it, line for line (dropped lines become empty so numbers stay those of
 * the file): comment lines go, and so does everything from the scissors line of `git commit -v` on, whose
 * diff shows lines the commit may be removing. With commentChar "auto", the scissors line names the
 * character git chose.
 */
function committedText(text: string, config: MessageConfig): string {
  const lines = text.split('\n');
  const scissors = lines.findIndex((line) => line.length === SCISSORS.length + 1 && line.endsWith(SCISSORS) && (config.commentChar === null || line[0] === config.commentChar));
  const commentChar = config.commentChar ?? (scissors === -1 ? '#' : lines[scissors][0]);
  const keepComments = config.cleanup === 'verbatim' || config.cleanup === 'whitespace' || config.cleanup === 'scissors';
  const end = scissors === -1 || config.cleanup === 'verbatim' || config.cleanup === 'whitespace' ? lines.length : scissors;
  return lines
    .slice(0, end)
    .map((line) => (!keepComments && line.startsWith(commentChar) ? '' : line))
    .join('\n');
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
  const committed = committedText(text, await messageConfig(options.cwd));
  yield* chunkText([committed], { file: MESSAGE_FILE, source: 'commit-msg', commit: null, message: true }, { contextLines: options.contextLines });
}
