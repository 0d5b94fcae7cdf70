// UTF-16 text and text with NUL bytes, which git calls binary: found in every source, at the line of the
// decoded text; real binaries stay skipped and counted.
import { randomBytes } from 'node:crypto';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { textEncoding } from '../src/text-encoding.js';
import { EXAMPLE_KEY_ID, fakeKeyId, fakeSecret } from './helpers/keys.js';
import { Sandbox } from './helpers/repo.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.cleanup());

let repos = 0;
const newRepo = () => sandbox.repo(`encodings-${++repos}`);

/** `text` as UTF-16, little- or big-endian, with or without a byte order mark. */
function utf16(text: string, { be = false, bom = true } = {}): Buffer {
  const bytes = Buffer.from(`${bom ? '\ufeff' : ''}${text}`, 'utf16le');
  return be ? bytes.swap16() : bytes;
}

/** `text` as UTF-32, little- or big-endian, with or without a byte order mark. */
function utf32(text: string, { be = false, bom = true } = {}): Buffer {
  const points = [...`${bom ? '\ufeff' : ''}${text}`].map((c) => c.codePointAt(0)!);
  const bytes = Buffer.alloc(points.length * 4);
  points.forEach((point, i) => (be ? bytes.writeUInt32BE(point, i * 4) : bytes.writeUInt32LE(point, i * 4)));
  return bytes;
}

/** What PowerShell's `>` writes: CRLF lines, the key pair on lines 3 and 4. */
const credentials = (seed: string) => `# exported\r\n[default]\r\naws_access_key_id = ${fakeKeyId(seed)}\r\naws_secret_access_key = ${fakeSecret(seed)}\r\n`;
// A PNG header and random bytes: a real binary, with a key-like line that must not be read.
const png = (seed: string) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(3000), Buffer.from(`\naws_access_key_id = ${fakeKeyId(seed)}\n`)]);
const places = (findings: Array<Record<string, unknown>>) => findings.map((f) => `${f.file}:${f.line}:${f.column}`).sort();

/** Known binary formats' magic numbers that are ASCII: a text file can start with them. */
const ASCII_MAGIC = ['MZ', 'BZh', 'GIF8', '%PDF', 'SQLite f'];
/** Text that starts with a magic number and holds a key on line 2 (column 19). */
const magicText = (start: string, seed: string) => `${start} notes\naws_access_key_id=${fakeKeyId(seed)}\nend\n`;
/** Real binaries of those formats and others, as they start, each with a key line a scan must not read. */
function realBinaries(seed: string): Record<string, Buffer> {
  const keyLine = Buffer.from(`\naws_access_key_id = ${fakeKeyId(seed)}\n`);
  const bytes = (...parts: Array<string | number[] | Buffer>) => Buffer.concat([...parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))), keyLine]);
  return {
    'logo.png': png(seed),
    'data.gz': bytes(gzipSync(randomBytes(3000))),
    'app.exe': bytes('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00', randomBytes(2000)),
    'tool.elf': bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], randomBytes(2000)),
    'data.bz2': bytes('BZh91AY&SY', randomBytes(2000)),
    'anim.gif': bytes('GIF89a\x01\x00\x01\x00\x80\x00\x00', randomBytes(600)),
    'doc.pdf': bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 3000 /Filter /FlateDecode >>\nstream\n', deflateSync(randomBytes(3000)), '\nendstream\n'),
    'app.db': bytes('SQLite format 3\x00\x10\x00\x01\x01\x00\x40\x20\x20', Buffer.alloc(200), randomBytes(1000)),
  };
}

describe('textEncoding: how a file is decoded, by its first bytes', () => {
  it.each([
    ['utf16', utf16],
    ['utf32', utf32],
  ] as const)('tells %s with and without a BOM, in both byte orders (UTF-32 before UTF-16)', (name, encode) => {
    const text = credentials('detect');
    expect(textEncoding(encode(text))).toBe(`${name}le`);
    expect(textEncoding(encode(text, { be: true }))).toBe(`${name}be`);
    expect(textEncoding(encode(text, { bom: false }))).toBe(`${name}le`);
    expect(textEncoding(encode(text, { be: true, bom: false }))).toBe(`${name}be`);
    expect(textEncoding(encode('Schlüssel = café ☕ 🔑\r\n'))).toBe(`${name}le`); // non-ASCII with a BOM
  });

  it('takes no random data after a chance UTF-32 BOM for UTF-32', () => {
    // Random data after a chance BOM is no UTF-32 (units past U+10FFFF); what it is then is what it was before.
    for (let i = 0; i < 20; i++) expect(textEncoding(Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), randomBytes(4000)]))).toBeNull();
    for (let i = 0; i < 20; i++) expect(textEncoding(Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), randomBytes(4000)]))).not.toBe('utf32be');
  });

  it('keeps binaries binary: random bytes after a chance BOM, 16-bit data, magic numbers', () => {
    for (let i = 0; i < 20; i++) expect(textEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), randomBytes(4000)]))).toBeNull();
    const shorts = Buffer.alloc(4000);
    for (let i = 0; i < 2000; i++) shorts.writeUInt16LE((i * 37) % 4096, i * 2);
    expect(textEncoding(shorts)).toBeNull();
    expect(textEncoding(png('magic'))).toBeNull();
    // UTF-8 text with stray NULs is still UTF-8
    expect(textEncoding(Buffer.from('header\0\0\nkey = value\n'))).toBe('utf8');
    for (const [name, bytes] of Object.entries(realBinaries('magic'))) expect([name, textEncoding(bytes)]).toEqual([name, null]);
  });

  it('reads text that starts with an ASCII magic number as text, stray NUL or not', () => {
    for (const start of ASCII_MAGIC) {
      expect(textEncoding(Buffer.from(magicText(start, 'unit')))).toBe('utf8');
      expect(textEncoding(Buffer.from(`${magicText(start, 'unit')}\0\n`))).toBe('utf8');
      expect(textEncoding(Buffer.from(`${magicText(start, 'unit')}Schlüssel ☕`).subarray(0, -1))).toBe('utf8'); // a character cut at the end
    }
  });
});

describe('scan', () => {
  it('finds keys in UTF-16 files of every kind at the line and column of the decoded text', () => {
    const repo = newRepo();
    repo.write('le-bom.ini', utf16(credentials('le-bom')));
    repo.write('le.ini', utf16(credentials('le'), { bom: false }));
    repo.write('be-bom.ini', utf16(credentials('be-bom'), { be: true }));
    repo.write('be.ini', utf16(credentials('be'), { be: true, bom: false }));
    repo.write('odd.ini', Buffer.concat([utf16(credentials('odd')), Buffer.from([0x41])])); // a stray last byte
    repo.write('logo.png', png('scan'));
    repo.write('le32-bom.ini', utf32(credentials('le32-bom')));
    repo.write('be32.ini', utf32(credentials('be32'), { be: true, bom: false }));
    // A character past U+FFFF before the key: columns count UTF-16 units, as for every other text.
    repo.write('emoji32.ini', utf32(credentials('emoji32').replace('# exported', '# 🔑 exported')));
    const { code, findings, stdout } = { ...repo.keyguardJson(['scan', '--no-git', '.']), stdout: repo.keyguard(['scan', '--no-git', '.']).stdout };
    expect(code).toBe(1);
    const files = ['be-bom.ini', 'be.ini', 'be32.ini', 'emoji32.ini', 'le-bom.ini', 'le.ini', 'le32-bom.ini', 'odd.ini'];
    expect(places(findings)).toEqual(files.flatMap((file) => [`${file}:3:21`, `${file}:4:25`]));
    expect(stdout).toMatch(/8 files scanned; 1 binary file skipped/);
  });

  it('reports nothing for UTF-16 hard negatives: the documented example key, a hash, a UUID', () => {
    const repo = newRepo();
    const text = `aws_access_key_id = ${EXAMPLE_KEY_ID}\r\nsha1 = 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12\r\nid = 3f2504e0-4f89-11d3-9a0c-0305e82c3301\r\n`;
    repo.write('negatives.txt', utf16(text)).write('negatives-be.txt', utf16(text, { be: true, bom: false }));
    expect(repo.keyguardJson(['scan', '--no-git', '.'])).toMatchObject({ code: 0, findings: [] });
  });
});

describe('git sources', () => {
  /** A repository with a clean first commit, then one adding UTF-16 and NUL-byte text and a real binary. */
  function leaky() {
    const repo = newRepo();
    const base = repo.commit('base', { 'README.md': 'hello\n', 'regedit.reg': utf16('Windows Registry Editor Version 5.00\r\n') });
    repo.write('regedit.reg', utf16(`Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\App]\r\n"aws_access_key_id"="${fakeKeyId('reg')}"\r\n`));
    repo.write('ps/out.txt', utf16(credentials('ps'), { bom: false }));
    repo.write('ps/out32.txt', utf32(credentials('ps32')));
    repo.write('dump.dat', Buffer.concat([Buffer.from('\0\0\0header\n'), Buffer.from(`more\nAWS_ACCESS_KEY_ID=${fakeKeyId('nul')}\n`)]));
    repo.write('logo.png', png('git'));
    return { repo, base };
  }
  const expected = ['dump.dat:3:19', 'ps/out.txt:3:21', 'ps/out.txt:4:25', 'ps/out32.txt:3:21', 'ps/out32.txt:4:25', 'regedit.reg:4:22'];

  it('pre-commit: a real commit is blocked at the lines of the decoded text', () => {
    const { repo } = leaky();
    expect(repo.keyguard(['install']).code).toBe(0);
    repo.git('add', '-A');
    const blocked = repo.tryGit('commit', '-q', '-m', 'export settings');
    expect(blocked.code).not.toBe(0);
    for (const place of ['dump.dat:3', 'ps/out.txt:3', 'ps/out.txt:4', 'ps/out32.txt:3', 'regedit.reg:4']) expect(blocked.stderr).toContain(place);
    expect(places(repo.keyguardJson(['scan', '--staged']).findings)).toEqual(expected);
    expect(repo.keyguard(['scan', '--staged']).stdout).toMatch(/1 binary file skipped/);
  });

  it('scan-history, scan-range and ci find what a --no-verify commit slipped past the hooks', () => {
    const { repo, base } = leaky();
    const head = repo.commit('export settings');
    const history = repo.keyguardJson(['scan-history']);
    expect(places(history.findings)).toEqual(expected);
    expect(history.findings.every((f) => f.commit === head)).toBe(true);
    expect(repo.keyguard(['scan-history']).stdout).toMatch(/1 binary file skipped/);
    expect(places(repo.keyguardJson(['scan-range', `${base}..${head}`]).findings)).toEqual(expected);
    expect(places(repo.keyguardJson(['scan-range', '--diff-only', `${base}..${head}`]).findings)).toEqual(expected);
    const ci = repo.keyguardJson(['ci', '--base', base]);
    expect(ci.code).toBe(1);
    expect(places(ci.findings)).toEqual(expected);
  });

  it('reads each binary blob once, and counts a real binary changed in every commit as skipped each time', () => {
    const repo = newRepo();
    const first = repo.commit('one', { 'logo.png': png('v1'), 'wide.txt': utf16(credentials('wide')) });
    repo.commit('two', { 'logo.png': png('v2'), 'wide.txt': utf16(`${credentials('wide')}more\r\n`) });
    const { findings } = repo.keyguardJson(['scan-history']);
    // The key pair is reported once, at the commit that added it, though both versions hold it.
    expect(findings.map((f) => `${f.file}:${f.line}@${f.commit}`).sort()).toEqual([`wide.txt:3@${first}`, `wide.txt:4@${first}`]);
    expect(repo.keyguard(['scan-history']).stdout).toMatch(/2 binary files skipped/);
  });

  it('reads files .gitattributes marks -diff or binary, also when run from a subdirectory', () => {
    const repo = newRepo();
    const base = repo.commit('base', { 'README.md': 'x\n', 'conf/keep.txt': 'x\n' });
    // Anchored patterns: they name the file relative to the root, which a check from conf/ would get wrong.
    const head = repo.commit('hide keys', {
      '.gitattributes': '/conf/app.ini -diff\n/conf/data.bin binary\n',
      'conf/app.ini': `aws_access_key_id = ${fakeKeyId('attr')}\n`,
      'conf/data.bin': `AWS_ACCESS_KEY_ID=${fakeKeyId('attr-binary')}\n`,
    });
    expect(repo.git('show', '--format=', head)).toMatch(/Binary files \/dev\/null and b\/conf\/app\.ini differ/);
    const cwd = `${repo.dir}/conf`;
    const want = ['conf/app.ini:1:21', 'conf/data.bin:1:19'];
    expect(places(repo.keyguardJson(['scan-history'], { cwd }).findings)).toEqual(want);
    expect(places(repo.keyguardJson(['scan-range', '--diff-only', `${base}..${head}`], { cwd }).findings)).toEqual(want);
    expect(places(repo.keyguardJson(['ci', '--base', base], { cwd }).findings)).toEqual(want);
  });

  it('text .gitattributes calls binary, starting with a magic number: blocked by the hooks, found by the scans; real binaries not', () => {
    const repo = newRepo();
    const base = repo.commit('base', { 'README.md': 'x\n', '.gitattributes': '*.txt -diff\n' });
    expect(repo.keyguard(['install']).code).toBe(0);
    const texts = Object.fromEntries(ASCII_MAGIC.map((start, i) => [`notes-${i}.txt`, magicText(start, `git-${i}`)]));
    texts['settings.cfg'] = `${magicText('BZh', 'stray-nul')}\0\n`; // binary to git by its NUL
    for (const [path, content] of Object.entries({ ...texts, ...realBinaries('git') })) repo.write(path, content);
    repo.git('add', '-A');
    const blocked = repo.tryGit('commit', '-q', '-m', 'notes');
    expect(blocked.code).not.toBe(0);
    for (const path of Object.keys(texts)) expect(blocked.stderr).toContain(`${path}:2`);
    const want = Object.keys(texts).map((path) => `${path}:2:19`).sort();
    expect(places(repo.keyguardJson(['scan', '--staged']).findings)).toEqual(want);
    expect(repo.keyguard(['scan', '--staged']).stdout).toMatch(/8 binary files skipped/);
    repo.git('commit', '-q', '--no-verify', '-m', 'notes');
    expect(places(repo.keyguardJson(['scan-range', `${base}..HEAD`]).findings)).toEqual(want);
    expect(places(repo.keyguardJson(['scan-history']).findings)).toEqual(want);
    expect(places(repo.keyguardJson(['scan']).findings)).toEqual(want);
  });
});
