import { readFileSync } from 'node:fs';
import { UsageError, messageOf } from '../errors.js';
import { checkGithubEvent } from './github-event.js';

/** The commits a CI run must gate: those reachable from `head` and not from `base`. */
export interface CiRange {
  /** a commit id or ref: the gate scans what `head` adds since its merge base with it */
  base: string;
  head: string;
  /**
   * The tip of the branch the change merges into, when `base` is not it (GitLab names the merge base): the
   * gate reads the allowlist, baseline and configuration there. Default: `base`.
   */
  tip?: string;
  /** where the range came from, for messages: "GitHub pull_request #12", "--base main", … */
  origin: string;
  /**
   * What a push made a ref name, when the event says: a tag push names an annotated tag (a message of its
   * own) or anything else, which the gate reads by the object's type besides the range's commits.
   */
  pushed?: { ref: string; object: string };
}

/**
 * A run with no range to gate (a scheduled or manually started one): its natural job is the history of the
 * checked-out ref.
 */
export interface CiHistory {
  history: true;
  head: string;
  origin: string;
}

/** Events that name no commits to gate: GitHub's schedule and workflow_dispatch, GitLab's schedule and web. */
const GITHUB_HISTORY_EVENTS = new Set(['schedule', 'workflow_dispatch']);
const GITLAB_HISTORY_SOURCES = new Set(['schedule', 'web']);

/** What a push event names when there was nothing before: a new branch (or a deleted one). */
const NO_COMMIT = /^0+$/;

interface GithubEvent {
  number?: number;
  before?: string;
  after?: string;
  ref?: string;
  deleted?: boolean;
  pull_request?: { number?: number; base?: { sha?: string; ref?: string }; head?: { sha?: string } };
  merge_group?: { base_sha?: string; head_sha?: string };
  repository?: { default_branch?: string };
}

function readEvent(path: string): GithubEvent {
  let event: unknown;
  try {
    event = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`GITHUB_EVENT_PATH ${path}: cannot read the event (${messageOf(error)})`);
  }
  checkGithubEvent(event, path);
  return event as GithubEvent;
}

/** The branch a new branch (or tag) was cut from, as the clone knows it: the default branch's remote-tracking ref. */
const newBranchBase = (defaultBranch: string | undefined, what: string, kind = 'branch'): string => {
  if (!defaultBranch) throw new UsageError(`${what}: a new ${kind}, and no default branch to compare it with: pass --base REF`);
  return `refs/remotes/origin/${defaultBranch}`;
};

function githubRange(env: NodeJS.ProcessEnv): CiRange | null {
  const name = env.GITHUB_EVENT_NAME ?? 'event';
  const event = env.GITHUB_EVENT_PATH ? readEvent(env.GITHUB_EVENT_PATH) : {};
  const pr = event.pull_request;
  if (pr?.base?.sha && pr.head?.sha) {
    // The PR's own head, not the merge commit actions/checkout makes: that one also holds the base's new commits.
    return { base: pr.base.sha, head: pr.head.sha, origin: `GitHub ${name} #${pr.number ?? event.number ?? '?'}` };
  }
  if (event.merge_group?.base_sha && event.merge_group.head_sha) {
    return { base: event.merge_group.base_sha, head: event.merge_group.head_sha, origin: `GitHub ${name}` };
  }
  if (event.after && event.before !== undefined) {
    if (event.deleted || NO_COMMIT.test(event.after)) throw new UsageError(`GitHub ${name}: the branch was deleted, there is nothing to scan`);
    const branch = event.ref?.replace(/^refs\/heads\//, '');
    const tag = event.ref?.startsWith('refs/tags/') ? event.ref.slice(10) : null;
    const pushed = event.ref ? { pushed: { ref: event.ref, object: event.after } } : {};
    if (!NO_COMMIT.test(event.before)) return { base: event.before, head: event.after, origin: `GitHub ${name} ${event.before.slice(0, 12)}..${event.after.slice(0, 12)}`, ...pushed };
    const defaultBranch = event.repository?.default_branch;
    if (tag !== null) return { base: newBranchBase(defaultBranch, `GitHub ${name}`, 'tag'), head: event.after, origin: `GitHub ${name} of new tag ${tag}`, ...pushed };
    if (branch === defaultBranch) throw new UsageError(`GitHub ${name}: first push of ${branch}, there is no earlier commit to compare with: run keyguard scan-history once instead`);
    return { base: newBranchBase(defaultBranch, `GitHub ${name}`), head: event.after, origin: `GitHub ${name} of new branch ${branch ?? event.after.slice(0, 12)}`, ...pushed };
  }
  // A pull_request run whose event file could not say more: the base branch by name.
  if (env.GITHUB_BASE_REF) return { base: `refs/remotes/origin/${env.GITHUB_BASE_REF}`, head: 'HEAD', origin: `GitHub GITHUB_BASE_REF ${env.GITHUB_BASE_REF}` };
  return null;
}

function gitlabRange(env: NodeJS.ProcessEnv): CiRange | null {
  // In a merged-results pipeline CI_COMMIT_SHA is the merge with the target branch: scan the source branch's head.
  const head = env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA || env.CI_COMMIT_SHA || 'HEAD';
  if (env.CI_MERGE_REQUEST_DIFF_BASE_SHA) {
    // The diff base is where the source branch left the target; the policy is the target's tip (its SHA only in
    // merged-results pipelines; GIT_DEPTH 0 fetches every branch as origin/*).
    const target = env.CI_MERGE_REQUEST_TARGET_BRANCH_SHA || (env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME && `refs/remotes/origin/${env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME}`);
    return { base: env.CI_MERGE_REQUEST_DIFF_BASE_SHA, head, ...(target ? { tip: target } : {}), origin: `GitLab merge request !${env.CI_MERGE_REQUEST_IID ?? '?'}` };
  }
  const before = env.CI_COMMIT_BEFORE_SHA;
  if (before && !NO_COMMIT.test(before)) return { base: before, head, origin: `GitLab push ${before.slice(0, 12)}..${head.slice(0, 12)}` };
  if (env.CI_COMMIT_BRANCH && env.CI_COMMIT_BRANCH !== env.CI_DEFAULT_BRANCH) {
    return { base: newBranchBase(env.CI_DEFAULT_BRANCH, 'GitLab pipeline'), head, origin: `GitLab pipeline of new branch ${env.CI_COMMIT_BRANCH}` };
  }
  // A tag pipeline (no before, CI_COMMIT_SHA the tagged commit): what the tag brings that the default branch
  // lacks, and the tag's own object (its message), as a GitHub push of a new tag.
  if (env.CI_COMMIT_TAG) {
    const ref = `refs/tags/${env.CI_COMMIT_TAG}`;
    return { base: newBranchBase(env.CI_DEFAULT_BRANCH, 'GitLab pipeline', 'tag'), head, origin: `GitLab pipeline of new tag ${env.CI_COMMIT_TAG}`, pushed: { ref, object: ref } };
  }
  return null;
}

/**
 * The range to gate: --base wins; a scheduled or manual run scans the history of its ref; then GitHub Actions (the event file of pull_request, merge_group and push
 * events, then GITHUB_BASE_REF); then GitLab CI (merge request, then push). Throws when none applies.
 */
export function ciRange(env: NodeJS.ProcessEnv, options: { base?: string; head?: string } = {}): CiRange | CiHistory {
  if (options.base) return { base: options.base, head: options.head ?? 'HEAD', origin: `--base ${options.base}` };
  if (env.GITHUB_ACTIONS === 'true' && GITHUB_HISTORY_EVENTS.has(env.GITHUB_EVENT_NAME ?? '')) {
    return { history: true, head: options.head ?? env.GITHUB_SHA ?? 'HEAD', origin: `GitHub ${env.GITHUB_EVENT_NAME}` };
  }
  if (env.GITLAB_CI === 'true' && GITLAB_HISTORY_SOURCES.has(env.CI_PIPELINE_SOURCE ?? '')) {
    return { history: true, head: options.head ?? env.CI_COMMIT_SHA ?? 'HEAD', origin: `GitLab ${env.CI_PIPELINE_SOURCE} pipeline` };
  }
  const found = env.GITHUB_ACTIONS === 'true' ? githubRange(env) : env.GITLAB_CI === 'true' ? gitlabRange(env) : null;
  if (found) return options.head ? { ...found, head: options.head } : found;
  const where = env.GITHUB_ACTIONS === 'true' ? `GitHub Actions event "${env.GITHUB_EVENT_NAME ?? '?'}"` : env.GITLAB_CI === 'true' ? 'this GitLab pipeline' : 'this environment (neither GitHub Actions nor GitLab CI)';
  throw new UsageError(`cannot tell which commits to scan from ${where}: pass --base REF (e.g. --base origin/main)`);
}
