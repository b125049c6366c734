import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { AGENT_DONE_LINE } from '../appliance/agent-report.js';
import { bootAppliance, kvmUsable } from '../appliance/boot-appliance.js';
import { bootOutcome, type BootOutcome } from '../appliance/boot-outcome.js';
import { chooseAccel, kernelStarted, type AccelChoice } from '../appliance/choose-accel.js';
import type { QemuAccel } from '../appliance/qemu-argv.js';
import type { Manifest } from '../build/build-manifest.js';
import { MANIFEST_NAME } from '../build/prepare-appliance.js';
import { BootError, IoError, UsageError } from '../errors.js';
import { runTool } from '../process/run-tool.js';
import type { RegisterCommand } from './commands.js';
import { ExitCode } from './exit-code.js';
import type { CliIo } from './io.js';
import { wholeNumber } from './whole-number.js';

export interface BootCliOptions {
  console?: string;
  timeout: number;
  memory: number;
  accel: AccelChoice;
  snapshot?: boolean;
  /** Neither the console (unless --console) nor status lines; the result and errors still show. */
  quiet?: boolean;
  /** qemu program (tests point it at a stand-in). */
  qemu?: string;
  /** With --accel auto: how long a KVM guest may show no kernel message before TCG is tried. */
  kvmGraceMs?: number;
  /** With an init system: how long the guest may take to shut down after its agent reported. */
  shutdownGraceMs?: number;
}

const KVM_GRACE_MS = 20_000;
/**
 * How long a guest with an init system may take to shut down after its agent reported: generous,
 * for a busy machine under TCG, where the whole first boot of a systemd appliance, its shutdown
 * included, took 93 s here.
 */
const SHUTDOWN_GRACE_MS = 120_000;

const DONE_MARKER = '/var/lib/scriptlet/done';

function accel(value: string): AccelChoice {
  if (value !== 'auto' && value !== 'kvm' && value !== 'tcg') throw new InvalidArgumentError('auto, kvm or tcg');
  return value;
}

function readManifest(file: string): Manifest | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    throw new IoError(`${MANIFEST_NAME} is not valid JSON`, { file });
  }
}

/** Whether the image already holds the agent's done marker (debugfs reads ext2 without mounting). */
async function markerPresent(root: string): Promise<boolean> {
  const r = await runTool(['debugfs', '-R', `stat ${DONE_MARKER}`, root], {
    timeoutMs: 60_000,
    missingHint: 'install e2fsprogs (Debian: apt-get install e2fsprogs)',
  });
  return r.code === 0 && /Inode:/.test(r.stdout);
}

function steps(ids: readonly string[]): string {
  return ids.length === 0 ? 'no step had started' : `${ids.length} step(s) started, the last ${ids.at(-1)}`;
}

/** The CLI's verdict on one boot: ok/already-done exit 0, failed steps exit 1, anything else E_BOOT. */
export function reportOutcome(outcome: BootOutcome, where: { dir: string; consoleFile?: string; timeoutSeconds: number }, io: CliIo): number {
  const consoleHint = where.consoleFile ? `the serial console is in ${where.consoleFile}` : 'see the serial console above';
  switch (outcome.kind) {
    case 'ok':
      io.stdout(`boot ${where.dir}: agent ok: ${outcome.done.ok} of ${outcome.done.total} steps succeeded (${outcome.done.skipped} had run on an earlier boot)\n`);
      return ExitCode.ok;
    case 'already-done':
      io.stdout(`boot ${where.dir}: the agent had finished every step on an earlier boot; nothing ran\n`);
      return ExitCode.ok;
    case 'failed':
      io.stderr(`scriptlet: boot ${where.dir}: agent failed: ${outcome.done.failed} of ${outcome.done.total} steps failed\n`);
      for (const s of outcome.failedSteps) io.stderr(`  ${s.id}: ${s.state}${s.state === 'failed' ? ` (exit ${s.rc})` : ''}, log /var/lib/scriptlet/logs/${s.id}.log in the image\n`);
      io.stderr(`hint: ${consoleHint}; boot again to see the failure reported again, or run /usr/lib/scriptlet/agent retry in the guest once the cause is fixed\n`);
      return ExitCode.gate;
    case 'incomplete':
      throw new BootError(
        `the agent stopped before every step had a result (${outcome.done.ok} ok, ${outcome.done.failed} failed of ${outcome.done.total})${outcome.errors.length > 0 ? `: ${outcome.errors.join('; ')}` : ''}`,
        { file: where.dir, hint: consoleHint },
      );
    case 'timeout':
      throw new BootError(`no report from the guest agent within ${where.timeoutSeconds} s (${steps(outcome.started)}); qemu was stopped`, {
        file: where.dir,
        hint: `${consoleHint}; under TCG (no KVM) a boot takes much longer: raise --timeout`,
      });
    case 'no-report':
      throw new BootError(
        `the guest ended without the agent's report (${outcome.panic ? 'kernel panic; ' : ''}${steps(outcome.started)})${outcome.errors.length > 0 ? `: ${outcome.errors.join('; ')}` : ''}`,
        { file: where.dir, hint: `${consoleHint}; an appliance not made by scriptlet build has no agent` },
      );
  }
}

export async function runBoot(dirArg: string, opts: BootCliOptions, io: CliIo): Promise<number> {
  const dir = resolve(io.cwd, dirArg);
  const [kernel, initrd, root] = ['kernel', 'initrd', 'root'].map((n) => join(dir, n)) as [string, string, string];
  const missing = [kernel, initrd, root].filter((p) => !existsSync(p));
  if (missing.length > 0) {
    const chroot = existsSync(join(dir, 'usr/lib/scriptlet/agent'));
    throw new UsageError(
      chroot ? `${dirArg} is a chroot appliance; only ext2 appliances (kernel, initrd, root) can be booted` : `not an ext2 appliance: no ${missing.map((m) => m.slice(dir.length + 1)).join(', ')} in ${dirArg}`,
      { hint: 'make one with scriptlet build -f ext2 PACKAGES -o DIR' },
    );
  }
  const manifest = readManifest(join(dir, MANIFEST_NAME));
  const shutdownGraceMs = opts.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;
  const doneBefore = await markerPresent(root);
  // Under an init system a finished agent's unit or init script does not start at all, so no
  // report would come: the boot would only run into the time limit and end in a power cut.
  if (doneBefore && manifest && manifest.init !== 'none') {
    io.stdout(`boot ${dirArg}: the agent had finished every step on an earlier boot (${manifest.init} does not start it again); not booted\n`);
    return ExitCode.ok;
  }
  const chosen = chooseAccel(opts.accel, kvmUsable());

  let fd: number | undefined;
  if (opts.console) {
    try {
      fd = openSync(resolve(io.cwd, opts.console), 'w');
    } catch (e) {
      throw new IoError(`cannot write the console log: ${(e as Error).message}`, { file: opts.console });
    }
  }
  const sink = (chunk: string): void => {
    if (fd !== undefined) writeSync(fd, chunk);
    else if (!opts.quiet) io.stdout(chunk);
  };
  try {
    const boot = (accel: QemuAccel, watch?: { signal: AbortSignal; onOutput: (chunk: string) => void }) =>
      bootAppliance({
        kernel,
        initrd,
        root,
        accel,
        memoryMiB: opts.memory,
        timeoutMs: opts.timeout * 1000,
        ...(opts.snapshot ? { snapshot: true } : {}),
        ...(opts.qemu ? { binary: opts.qemu } : {}),
        // Under an init system the guest keeps running after the agent, so it is asked to shut down
        // once the agent has reported; without one, the /init wrapper syncs and powers off by
        // itself, so qemu is left to end on its own.
        ...(manifest && manifest.init !== 'none' ? { until: AGENT_DONE_LINE, shutdownGraceMs } : {}),
        env: io.env,
        // Kernel messages show that a KVM guest got past the firmware (see kernelStarted).
        ...(watch ? { quiet: false, signal: watch.signal, onOutput: watch.onOutput } : { onOutput: sink }),
      });
    let accel = chosen;
    let result;
    if (opts.accel === 'auto' && chosen === 'kvm') {
      const graceMs = opts.kvmGraceMs ?? KVM_GRACE_MS;
      const stall = new AbortController();
      const timer = setTimeout(() => stall.abort(), graceMs);
      let seen = '';
      try {
        result = await boot('kvm', {
          signal: stall.signal,
          onOutput: (chunk) => {
            sink(chunk);
            seen += chunk;
            if (kernelStarted(seen)) clearTimeout(timer);
          },
        });
      } finally {
        clearTimeout(timer);
      }
      if (stall.signal.aborted && !kernelStarted(result.console)) {
        io.stderr(
          `scriptlet: warning: the KVM guest showed no kernel message within ${Math.round(graceMs / 1000)} s (under nested virtualisation KVM guests can stop after the firmware); booting again with TCG\n`,
        );
        accel = 'tcg';
        result = await boot('tcg');
      }
    } else {
      result = await boot(chosen);
    }
    if (fd !== undefined) {
      closeSync(fd);
      fd = undefined;
    }
    if (!opts.quiet) io.stderr(`scriptlet: boot: ${accel} guest ran ${(result.durationMs / 1000).toFixed(1)} s\n`);
    if (result.shutdown === 'killed') {
      io.stderr(
        `scriptlet: warning: the guest did not shut down within ${Math.round(shutdownGraceMs / 1000)} s of ctrl-alt-delete after its agent reported; qemu was stopped, and ${opts.snapshot ? 'nothing was written to the image' : `${dirArg}/root may need e2fsck -f before the next boot`}\n`,
      );
    }
    const outcome = bootOutcome({ console: result.console, timedOut: result.timedOut, doneBefore });
    return reportOutcome(outcome, { dir: dirArg, ...(opts.console ? { consoleFile: opts.console } : {}), timeoutSeconds: opts.timeout }, io);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export const registerBoot: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('boot')
    .summary('boot an ext2 appliance in qemu and report what its guest agent did')
    .description(
      'Boots an ext2 appliance made by `scriptlet build` in qemu-system-x86_64 with a serial console, waits for the ' +
        'guest agent’s `scriptlet-agent: done …` line and exits 0 when every deferred step succeeded, 1 when some ' +
        'failed, 2 when the agent did not report (timeout, crash, no agent). The guest’s writes persist unless ' +
        '--snapshot is given, so a first boot finishes the install. An appliance with an init system (systemd, ' +
        'sysvinit) keeps running after the agent: it is then sent ctrl-alt-delete, a clean reboot that ends qemu, ' +
        `and stopped after ${SHUTDOWN_GRACE_MS / 1000} s if it has not; once its agent has finished, such an appliance is not booted again ` +
        '(its agent would not start, so nothing would report). SCRIPTLET_QEMU names another qemu program. ' +
        'See docs/guest-agent.md.',
    )
    .argument('<appliance-dir>', 'directory with kernel, initrd and root from scriptlet build -f ext2')
    .option('--console <file>', 'write the serial console to FILE instead of the terminal')
    .option('--timeout <seconds>', 'stop qemu after this long', wholeNumber(86400, 'seconds'), 600)
    .option('-m, --memory <MiB>', 'guest memory in MiB', wholeNumber(65536, 'MiB'), 512)
    .option('--accel <accel>', 'auto (KVM when /dev/kvm is usable, else TCG), kvm or tcg', accel, 'auto' as AccelChoice)
    .option('--snapshot', 'discard the guest’s writes to the root disk (the image stays as built)')
    .option('-q, --quiet', 'no progress on the terminal: no console (unless --console), no status line; only the result and errors')
    .action(async (dir: string, opts: BootCliOptions) => {
      setExit(await runBoot(dir, { ...opts, ...(io.env.SCRIPTLET_QEMU ? { qemu: io.env.SCRIPTLET_QEMU } : {}) }, io));
    });
};
