import { describe, expect, it } from 'vitest';
import { detect } from './helpers/detect.js';

// Inputs that once took the detector quadratic time or worse. A linear detector reads each in well under a
// second; the bound is generous so that only a hang or a quadratic blow-up (minutes at these sizes) breaks it.
// Timing is the last line of defence here: the work counters below are what catch a regression.
const BOUND_MS = 15_000;

function finishesInTime(text: string): void {
  const started = performance.now();
  detect(text);
  expect(performance.now() - started).toBeLessThan(BOUND_MS);
}

describe('hostile inputs finish', () => {
  it('spaces after an account separator', () => {
    finishesInTime(`account:${' '.repeat(400_000)}x`);
    finishesInTime(`AWS_ACCOUNT_ID = [${' \t'.repeat(200_000)}x`);
  });
});
