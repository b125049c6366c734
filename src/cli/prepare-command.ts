import { resolve } from 'node:path';
import type { Command } from 'commander';
import { cacheHome } from '../build/cache-home.js';
import { prepareAppliance } from '../build/prepare-appliance.js';
import { summarizeManifest } from '../build/summarize-manifest.js';
import { DEFAULT_STEP_TIMEOUT } from '../plan/build-plan.js';
import { withAtomicOutput } from '../supermin/atomic-output.js';
import { probeSupermin } from '../supermin/probe-supermin.js';
import type { RegisterCommand } from './commands.js';
import { ExitCode } from './exit-code.js';
import type { CliIo } from './io.js';
import { progressReporter } from './progress.js';
import { wholeNumber } from './whole-number.js';

export interface PrepareCliOptions {
  output: string;
  useInstalled?: boolean;
  policy?: string;
  cacheDir?: string;
  timeout: number;
  lock?: string;
  verbose: number;
  quiet?: boolean;
}

export function countVerbose(_: string, previous: number): number {
  return Math.min(2, previous + 1);
}

export function printWarnings(io: CliIo, warnings: readonly string[]): void {
  for (const w of warnings) io.stderr(`scriptlet: warning: ${w}\n`);
}

export async function runPrepare(packages: string[], opts: PrepareCliOptions, io: CliIo): Promise<number> {
  const progress = progressReporter(io, !opts.quiet && opts.verbose === 0);
  const supermin = await probeSupermin({ env: io.env });
  const output = resolve(io.cwd, opts.output);
  try {
    const prepared = await withAtomicOutput(output, ({ stagingPath, workDir, signal }) =>
      prepareAppliance(stagingPath, {
        packages,
        useInstalled: Boolean(opts.useInstalled),
        ...(opts.policy ? { policy: opts.policy } : {}),
        supermin,
        debCache: `${cacheHome(io.env, io.cwd, opts.cacheDir)}/debs`,
        classificationCache: `${cacheHome(io.env, io.cwd, opts.cacheDir)}/classified`,
        workDir,
        verbose: opts.verbose as 0 | 1 | 2,
        ...(opts.lock ? { lockFile: resolve(io.cwd, opts.lock) } : {}),
        timeoutSeconds: opts.timeout,
        signal,
        io,
        progress,
      }),
    );
    progress.done();
    printWarnings(io, prepared.manifest.warnings);
    io.stdout(`prepared ${opts.output}: ${summarizeManifest(prepared.manifest)}\n`);
    return ExitCode.ok;
  } finally {
    progress.done();
  }
}

export const registerPrepare: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('prepare')
    .summary('prepare a small, distributable supermin appliance with install scripts handled')
    .description(
      'Runs supermin --prepare for the given host packages, classifies the install scripts of every package the ' +
        'appliance will hold (supermin resolves dependencies), applies the translated actions and writes DIR/supermin.d ' +
        '(supermin’s files plus zz-scriptlet.tar: staged files, deferred scripts and the guest agent) and DIR/manifest.json. ' +
        '`scriptlet build DIR` (or supermin --build DIR/supermin.d) makes the full appliance. See docs/building.md.',
    )
    .argument('<packages...>', 'host package names (dependencies are added by supermin)')
    .requiredOption('-o, --output <dir>', 'the prepared directory to write (replaced atomically)')
    .option('--use-installed', 'read scripts and config files from the installed system instead of downloading the packages')
    .option('--policy <file|name>', 'policy for every package (default: the shipped debian policy)')
    .option('--cache-dir <dir>', 'where downloaded packages and earlier classifications are kept (default: $XDG_CACHE_HOME/scriptlet)')
    .option('--timeout <seconds>', 'timeout of each deferred step at first boot', wholeNumber(604800, 'seconds'), DEFAULT_STEP_TIMEOUT)
    .option('--lock <file>', 'passed to supermin --lock')
    .option('-v, --verbose', 'show supermin’s output (twice: its file lists)', countVerbose, 0)
    .option('-q, --quiet', 'no progress on the terminal')
    .action(async (packages: string[], opts: PrepareCliOptions) => {
      setExit(await runPrepare(packages, opts, io));
    });
};
