// `keyguard hook <name> …`: what the installed hook scripts run. bin/keyguard comes here straight, without
// the CLI's yargs or simple-git, so a commit costs little more than Node's start; sources load per hook.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createDetector } from '../rules/detector.js';
import type { Detector } from '../detect/engine.js';
import { UsageError, usageErrorText } from '../errors.js';
import { ALLOWLIST_FILE } from '../filters/allowlist.js';
import { loadFilters } from '../filters/index.js';
import { workTreeRoot } from '../git/repo.js';
import { collectFindings } from '../pipeline.js';
import { wantsColor } from '../report/color.js';
import { redactSecrets } from '../report/redact.js';
import { textReporter } from '../report/text.js';
import { type Finding, type Fragment, type ScanStats, emptyStats } from '../types.js';
import { gitOutput } from '../git/repo.js';
import { HOOK_NAMES, type HookName } from './scripts.js';

interface HookScan {
  /** the text to scan, read with the detector's rules (made only once there is something to scan) */
  fragments: (detector: Detector) => AsyncIterable<Fragment>;
  /** what was scanned, for the summary line */
  target: string;
  /** the first lines of the advice: what was blocked, how to take the secret out, why to rotate the key */
  blocked: string[];
}

interface ScanContext {
  cwd: string;
  args: string[];
  stats: ScanStats;
}

const ZERO_SHA = /^0+$/;

async function stagedScan({ cwd, stats }: ScanContext): Promise<HookScan> {
  const { stagedFragments } = await import('../sources/staged.js');
  return {
    fragments: ({ contextLines }) => stagedFragments({ cwd, wholeFiles: false, contextLines, stats }),
    target: 'staged changes',
    blocked: [
      'keyguard blocked this commit. What to do:',
      '  1. Remove the secret from the file and stage it again (git add); read it from the environment or a secrets manager.',
      '  2. If the key is live and has been anywhere else (a chat, another repo, a log), rotate it in AWS IAM.',
    ],
  };
}

async function messageScan({ cwd, args }: ScanContext): Promise<HookScan> {
  const [file] = args;
  if (!file) throw new UsageError('the commit-msg hook takes the message file');
  const { commitMessageFragments } = await import('../sources/commit-msg.js');
  return {
    fragments: ({ contextLines }) => commitMessageFragments(file, { cwd, contextLines }),
    target: 'the commit message',
    blocked: [
      'keyguard blocked this commit: its message holds a secret. What to do:',
      `  1. Take the secret out of the message: \`git commit -e -F ${file}\` reopens it (the commit was not made).`,
      '  2. If the key is live and has been anywhere else (a chat, another repo, a log), rotate it in AWS IAM.',
    ],
  };
}

async function historyScan(context: ScanContext, revisions: string[], blocked: string[], target: string): Promise<HookScan> {
  const { historyFragments } = await import('../sources/history.js');
  const { cwd, stats } = context;
  const fragments = (detector: Detector) => historyFragments({ cwd, revisions, stats, contextLines: detector.contextLines, source: 'history', detector });
  return { fragments, target, blocked };
}

const ROTATE_COMMITTED = '  2. Rotate the key in AWS IAM (deactivate it, create a new one): a key that reached a commit counts as leaked.';

/** On a merge, the commits MERGE_HEAD (one line per head for an octopus) brings in that HEAD lacks. */
async function mergeScan(context: ScanContext): Promise<HookScan | null> {
  if (context.args[1] !== 'merge') return null;
  const mergeHead = gitOutput(['rev-parse', '--git-path', 'MERGE_HEAD'], context.cwd);
  // A commit that concludes a merge may have no MERGE_HEAD (git commit with a leftover MERGE_MSG): nothing to add.
  const path = mergeHead === null ? null : resolve(context.cwd, mergeHead);
  const heads = path && existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
  if (!heads.length) return null;
  return historyScan(context, [...heads, '--not', 'HEAD'], [
    'keyguard blocked this merge: the commits it brings in hold a secret. What to do:',
    '  1. Abort it (`git merge --abort`), and have that branch rewritten without the secret (git rebase -i, git filter-repo).',
    ROTATE_COMMITTED,
  ], 'the commits this merge brings in');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The commits a push sends: each pushed ref's new commits, less what the remote has (the old remote sha when
 * this clone has it, and the remote's tracking refs). Deletions send nothing.
 */
async function pushScan(context: ScanContext): Promise<HookScan | null> {
  const remote = context.args[0] ?? '';
  const include: string[] = [];
  const exclude: string[] = [`--remotes=${remote}`];
  for (const line of (await readStdin()).split('\n')) {
    const [, localSha, , remoteSha] = line.trim().split(/\s+/);
    if (!localSha || ZERO_SHA.test(localSha)) continue;
    include.push(localSha);
    if (remoteSha && !ZERO_SHA.test(remoteSha) && gitOutput(['cat-file', '-e', `${remoteSha}^{commit}`], context.cwd) !== null) exclude.push(remoteSha);
  }
  if (!include.length) return null;
  return historyScan(context, [...include, '--not', ...exclude], [
    'keyguard blocked this push: the commits above hold a secret. What to do:',
    '  1. Rewrite them before pushing: `git commit --amend` for the last commit, `git rebase -i <commit>^` for an older one.',
    ROTATE_COMMITTED,
  ], `the commits to push to ${remote}`);
}

const SCANS: Record<HookName, (context: ScanContext) => Promise<HookScan | null>> = {
  'pre-commit': stagedScan,
  'commit-msg': messageScan,
  'prepare-commit-msg': mergeScan,
  'pre-push': pushScan,
};

/** The closing lines every blocked hook prints: how to allow a false positive, precisely. */
function advice(findings: readonly Finding[], blocked: string[]): string {
  const fingerprints = [...new Set(findings.map((finding) => finding.fingerprint))];
  return [
    ...blocked,
    `  3. Not a secret? Allow it precisely (this appends to ${ALLOWLIST_FILE} at the top of the repository; commit that file):`,
    ...fingerprints.map((fingerprint) => `       keyguard allow ${fingerprint}`),
    '     or end its line with a `keyguard:allow` comment.',
    '',
  ].join('\n');
}

function isHookName(name: string | undefined): name is HookName {
  return (HOOK_NAMES as readonly string[]).includes(name ?? '');
}

/** Runs one hook; the exit code is 0 to let git go on, 1 when secrets were found, 2 when keyguard failed. */
export async function runHook([name, ...args]: string[]): Promise<number> {
  try {
    if (!isHookName(name)) throw new UsageError(`hook: unknown hook ${JSON.stringify(name ?? '')} (one of ${HOOK_NAMES.join(', ')})`);
    const cwd = process.cwd();
    const stats = emptyStats();
    const scan = await SCANS[name]({ cwd, args, stats });
    if (!scan) return 0;
    // Only now: building the detector runs git config and any secrets.providers commands.
    const { detector, remediation } = createDetector();
    const filters = await loadFilters({ cwd, root: workTreeRoot(cwd) });
    const findings = await collectFindings(scan.fragments(detector), detector, filters);
    if (!findings.length) return 0;
    // Hooks talk on stderr: git shows it, and a GUI client shows it in its error dialog.
    process.stderr.write(textReporter(findings, stats, { mask: true, target: scan.target, remediation, color: wantsColor(undefined, process.stderr) }));
    process.stderr.write(advice(findings, scan.blocked));
    return 1;
  } catch (error) {
    if (!(error instanceof UsageError)) {
      if (error instanceof Error) error.message = redactSecrets(error.message); // bin/keyguard prints it
      throw error;
    }
    process.stderr.write(redactSecrets(usageErrorText(error)));
    return 2;
  }
}
