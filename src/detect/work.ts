/**
 * Characters the detector has read beyond its fixed passes, counted where the reading happens: by rule
 * regexes, by decoders, and to normalize a line for its keywords. Linear time is a correctness property:
 * test/linear-time.test.ts bounds these per input character, so a change that rereads a line for each token
 * on it fails without a clock. One addition per regex run or decoded token: nothing a scan would notice.
 */
export const detectorWork = { ruleChars: 0, decodedChars: 0, contextChars: 0 };
