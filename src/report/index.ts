import { jsonReporter } from './json.js';
import { textReporter } from './text.js';
import type { Reporter } from './types.js';

/** Every --format, by name. */
export const reporters: Record<string, Reporter> = {
  text: textReporter,
  json: jsonReporter,
};
