import { execFile } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Runs a tool with an argv array; stdout as text. Large buffers: rpm output of fixtures is small. */
export async function runTool(cmd: string, args: string[]): Promise<string> {
  const { stdout } = await exec(cmd, args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } });
  return stdout;
}

/**
 * Builds a binary noarch RPM from spec text with rpmbuild in `dir` (its own _topdir) and returns the
 * path of the one .rpm it wrote.
 */
export async function buildRpm(dir: string, name: string, spec: string): Promise<string> {
  const specFile = join(dir, `${name}.spec`);
  writeFileSync(specFile, spec);
  const topdir = join(dir, `${name}-top`);
  await runTool('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${topdir}`, specFile]);
  const rpmDir = join(topdir, 'RPMS', 'noarch');
  const built = readdirSync(rpmDir).filter((f) => f.endsWith('.rpm'));
  if (built.length !== 1) throw new Error(`rpmbuild wrote ${built.length} packages in ${rpmDir}`);
  return join(rpmDir, built[0] as string);
}
