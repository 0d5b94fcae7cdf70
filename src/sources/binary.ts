// Binary files are skipped (and counted), but a text file with a stray NUL byte is still text: git-secrets
// skips any file git calls binary, so a key written before a NUL passes it.

const MAGIC: readonly number[][] = [
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF
  [0x50, 0x4b, 0x03, 0x04], // zip, jar, docx
  [0x1f, 0x8b], // gzip
  [0x25, 0x50, 0x44, 0x46], // PDF
  [0x00, 0x61, 0x73, 0x6d], // wasm
  [0xca, 0xfe, 0xba, 0xbe], // Java class, Mach-O fat
  [0xcf, 0xfa, 0xed, 0xfe], // Mach-O
  [0x4d, 0x5a], // PE (Windows executables)
  [0x28, 0xb5, 0x2f, 0xfd], // zstd
  [0x42, 0x5a, 0x68], // bzip2
  [0xfd, 0x37, 0x7a, 0x58, 0x5a], // xz
  [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], // SQLite database
];

const SAMPLE = 8000;

/**
 * True for a known binary format, or when over 30% of the first 8,000 bytes are control bytes: binary
 * formats are thick with NULs, while a text file with a few stray ones is still text worth scanning.
 */
export function isBinary(head: Uint8Array): boolean {
  if (MAGIC.some((magic) => magic.every((byte, i) => head[i] === byte))) return true;
  const n = Math.min(head.length, SAMPLE);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i];
    // Tab, newline, form feed, carriage return and escape are text; other bytes below 32 are not.
    if (b < 32 && b !== 9 && b !== 10 && b !== 12 && b !== 13 && b !== 27) control++;
  }
  return control * 10 > n * 3;
}
