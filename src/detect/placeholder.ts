// Values typed by hand to fill a slot ("AKIAABCDEFGHIJKLMNOP", "abcdABCD1234abcdABCD1234…") have structure
// no generated key has. The chance that a random key trips either test is below one in a million.

const RUN = 6;

/** Six characters in a row that step up or down by one: ABCDEF, 234567, zyxwvu. */
function hasSequentialRun(value: string): boolean {
  let up = 1;
  let down = 1;
  for (let i = 1; i < value.length; i++) {
    const step = value.charCodeAt(i) - value.charCodeAt(i - 1);
    up = step === 1 ? up + 1 : 1;
    down = step === -1 ? down + 1 : 1;
    if (up >= RUN || down >= RUN) return true;
  }
  return false;
}

/**
 * The value is a shorter piece said over again (at least twice): abcdefghijabcdefghij. Its shortest period is
 * its length less its longest proper prefix that is also a suffix (the KMP failure function): linear, where
 * trying every period took quadratic time on a long value of one repeated pair.
 */
function isPeriodic(value: string): boolean {
  const n = value.length;
  if (n < 2) return false;
  const border = new Int32Array(n);
  for (let i = 1, k = 0; i < n; i++) {
    while (k > 0 && value.charCodeAt(i) !== value.charCodeAt(k)) k = border[k - 1];
    if (value.charCodeAt(i) === value.charCodeAt(k)) k++;
    border[i] = k;
  }
  return n - border[n - 1] <= n / 2;
}

export function looksHandMade(value: string): boolean {
  return hasSequentialRun(value) || isPeriodic(value);
}
