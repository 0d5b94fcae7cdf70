/**
 * What CI systems set, each its own: `CI` by most of them, and beside it (or instead of it, on Jenkins without
 * the plugin and on Azure Pipelines) their own markers. Any one of them means a build log is being written.
 */
const CI_MARKERS = [
  'CI',
  'GITHUB_ACTIONS',
  'GITLAB_CI',
  'BUILDKITE',
  'CIRCLECI',
  'JENKINS_URL',
  'TF_BUILD',
  'TRAVIS',
  'APPVEYOR',
  'TEAMCITY_VERSION',
  'BITBUCKET_BUILD_NUMBER',
  'CODEBUILD_BUILD_ID',
  'DRONE',
  'SEMAPHORE',
  'BUILD_BUILDID',
] as const;

/** True when a CI system runs us; a developer who exports CI=false (or 0, or empty) means "not CI". */
export function runningInCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return CI_MARKERS.some((name) => {
    const value = env[name]?.trim().toLowerCase();
    return Boolean(value) && value !== 'false' && value !== '0';
  });
}
