// `keyguard hook <name> …`: what the installed hook scripts run. bin/keyguard comes here straight, without
// the CLI's yargs or simple-git, so a commit costs little more than Node's start; sources load per hook.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { CommittedFiles, stagedFiles } from '../ci/repo-files.js';
import { createDetector } from '../rules/detector.js';
import type { Detector } from '../detect/engine.js';
import { UsageError, usageErrorText } from '../errors.js';
import { ALLOWLIST_FILE } from '../filters/allowlist.js';
import { ALLOW_FILES, loadFilters } from '../filters/index.js';
import { workTreeRoot } from '../git/repo.js';
import { collectFindings } from '../pipeline.js';
import { wantsColor } from '../report/color.js';
import { redactSecrets } from '../report/redact.js';
import { textReporter } from '../report/text.js';
import { type Finding, type FragmentOrBatch, type ScanStats, emptyStats } from '../types.js';
import { gitOutput } from '../git/repo.js';
import type { RefObject } from '../sources/ref-objects.js';
import { saveMessagePrefilter } from './message-prefilter.js';
import { HOOK_NAMES, type HookName, PREFILTER_PATH, shQuote } from './scripts.js';

/** Text to scan, and the commit (or the index) whose allowlists judge it. */
interface ScanPart {
  /** the text to scan, read with the detector's rules (made only once there is something to scan) */
  fragments: (detector: Detector) => AsyncIterable<FragmentOrBatch>;
  /**
   * Where .keyguardallow and .gitallowed are read: the index (INDEX) for a commit about to be made, a pushed tip
   * for a push. Never the work tree: an allow that is not in the commit would pass here and fail at push
   * and in CI, where only committed files count.
   */
  policyAt: string;
}

interface HookScan {
  parts: ScanPart[];
  /** what was scanned, for the summary line */
  target: string;
  /** the first lines of the advice: what was blocked, how to take the secret out, why to rotate the key */
  blocked: string[];
  /** how an allow gets into what the next attempt reads (after `keyguard allow`, printed under each finding) */
  allowStep: string;
}

interface ScanContext {
  cwd: string;
  args: string[];
  stats: ScanStats;
}

const ZERO_SHA = /^0+$/;
/** ScanPart.policyAt for a commit being made: its allowlists as the index holds them. */
const INDEX = 'the index';

async function stagedScan({ cwd, stats }: ScanContext): Promise<HookScan> {
  const { stagedFragments } = await import('../sources/staged.js');
  return {
    parts: [{ fragments: ({ contextLines }) => stagedFragments({ cwd, wholeFiles: false, contextLines, stats }), policyAt: INDEX }],
    target: 'staged changes',
    blocked: [
      'keyguard blocked this commit. What to do:',
      '  1. Remove the secret from the file and stage it again (git add); read it from the environment or a secrets manager.',
      '  2. If the key is live and has been anywhere else (a chat, another repo, a log), rotate it in AWS IAM.',
    ],
    allowStep: `run the \`keyguard allow\` line under it, then \`git add ${ALLOWLIST_FILE}\` and commit again`,
  };
}

async function messageScan({ cwd, args }: ScanContext): Promise<HookScan> {
  const [file] = args;
  if (!file) throw new UsageError('the commit-msg hook takes the message file');
  const { commitMessageFragments } = await import('../sources/commit-msg.js');
  // git runs the hook at the top of the work tree and passes the file relative to it; the user may be in a
  // subdirectory: the command to reopen the message names it by its absolute path.
  const absolute = resolve(cwd, file);
  const reopen = `git commit -e -F ${/^[\w@%+=:,./-]+$/.test(absolute) ? absolute : shQuote(absolute)}`;
  return {
    parts: [{ fragments: ({ contextLines }) => commitMessageFragments(file, { cwd, contextLines }), policyAt: INDEX }],
    target: 'the commit message',
    blocked: [
      'keyguard blocked this commit: its message holds a secret. What to do:',
      `  1. Take the secret out of the message: \`${reopen}\` reopens it (the commit was not made).`,
      '  2. If the key is live and has been anywhere else (a chat, another repo, a log), rotate it in AWS IAM.',
    ],
    allowStep: `run the \`keyguard allow\` line under it, then \`git add ${ALLOWLIST_FILE}\` and commit again (\`${reopen}\`)`,
  };
}

/**
 * Commits to scan as history does (none for null `revisions`), and what the pushed `refs` that name no commit
 * hold (tags' messages, blobs, trees), judged by the allowlists at `policyAt`.
 */
async function historyPart(context: ScanContext, revisions: string[] | null, policyAt: string, refs: RefObject[] = []): Promise<ScanPart> {
  const { historyFragments } = await import('../sources/history.js');
  const { refObjectFragments } = await import('../sources/ref-objects.js');
  const { CHANGE_DIFF_ARGS } = await import('../sources/diff-options.js');
  const { cwd, stats } = context;
  async function* fragments(detector: Detector): AsyncGenerator<FragmentOrBatch> {
    const { contextLines } = detector;
    if (revisions) yield* historyFragments({ cwd, revisions, stats, contextLines, source: 'history', detector, diffArgs: CHANGE_DIFF_ARGS });
    yield* refObjectFragments(refs, { cwd, source: 'history', contextLines, stats });
  }
  return { fragments, policyAt };
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
  return {
    parts: [await historyPart(context, [...heads, '--not', 'HEAD'], INDEX)],
    target: 'the commits this merge brings in',
    blocked: [
      'keyguard blocked this merge: the commits it brings in hold a secret. What to do:',
      '  1. Abort it (`git merge --abort`), and have that branch rewritten without the secret (git rebase -i, git filter-repo).',
      ROTATE_COMMITTED,
    ],
    allowStep: `run the \`keyguard allow\` line under it, then \`git add ${ALLOWLIST_FILE}\` and \`git commit\` to conclude the merge`,
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * What a push sends: each pushed ref's new commits, less what the remote has (the old remote sha when this
 * clone has it, and the remote's tracking refs), and, for a ref whose object is no commit (an annotated tag,
 * a blob, a tree, whatever the ref's name), that object's content unless the remote ref already names it.
 * Each is judged by the allowlists of what that ref will point at: what the remote and its CI will hold, not
 * this work tree. Deletions send nothing.
 */
async function pushScan(context: ScanContext): Promise<HookScan | null> {
  const remote = context.args[0] ?? '';
  const pushed: Array<{ localSha: string; remoteRef: string; remoteSha: string }> = [];
  for (const line of (await readStdin()).split('\n')) {
    const [, localSha, remoteRef = '', remoteSha = ''] = line.trim().split(/\s+/);
    if (localSha && !ZERO_SHA.test(localSha)) pushed.push({ localSha, remoteRef, remoteSha });
  }
  if (!pushed.length) return null;
  const { objectTypes, refFile } = await import('../sources/ref-objects.js');
  // One git answers it all: each pushed object's type and what it peels to, and which remote shas are commits here.
  const remoteShas = [...new Set(pushed.map(({ remoteSha }) => remoteSha).filter((sha) => sha && !ZERO_SHA.test(sha)))];
  const types = objectTypes([...pushed.flatMap(({ localSha }) => [localSha, `${localSha}^{}`]), ...remoteShas.map((sha) => `${sha}^{commit}`)], context.cwd);
  const exclude = [`--remotes=${remote}`, ...remoteShas.filter((_, i) => types[2 * pushed.length + i] === 'commit')];
  const byTip = new Map<string, { commits: boolean; refs: RefObject[] }>();
  pushed.forEach(({ localSha, remoteRef, remoteSha }, i) => {
    const tip = byTip.get(localSha) ?? { commits: types[2 * i + 1] === 'commit', refs: [] };
    const type = types[2 * i];
    if (type !== 'commit' && remoteSha !== localSha) tip.refs.push({ file: refFile(remoteRef), blob: localSha, ...(type ? { type } : {}) });
    byTip.set(localSha, tip);
  });
  return {
    parts: await Promise.all([...byTip].map(([tip, { commits, refs }]) => historyPart(context, commits ? [tip, '--not', ...exclude] : null, tip, refs))),
    target: `what this push sends to ${remote}`,
    blocked: [
      'keyguard blocked this push: what it sends holds a secret. What to do:',
      '  1. Rewrite the commits before pushing: `git commit --amend` for the last commit, `git rebase -i <commit>^` for an older one;',
      '     for a tag (its message, or a file it names), delete it (`git tag -d NAME`) and make it again without the secret.',
      ROTATE_COMMITTED,
    ],
    allowStep: `run the \`keyguard allow\` line under it, commit ${ALLOWLIST_FILE} (\`git add ${ALLOWLIST_FILE} && git commit\`) and push again: a push reads the allowlist of the commit it pushes`,
  };
}

const SCANS: Record<HookName, (context: ScanContext) => Promise<HookScan | null>> = {
  'pre-commit': stagedScan,
  'commit-msg': messageScan,
  'prepare-commit-msg': mergeScan,
  'pre-push': pushScan,
};

/**
 * The closing lines every blocked hook prints: how to allow a false positive so that every later stage passes
 * too (README, "Where an allow counts"), and plainly where it will not yet: the CI gate reads allows from the
 * base branch, so one this change adds counts there only once it has landed.
 */
function advice(scan: HookScan): string {
  return [
    ...scan.blocked,
    `  3. Not a secret? Allow that one finding: ${scan.allowStep}.`,
    `     The entry in ${ALLOWLIST_FILE} then holds for the hooks, the push, \`scan-history\` and \`scan-range\`. The CI gate`,
    `     (\`keyguard ci\`) reads allows from the base branch: it passes once ${ALLOWLIST_FILE} with the entry has landed`,
    '     there (merge it first, through review), or when your CI runs `keyguard ci --trust-pr-allows`. An inline',
    '     `keyguard:allow` comment ending a line that holds that one secret alone passes the hooks too, but the CI',
    '     gate honours it only with --trust-pr-allows.',
    '',
  ].join('\n');
}

/**
 * How the user runs the keyguard this hook runs: `npx keyguard` for the project's own copy (node_modules/.bin
 * is on no shell's PATH, and a hook found it there or through npx), else `keyguard`.
 */
function userCommand(root: string | null): string {
  const bin = process.argv[1] ?? '';
  const fromProject = root !== null && relative(root, bin);
  return fromProject && !fromProject.startsWith('..') && !isAbsolute(fromProject) && /(?:^|[\\/])node_modules[\\/]/.test(fromProject) ? 'npx keyguard' : 'keyguard';
}

/** A finding's place in a commit, so a push of two refs sharing commits reports each once. */
const placeKey = (finding: Finding) => `${finding.fingerprint}\0${finding.commit?.sha ?? ''}\0${finding.line}\0${finding.column}`;

/** The findings of every part, each judged by the allowlists of its own commit (or of the index). */
async function scanParts(scan: HookScan, detector: Detector, cwd: string, root: string | null): Promise<Finding[]> {
  const found = new Map<string, Finding>();
  for (const part of scan.parts) {
    const files = (part.policyAt === INDEX ? stagedFiles(cwd) : new CommittedFiles(cwd, part.policyAt)).prefetch(ALLOW_FILES);
    const filters = await loadFilters({ cwd, root, readRepoFile: files.read });
    for (const finding of await collectFindings(part.fragments(detector), detector, filters)) found.set(placeKey(finding), finding);
  }
  return [...found.values()];
}

function isHookName(name: string | undefined): name is HookName {
  return (HOOK_NAMES as readonly string[]).includes(name ?? '');
}

/**
 * Runs one hook; the exit code is 0 to let git go on, 1 when it blocks and has said why (secrets found, or a
 * configuration error), 2 when keyguard failed.
 */
export async function runHook([name, ...args]: string[]): Promise<number> {
  try {
    if (!isHookName(name)) throw new UsageError(`hook: unknown hook ${JSON.stringify(name ?? '')} (one of ${HOOK_NAMES.join(', ')})`);
    const cwd = process.cwd();
    const stats = emptyStats();
    const scan = await SCANS[name]({ cwd, args, stats });
    if (!scan) return 0;
    // Only now: building the detector runs git config and any secrets.providers commands.
    const { detector, ruleSet, remediation } = createDetector();
    let root: string | null;
    if (name === 'pre-commit') {
      // One git for two answers: the work tree's top, and where this commit's commit-msg hook reads the
      // pattern it greps the message for before it starts Node (kept current with these rules).
      const [top, prefilter] = gitOutput(['rev-parse', '--show-toplevel', '--git-path', PREFILTER_PATH], cwd)?.split('\n') ?? [];
      root = top || null;
      if (prefilter) saveMessagePrefilter(resolve(cwd, prefilter), ruleSet);
    } else {
      root = workTreeRoot(cwd);
    }
    const findings = await scanParts(scan, detector, cwd, root);
    if (!findings.length) return 0;
    const command = userCommand(root);
    const allowHint = (finding: Finding) => `Not a secret? ${command} allow ${finding.fingerprint}`;
    // Hooks talk on stderr: git shows it, and a GUI client shows it in its error dialog.
    process.stderr.write(textReporter(findings, stats, { mask: true, target: scan.target, remediation, color: wantsColor(undefined, process.stderr), allowHint }));
    process.stderr.write(advice(scan));
    return 1;
  } catch (error) {
    if (!(error instanceof UsageError)) {
      if (error instanceof Error) error.message = redactSecrets(error.message); // bin/keyguard prints it
      throw error;
    }
    // A configuration error, named in the error (a policy file's line, a secrets.* setting): keyguard ran, and
    // blocks (fails closed) saying so; the script's "could not run keyguard" is for a keyguard that did not run.
    process.stderr.write(redactSecrets(usageErrorText(error)));
    process.stderr.write(configurationAdvice(name));
    return 1;
  }
}

/** What a hook stopped by a configuration error says after the error. */
function configurationAdvice(name: string | undefined): string {
  const command = name === 'pre-push' ? 'push' : name === 'prepare-commit-msg' ? 'merge' : 'commit';
  return [
    `keyguard: the ${name} hook ran keyguard, which blocked this ${command} because of the error above: fix what it names,`,
    name === 'pre-push'
      ? `  commit the fix and push again (a push reads ${ALLOWLIST_FILE} and .gitallowed from the commits it pushes).`
      : `  then ${command} again (the hooks read ${ALLOWLIST_FILE} and .gitallowed as staged: \`git add\` them after the fix).`,
    `  In a real emergency only: git ${command} --no-verify skips every hook (then run \`keyguard scan\`).`,
    '',
  ].join('\n');
}
