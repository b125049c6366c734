import { ToolError } from '../errors.js';
import { lastLines, runTool } from '../process/run-tool.js';

export interface SuperminVersion {
  major: number;
  minor: number;
  patch: number;
}

export interface SuperminInstall {
  /** What to execute (the name as found on PATH, or the explicit path given). */
  binary: string;
  version: SuperminVersion;
  /** The tool's own version line, for reports. */
  versionText: string;
}

export const SUPERMIN_INSTALL_HINT =
  'install supermin (Debian/Ubuntu: apt-get install supermin; Fedora: dnf install supermin; Arch: pacman -S supermin)';

/**
 * Parses `supermin --version` output (`supermin 5.2.2`). Returns undefined for anything else, so a
 * different program answering to the same name is not mistaken for supermin.
 */
export function parseSuperminVersion(text: string): SuperminVersion | undefined {
  const m = /^supermin (\d+)\.(\d+)\.(\d+)\b/m.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/**
 * Finds supermin and checks it is version 5 (the --prepare/--build interface this wrapper speaks;
 * supermin 4 had a different one).
 */
export async function probeSupermin(options: { binary?: string; env?: NodeJS.ProcessEnv } = {}): Promise<SuperminInstall> {
  const binary = options.binary ?? 'supermin';
  const result = await runTool([binary, '--version'], {
    env: options.env,
    timeoutMs: 30_000,
    missingHint: SUPERMIN_INSTALL_HINT,
  });
  const version = parseSuperminVersion(result.stdout);
  if (result.code !== 0 || version === undefined) {
    const said = lastLines(`${result.stdout}\n${result.stderr}`, 3);
    throw new ToolError('E_TOOL_FAILED', `${binary} --version did not report a supermin version${said ? `: ${said}` : ''}`, {
      hint: SUPERMIN_INSTALL_HINT,
    });
  }
  if (version.major !== 5) {
    throw new ToolError(
      'E_TOOL_FAILED',
      `supermin ${version.major}.${version.minor}.${version.patch} is not supported (supermin 5 is required)`,
      { hint: SUPERMIN_INSTALL_HINT },
    );
  }
  return { binary, version, versionText: result.stdout.trim() };
}
