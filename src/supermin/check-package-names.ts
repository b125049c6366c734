import { existsSync } from 'node:fs';
import { ScriptletError, ToolError, UsageError } from '../errors.js';
import { lastLines, runTool } from '../process/run-tool.js';
import { isPackageName } from './package-name.js';
import { PACKAGE_NAME_QUERIES, type PackageManager } from './package-name-query.js';

/**
 * The package manager supermin will use on this host, found the way supermin's handlers detect
 * theirs (distribution marker files first, so an rpm binary installed on Debian for building test
 * fixtures does not win).
 */
export function hostPackageManager(exists: (path: string) => boolean = existsSync): PackageManager | undefined {
  if (exists('/etc/debian_version')) return 'dpkg';
  if (exists('/etc/arch-release')) return 'pacman';
  if (exists('/usr/bin/rpm') || exists('/bin/rpm')) return 'rpm';
  return undefined;
}

/**
 * Fails with E_BUILD naming every package that is not installed on this host, because supermin
 * would silently leave them out of the appliance.
 */
export async function checkPackageNames(
  names: readonly string[],
  options: { manager?: PackageManager; signal?: AbortSignal } = {},
): Promise<void> {
  if (names.length === 0) return;
  const bad = names.filter((n) => !isPackageName(n));
  if (bad.length > 0) throw new UsageError(`not a package name: ${bad.map((b) => JSON.stringify(b)).join(', ')}`);

  const manager = options.manager ?? hostPackageManager();
  if (manager === undefined) {
    throw new ToolError('E_TOOL_MISSING', 'cannot tell which package manager this host uses (dpkg, rpm or pacman)', {
      hint: 'supermin builds appliances from the host’s installed packages; run on a Debian, Fedora/RHEL/SUSE or Arch host',
    });
  }
  const query = PACKAGE_NAME_QUERIES.get(manager);
  if (!query) throw new UsageError(`unsupported package manager ${manager}`);

  const outputs: Array<{ stdout: string; stderr: string }> = [];
  for (const command of query.commands(names)) {
    const result = await runTool(command.argv, {
      // The parsers read English messages (rpm's "is not installed").
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
      signal: options.signal,
      timeoutMs: 120_000,
      missingHint: `${command.argv[0]} comes with the host's package manager (${manager})`,
    });
    if (result.code === null || !command.okExit(result.code)) {
      const why = result.code === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited with status ${result.code}`;
      throw new ToolError('E_TOOL_FAILED', `${command.argv.slice(0, 2).join(' ')} ${why}: ${lastLines(result.stderr, 4)}`);
    }
    outputs.push({ stdout: result.stdout, stderr: result.stderr });
  }

  const unknown = query.unknown(names, outputs);
  if (unknown.length > 0) {
    const list = unknown.join(', ');
    throw new ScriptletError(
      'E_BUILD',
      `${unknown.length === 1 ? 'package is' : `${unknown.length} packages are`} not installed on this host: ${list}`,
      {
        package: unknown[0],
        hint: `supermin copies packages from the host (${manager}); install ${unknown.length === 1 ? 'it' : 'them'} or remove ${unknown.length === 1 ? 'it' : 'them'} from the appliance`,
      },
    );
  }
}
