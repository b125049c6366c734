/**
 * supermin --build from a prepared directory's supermin.d, with what a build without root needs
 * afterwards (ext2 ownership repair) and the warnings about what it cannot get right.
 */
import { join } from 'node:path';
import type { CliIo } from '../cli/io.js';
import { superminBuildWarnings } from '../supermin/build-warnings.js';
import type { SuperminInstall } from '../supermin/probe-supermin.js';
import { repairExt2Ownership } from '../supermin/repair-ext2-ownership.js';
import { runSupermin, type SuperminKernel } from '../supermin/run-supermin.js';
import { superminBuildArgv, type SuperminFormat } from '../supermin/supermin-argv.js';

export interface BuildApplianceOptions {
  format: SuperminFormat;
  sizeBytes?: number;
  verbose?: 0 | 1 | 2;
  lockFile?: string;
  kernel?: SuperminKernel;
  supermin: SuperminInstall;
  workDir: string;
  signal?: AbortSignal;
  io: CliIo;
}

/** Builds into `output` (which must not exist); returns warnings for the user. */
export async function buildAppliance(superminDir: string, output: string, o: BuildApplianceOptions): Promise<string[]> {
  await runSupermin(
    superminBuildArgv({
      binary: o.supermin.binary,
      inputs: [superminDir],
      outputDir: output,
      format: o.format,
      ...(o.sizeBytes !== undefined ? { sizeBytes: o.sizeBytes } : {}),
      ...(o.verbose ? { verbose: o.verbose } : {}),
      ...(o.lockFile ? { lockFile: o.lockFile } : {}),
    }),
    {
      env: o.io.env,
      ...(o.kernel ? { kernel: o.kernel } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.verbose ? { onStdout: (c: Buffer) => o.io.stderr(c.toString('utf8')) } : {}),
    },
  );
  const uid = process.geteuid?.() ?? 0;
  let repaired = false;
  if (o.format === 'ext2' && uid !== 0) {
    await repairExt2Ownership(join(output, 'root'), [superminDir], {
      builderUid: uid,
      builderGid: process.getegid?.() ?? uid,
      workDir: o.workDir,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    repaired = true;
  }
  return superminBuildWarnings(o.format, uid, repaired);
}
