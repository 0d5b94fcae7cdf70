import { dirname, join, resolve, sep } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors.js';
import { type Change, applyAll } from '../hooks/changes.js';
import { planInstall, planUninstall } from '../hooks/install.js';
import { withLock } from '../hooks/lock.js';
import { forgetInstalls, installedPlaces, recordInstall, samePlace } from '../hooks/record.js';
import { prefilterFile, saveMessagePrefilter } from '../hooks/message-prefilter.js';
import { HOOK_NAMES } from '../hooks/scripts.js';
import { type Target, defaultGlobalTemplate, globalTemplateDir, repositoryTarget, setGlobalTemplateDir, templateTarget } from '../hooks/target.js';
import { packageFile } from '../package-files.js';
import { loadRuleSet } from '../rules/load.js';
import { checkHooks } from './hooks-check.js';

interface WhereArgs {
  template?: string;
  global?: boolean;
}

interface InstallArgs extends WhereArgs {
  force: boolean;
  check?: boolean;
}

function withWhereOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('template', { type: 'string', describe: 'a template directory for `git init --template DIR` (hooks go in DIR/hooks)' })
    // No default for --global: yargs counts a default as given, and would call --template and --global in conflict.
    .option('global', { type: 'boolean', describe: 'every new repository of this user: the init.templateDir template' })
    .conflicts('template', 'global');
}

/**
 * Whether this keyguard is one project's copy (its node_modules, or npx's cache) rather than a global install:
 * hooks for every new repository that run it break when that project goes.
 */
function isProjectCopy(bin: string): boolean {
  const globalModules = join(dirname(dirname(process.execPath)), 'lib', 'node_modules') + sep;
  return bin.includes(`${sep}node_modules${sep}`) && !bin.startsWith(globalModules);
}

/** The target of --template / --global / the current repository, and what --global does to git config after. */
function resolveTarget(args: WhereArgs, cwd: string): { target: Target; templateDir: string | null; configured: boolean } {
  if (args.template) {
    const templateDir = resolve(cwd, args.template);
    return { target: templateTarget(templateDir), templateDir, configured: true };
  }
  if (args.global) {
    const configured = globalTemplateDir(cwd);
    const templateDir = configured ?? defaultGlobalTemplate();
    return { target: templateTarget(templateDir), templateDir, configured: configured !== null };
  }
  return { target: repositoryTarget(cwd), templateDir: null, configured: true };
}

function report(changes: readonly Change[], nothing: string): void {
  if (!changes.length) process.stdout.write(`keyguard: ${nothing}\n`);
  for (const change of changes) process.stdout.write(`keyguard: ${change.note}\n`);
}

export const installCommand: CommandModule<object, InstallArgs> = {
  command: 'install',
  describe: `Install keyguard's git hooks (${HOOK_NAMES.join(', ')}) where git runs them`,
  builder: (yargs) =>
    withWhereOptions(yargs as Argv<object>)
      .option('force', { type: 'boolean', default: false, describe: 'replace a hook that is not keyguard\'s (kept as <hook>.keyguard-backup) instead of chaining it' })
      .option('check', { type: 'boolean', describe: 'change nothing: say for each hook whether git runs keyguard now (exit 1 when one does not)' })
      .example('$0 install', 'this repository (husky and core.hooksPath included)')
      .example('$0 install --check', 'are the hooks still the ones git runs? (husky, a changed core.hooksPath)')
      .example('$0 install --global', 'every repository this user creates or clones from now on') as unknown as Argv<InstallArgs>,
  handler: (args) => {
    const cwd = process.cwd();
    if (args.check) {
      if (args.force || args.template || args.global) throw new UsageError('--check looks at the hooks git runs in this repository: it takes no --force, --template or --global');
      process.exitCode = checkHooks(cwd);
      return;
    }
    const { target, templateDir, configured } = resolveTarget(args, cwd);
    const bin = packageFile('bin/keyguard');
    // Planned and applied under the lock: a parallel install plans from what this one leaves, so it never
    // takes keyguard's fresh hook for the user's and chains it over the user's own.
    const plan = withLock(target.lock, () => {
      const planned = planInstall(target, { force: args.force, launcher: { node: process.execPath, bin } });
      if (planned.refusals.length) throw new UsageError(`nothing installed: ${planned.refusals.join('; ')}`);
      applyAll(planned.changes, () => {
        if (!configured && templateDir) setGlobalTemplateDir(templateDir, cwd);
        // Where uninstall looks, whatever core.hooksPath says by then, and what tells a scan that git should
        // be running these hooks (hooks/status.ts).
        if (target.commonDir) recordInstall(target.commonDir, { kind: target.kind, dir: target.dir });
      });
      return planned;
    });
    report(plan.changes, `hooks already installed in ${target.dir}`);
    const prefilter = prefilterFile(cwd);
    if (prefilter) saveMessagePrefilter(prefilter, loadRuleSet());
    if (!configured) process.stdout.write(`keyguard: set init.templateDir to ${templateDir}\n`);
    if (templateDir && isProjectCopy(bin)) {
      process.stderr.write(
        `keyguard: warning: these hooks run the keyguard in ${dirname(dirname(bin))}, one project's copy: if it goes, they look for keyguard on PATH and block every commit when there is none. Install keyguard globally (npm install -g, see the README) and run this again.\n`,
      );
    }
    if (templateDir) {
      process.stdout.write('keyguard: new repositories (git init, git clone) get the hooks; in an existing one run `git init` again or `keyguard install`\n');
    }
    if (target.kind === 'husky' && !target.active) {
      process.stdout.write('keyguard: git does not use .husky in this clone yet: run `npx husky` (npm install does, through the prepare script)\n');
    }
  },
};

export const uninstallCommand: CommandModule<object, WhereArgs> = {
  command: 'uninstall',
  describe: 'Remove what keyguard install added, and put back the hooks it chained or replaced',
  builder: (yargs) => withWhereOptions(yargs as Argv<object>) as unknown as Argv<WhereArgs>,
  handler: (args) => {
    const cwd = process.cwd();
    const { target, templateDir } = resolveTarget(args, cwd);
    // --global takes back init.templateDir only when install set it (it points at keyguard's own template).
    const unset = args.global && templateDir === defaultGlobalTemplate() && globalTemplateDir(cwd) === templateDir;
    const { changes, left } = withLock(target.lock, () => {
      const { commonDir } = target;
      const elsewhere = commonDir ? installedPlaces(commonDir).filter((place) => !samePlace(place, target)) : [];
      const planned = planUninstall([target, ...elsewhere]);
      applyAll(planned.changes, () => {
        if (unset) setGlobalTemplateDir(null, cwd);
        if (commonDir) forgetInstalls(commonDir);
      });
      return planned;
    });
    report(changes, `no keyguard hooks in ${target.dir}`);
    for (const sentence of left) process.stderr.write(`keyguard: warning: ${sentence}\n`);
    if (unset) process.stdout.write('keyguard: unset init.templateDir\n');
  },
};
