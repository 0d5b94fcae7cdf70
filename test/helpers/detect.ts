import { Detector } from '../../src/detect/engine.js';
import { loadRuleSet } from '../../src/rules/load.js';
import type { Finding } from '../../src/types.js';

const detector = new Detector(loadRuleSet());

/** The findings of the built-in rules on a text, as if it were a whole file. */
export function detect(text: string, file = 'file.txt'): Finding[] {
  return detector.detect({ file, line: 1, text, source: 'file', commit: null });
}

/** Just "ruleId@line" of each finding, for compact assertions. */
export function ruleHits(text: string): string[] {
  return detect(text).map((f) => `${f.ruleId}@${f.line}`);
}
