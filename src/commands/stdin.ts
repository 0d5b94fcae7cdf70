/** How a lone `-` (stdin) reaches the scan command: yargs drops a bare '-', so cli.ts renames it. */
export const STDIN_ARGUMENT = '<stdin>';
