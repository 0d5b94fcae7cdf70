import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UsageError, messageOf } from '../errors.js';
import { BASELINE_FORMAT, DEFAULT_BASELINE_FILE, baselineDocument } from '../filters/baseline.js';
import { diskReader, loadFilters } from '../filters/index.js';
import { workTreeRoot } from '../git/repo.js';
import { replaceableBy } from '../own-files.js';
import { collectFindings } from '../pipeline.js';
import { fileFragments, listTargets } from '../sources/files.js';
import { emptyStats } from '../types.js';
import { createDetector } from '../rules/detector.js';
import { checkWritable } from './writable.js';

interface BaselineArgs {
  action: string;
  file?: string;
  history: boolean;
}

/**
 * Refuses a file that is there and is not a keyguard baseline, before any work: a mistyped path must not cost
 * someone their file. A missing or empty file is written; a baseline of any version is replaced.
 */
function checkReplaceable(file: string): void {
  // Read as the allowlists are (diskReader): through no link the repository brought, null when there is none.
  const text = diskReader(process.cwd())(file);
  if (text === null) return;
  if (!replaceableBy(text, BASELINE_FORMAT)) {
    throw new UsageError(`${file}: there is a file there that is not a keyguard baseline, and keyguard replaces only its own (name another file, or remove this one)`);
  }
}

/**
 * Records every finding the repository has now (its files, and with --history every commit of every ref) that
 * no allow accepts. A previous baseline is not applied: the new one replaces it.
 */
async function createBaseline(args: BaselineArgs): Promise<void> {
  const cwd = process.cwd();
  const root = workTreeRoot(cwd);
  if (!root) throw new UsageError(`${cwd} is not in a git repository: a baseline records a repository's findings, so run it inside one`);
  const file = args.file ?? join(root, DEFAULT_BASELINE_FILE);
  checkReplaceable(file);
  checkWritable(file, file);
  const { detector } = createDetector(cwd);
  const stats = emptyStats();
  const filters = await loadFilters({ cwd, root });
  const findings = await collectFindings(fileFragments(listTargets([], { cwd, git: true, root }), detector.contextLines, stats), detector, filters);
  if (args.history) {
    // Loaded here only: a work-tree baseline does not need the history source.
    const { historyFragments } = await import('../sources/history.js');
    const { historyRefObjects, withRefObjects } = await import('../sources/ref-objects.js');
    const revisions = ['--all'];
    // what refs hold besides commits too (tags' messages, blobs, trees): what scan-history reads
    const refs = historyRefObjects(cwd, revisions, { detector, stats });
    const history = historyFragments({ cwd, revisions, stats, contextLines: detector.contextLines, source: 'history', detector });
    findings.push(...(await collectFindings(withRefObjects(history, refs), detector, filters)));
  }
  const document = baselineDocument(findings);
  try {
    writeFileSync(file, document);
  } catch (error) {
    throw new UsageError(`${file}: cannot write (${messageOf(error)})`);
  }
  const recorded = new Set(findings.map((finding) => finding.fingerprint)).size;
  const scanned = `${stats.files} files${args.history ? `, ${stats.commits} commits` : ''}`;
  process.stdout.write(`keyguard: recorded ${recorded} finding${recorded === 1 ? '' : 's'} in ${relative(cwd, file) || file} (${scanned} scanned); pass --baseline with it to report only new ones\n`);
}

export const baselineCommand: CommandModule<object, BaselineArgs> = {
  command: 'baseline <action> [file]',
  describe: 'Record current findings (fingerprints and masked previews only) so later scans report only new ones',
  builder: (yargs) =>
    (yargs as Argv<object>)
      .positional('action', { type: 'string', choices: ['create'], demandOption: true, describe: 'create: write the baseline' })
      .positional('file', { type: 'string', describe: `where to write it (default: ${DEFAULT_BASELINE_FILE} at the top of the repository)` })
      .option('history', { type: 'boolean', default: false, describe: 'also record the findings in every commit of every ref' })
      .example('$0 baseline create --history', 'adopt keyguard on a repository with a past')
      .example('$0 scan --baseline .keyguard-baseline.json', 'then: report only what is new') as unknown as Argv<BaselineArgs>,
  handler: createBaseline,
};
