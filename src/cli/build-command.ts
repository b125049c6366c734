import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { buildAppliance } from '../build/build-appliance.js';
import type { Manifest } from '../build/build-manifest.js';
import { cacheHome } from '../build/cache-home.js';
import { chooseKernel } from '../build/choose-kernel.js';
import { MANIFEST_NAME, prepareAppliance, SUPERMIN_DIR } from '../build/prepare-appliance.js';
import { summarizeManifest } from '../build/summarize-manifest.js';
import { IoError, UsageError } from '../errors.js';
import { DEFAULT_STEP_TIMEOUT } from '../plan/build-plan.js';
import { runTool } from '../process/run-tool.js';
import { withAtomicOutput } from '../supermin/atomic-output.js';
import { probeSupermin } from '../supermin/probe-supermin.js';
import type { SuperminFormat } from '../supermin/supermin-argv.js';
import type { RegisterCommand } from './commands.js';
import { ExitCode } from './exit-code.js';
import type { CliIo } from './io.js';
import { countVerbose, printWarnings } from './prepare-command.js';
import { progressReporter } from './progress.js';
import { wholeNumber } from './whole-number.js';

interface BuildCliOptions {
  format: SuperminFormat;
  policy?: string;
  output: string;
  size?: number;
  ifNewer?: boolean;
  lock?: string;
  verbose: number;
  useInstalled?: boolean;
  cacheDir?: string;
  timeout: number;
  quiet?: boolean;
}

const SIZE_UNITS: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

function size(value: string): number {
  const m = /^([1-9][0-9]*)([KMG])$/.exec(value);
  if (!m) throw new InvalidArgumentError('a whole number with K, M or G, e.g. 512M or 4G');
  return Number(m[1]) * (SIZE_UNITS[m[2] as string] as number);
}

function format(value: string): SuperminFormat {
  if (value !== 'chroot' && value !== 'ext2') throw new InvalidArgumentError('chroot or ext2');
  return value;
}

function readManifest(file: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** Where a built appliance keeps its manifest: next to kernel/initrd/root, or inside the chroot. */
function builtManifest(output: string, f: SuperminFormat): string {
  return f === 'ext2' ? join(output, MANIFEST_NAME) : join(output, 'usr/lib/scriptlet', MANIFEST_NAME);
}

function mtime(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Number.POSITIVE_INFINITY;
}

/**
 * --if-newer: the output was built for the same request and is newer than everything it came
 * from (the host package database, the prepared directory, the policy file). supermin's own
 * --if-newer cannot see through the atomic output, which always builds into a fresh directory.
 */
function upToDate(output: string, f: SuperminFormat, request: Manifest['request'], inputs: string[]): boolean {
  const built = readManifest(builtManifest(output, f));
  if (!built) return false;
  const same = JSON.stringify(built.request) === JSON.stringify({ ...request, packages: [...request.packages].sort() });
  const stamp = mtime(builtManifest(output, f));
  return same && inputs.every((i) => mtime(i) < stamp);
}

async function installedVersions(names: string[]): Promise<Map<string, string>> {
  const r = await runTool(['dpkg-query', '-W', '-f=${Package}\t${Version}\n', '--', ...names], { timeoutMs: 60_000 });
  return new Map(
    r.stdout
      .split('\n')
      .filter((l) => l.includes('\t'))
      .map((l) => l.split('\t') as [string, string]),
  );
}

export async function runBuild(inputs: string[], opts: BuildCliOptions, io: CliIo): Promise<number> {
  if (opts.format === 'chroot' && opts.size !== undefined) throw new UsageError('--size only applies to the ext2 format');
  const first = inputs[0] ?? '';
  const preparedDir = inputs.length === 1 && existsSync(join(resolve(io.cwd, first), SUPERMIN_DIR)) ? resolve(io.cwd, first) : undefined;
  if (!preparedDir) {
    const paths = inputs.filter((i) => i.includes('/'));
    if (paths.length > 0) {
      throw new UsageError(`not a prepared directory (no ${SUPERMIN_DIR} inside) and not a package name: ${paths[0]}`, {
        hint: 'make one with scriptlet prepare PACKAGES -o DIR, or give package names',
      });
    }
  }
  const output = resolve(io.cwd, opts.output);
  const cache = cacheHome(io.env, io.cwd, opts.cacheDir);
  const prepared = preparedDir ? readManifest(join(preparedDir, MANIFEST_NAME)) : undefined;
  if (preparedDir && !prepared) throw new IoError(`${MANIFEST_NAME} is missing or unreadable`, { file: join(preparedDir, MANIFEST_NAME) });
  const request: Manifest['request'] = prepared?.request ?? {
    packages: [...inputs],
    useInstalled: Boolean(opts.useInstalled),
    policy: opts.policy ?? null,
  };
  if (opts.ifNewer) {
    const deps = ['/var/lib/dpkg/status', ...(preparedDir ? [join(preparedDir, MANIFEST_NAME), join(preparedDir, SUPERMIN_DIR)] : []), ...(opts.policy && existsSync(resolve(io.cwd, opts.policy)) ? [resolve(io.cwd, opts.policy)] : [])];
    if (upToDate(output, opts.format, request, deps)) {
      io.stdout(`${opts.output} is up to date\n`);
      return ExitCode.ok;
    }
  }

  const progress = progressReporter(io, !opts.quiet && opts.verbose === 0);
  const supermin = await probeSupermin({ env: io.env });
  const warnings: string[] = [];
  try {
    const kernel =
      opts.format === 'ext2'
        ? await chooseKernel(io.env, { cacheDir: join(cache, 'kernel'), onProgress: () => progress('fetching a kernel', 0, 1) })
        : undefined;
    const manifest = await withAtomicOutput(output, async ({ stagingPath, workDir, signal }) => {
      let superminDir: string;
      let manifest: Manifest;
      if (preparedDir) {
        superminDir = join(preparedDir, SUPERMIN_DIR);
        manifest = prepared as Manifest;
        // Scripts were classified for these versions; supermin copies whatever the host has now.
        const now = await installedVersions(manifest.packages.map((p) => p.name));
        for (const p of manifest.packages) {
          const v = now.get(p.name);
          if (v !== p.version) warnings.push(`${p.name} was prepared at ${p.version} but the host has ${v ?? 'no such package'}; prepare again`);
        }
      } else {
        const result = await prepareAppliance(join(workDir, 'prepared'), {
          packages: inputs,
          useInstalled: Boolean(opts.useInstalled),
          ...(opts.policy ? { policy: opts.policy } : {}),
          supermin,
          debCache: join(cache, 'debs'),
          classificationCache: join(cache, 'classified'),
          workDir,
          verbose: opts.verbose as 0 | 1 | 2,
          ...(opts.lock ? { lockFile: resolve(io.cwd, opts.lock) } : {}),
          timeoutSeconds: opts.timeout,
          signal,
          io,
          progress,
          format: opts.format,
        });
        superminDir = result.superminDir;
        manifest = result.manifest;
      }
      progress(`supermin --build -f ${opts.format}`, 0, 1);
      warnings.push(
        ...(await buildAppliance(superminDir, stagingPath, {
          format: opts.format,
          ...(opts.size !== undefined ? { sizeBytes: opts.size } : {}),
          verbose: opts.verbose as 0 | 1 | 2,
          ...(opts.lock ? { lockFile: resolve(io.cwd, opts.lock) } : {}),
          ...(kernel ? { kernel } : {}),
          supermin,
          workDir,
          signal,
          io,
        })),
      );
      if (opts.format === 'ext2') writeFileSync(join(stagingPath, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
      return manifest;
    });
    progress.done();
    printWarnings(io, [...manifest.warnings, ...warnings]);
    io.stdout(`built ${opts.output} (${opts.format}): ${summarizeManifest(manifest)}\n`);
    return ExitCode.ok;
  } finally {
    progress.done();
  }
}

export const registerBuild: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('build')
    .summary('build a supermin appliance (chroot or ext2) whose install scripts are handled')
    .description(
      'From host package names (prepared on the fly) or a directory made by `scriptlet prepare`: supermin --build ' +
        'with scriptlet’s overlay, so translated actions are in the image and deferred scripts run once at first boot ' +
        'through the guest agent. The output is replaced atomically. See docs/building.md.',
    )
    .argument('<packages-or-prepared-dir...>', 'host package names, or one prepared directory')
    .option('-f, --format <format>', 'chroot or ext2', format, 'ext2' as SuperminFormat)
    .option('--policy <file|name>', 'policy for every package (default: the shipped debian policy)')
    .option('-o, --output <dir>', 'the appliance directory to write', 'appliance')
    .option('--size <size>', 'ext2 image size, e.g. 512M or 4G (supermin’s default: 4G, sparse)', size)
    .option('--if-newer', 'do nothing when the output is newer than its inputs and was built for the same request')
    .option('--lock <file>', 'passed to supermin --lock')
    .option('-v, --verbose', 'show supermin’s output (twice: its file lists)', countVerbose, 0)
    .option('--use-installed', 'read scripts and config files from the installed system instead of downloading the packages')
    .option('--cache-dir <dir>', 'where downloaded packages, kernels and earlier classifications are kept (default: $XDG_CACHE_HOME/scriptlet)')
    .option('--timeout <seconds>', 'timeout of each deferred step at first boot', wholeNumber(604800, 'seconds'), DEFAULT_STEP_TIMEOUT)
    .option('-q, --quiet', 'no progress on the terminal')
    .action(async (inputs: string[], opts: BuildCliOptions) => {
      setExit(await runBuild(inputs, opts, io));
    });
};
