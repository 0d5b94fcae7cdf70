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

/** The value is a shorter piece said over again (at least twice): abcdefghijabcdefghij. */
function isPeriodic(value: string): boolean {
  for (let period = 1; period <= value.length / 2; period++) {
    let i = period;
    while (i < value.length && value.charCodeAt(i) === value.charCodeAt(i - period)) i++;
    if (i === value.length) return true;
  }
  return false;
}

export function looksHandMade(value: string): boolean {
  return hasSequentialRun(value) || isPeriodic(value);
}
