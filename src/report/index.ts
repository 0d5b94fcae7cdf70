import { githubReporter } from './github.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { replacementsReporter } from './replacements.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';
import type { Reporter } from './types.js';

/** Every --format, by name. */
export const reporters: Record<string, Reporter> = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  junit: junitReporter,
  github: githubReporter,
  // git filter-repo's --replace-text list (secrets in clear: --no-mask and --output only)
  replacements: replacementsReporter,
};
