// What a terminal or a CI log shows of text that came from the repository: a file name, a scanned line, an
// author. Git allows a newline or an escape sequence in all of them, and printed raw they can forge report
// lines (`keyguard: no secrets found`), GitHub workflow commands (`::stop-commands::`), or move the cursor to
// erase a finding before anyone reads it; bidirectional overrides can make a name read as another.

/** C0 and C1 controls and DEL (tab aside: reports turn it into a space), and the bidirectional controls. */
const UNPRINTABLE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\x1b': '\\e' };

/** The text with each such character written as an escape (`\n`, `\e`, `\x07`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return ESCAPES[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}
