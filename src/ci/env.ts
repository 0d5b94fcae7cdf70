/**
 * True when a CI system runs us: every major one (GitHub Actions, GitLab CI, Jenkins with the usual plugin,
 * CircleCI, Buildkite, …) sets `CI`, and a developer who exports CI=false means "not CI".
 */
export function runningInCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return Boolean(value) && value !== 'false' && value !== '0';
}
