import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolError } from '../errors.js';
import { lastLines, runTool } from '../process/run-tool.js';
import { qemuArgv, type QemuAccel, type QemuBootOptions } from './qemu-argv.js';

export interface BootApplianceOptions extends Omit<QemuBootOptions, 'accel'> {
  /**
   * Default tcg (software emulation): it works everywhere. kvm is faster but opt-in, because a
   * usable-looking /dev/kvm is no guarantee: on the nested-virtualisation host this was developed
   * on, guests under KVM hang after the BIOS while TCG boots the appliance in about 16 s.
   */
  accel?: QemuAccel;
  /** qemu is killed after this long; the result then says `timedOut`. */
  timeoutMs: number;
  /** Stop qemu as soon as the serial console shows this (for guests that do not power off). */
  until?: RegExp;
  /**
   * Once `until` is seen, ask the guest to shut down instead of stopping qemu at once: ctrl-alt-delete
   * on its keyboard, through qemu's monitor, which systemd and sysvinit's inittab turn into a
   * clean reboot (and `-no-reboot` into the end of qemu). qemu is killed if it is still running
   * this long after. Stopping a running guest is a power cut, and an ext2 root written to at that
   * moment can come back damaged.
   */
  shutdownGraceMs?: number;
  signal?: AbortSignal;
  /** Environment for qemu (default: this process's). */
  env?: NodeJS.ProcessEnv;
  onOutput?: (chunk: string) => void;
}

export interface BootResult {
  argv: readonly string[];
  accel: QemuAccel;
  /** Everything the guest wrote to its serial console. */
  console: string;
  /** qemu's exit status (0 after a guest power-off), or null when it was stopped. */
  exitCode: number | null;
  timedOut: boolean;
  /** `until` was seen (and qemu stopped because of it). */
  matched: boolean;
  /** With shutdownGraceMs, after `until` was seen: whether the guest ended qemu by itself in time. */
  shutdown?: 'clean' | 'killed';
  durationMs: number;
}

/** Whether this user may open /dev/kvm (not whether KVM guests actually run well here). */
export function kvmUsable(): boolean {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Boots a supermin ext2 appliance in qemu and returns its serial console. Not finishing in time is
 * a result (`timedOut`), not an error, so callers can show the console; qemu failing to start is
 * E_TOOL_FAILED.
 */
export async function bootAppliance(options: BootApplianceOptions): Promise<BootResult> {
  const accel = options.accel ?? 'tcg';
  // A clean shutdown after `until` needs qemu's monitor, on a socket in a directory of our own.
  const graceMs = options.until === undefined ? undefined : options.shutdownGraceMs;
  const monitorDir = graceMs === undefined ? undefined : mkdtempSync(join(tmpdir(), 'scriptlet-qemu-'));
  const monitorSocket = monitorDir === undefined ? undefined : join(monitorDir, 'monitor.sock');
  const argv = qemuArgv({ ...options, accel, ...(monitorSocket === undefined ? {} : { monitorSocket }) });
  const stop = new AbortController();
  const onOuterAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let seen = '';
  let matched = false;
  let monitor: Socket | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const requestShutdown = (socket: string, limitMs: number): void => {
    graceTimer = setTimeout(() => stop.abort(), limitMs);
    monitor = createConnection(socket);
    monitor.on('connect', () => monitor?.write('sendkey ctrl-alt-delete\n'));
    // No monitor to talk to: stop qemu now (a no-op when it has ended already).
    monitor.on('error', () => stop.abort());
  };
  try {
    const result = await runTool(argv, {
      signal: stop.signal,
      timeoutMs: options.timeoutMs,
      killGraceMs: 2000,
      ...(options.env ? { env: options.env } : {}),
      maxStdoutBytes: 32 * 1024 * 1024,
      missingHint: 'install qemu (Debian: apt-get install qemu-system-x86)',
      onStdout: (chunk) => {
        const text = chunk.toString('utf8');
        options.onOutput?.(text);
        if (options.until && !matched) {
          // Keep a window large enough for a marker split across chunks.
          seen = (seen + text).slice(-65536);
          if (options.until.test(seen)) {
            matched = true;
            if (monitorSocket !== undefined && graceMs !== undefined) requestShutdown(monitorSocket, graceMs);
            else stop.abort();
          }
        }
      },
    });
    const stoppedByUs = result.timedOut || matched || result.aborted;
    if (!stoppedByUs && result.code !== 0) {
      const how = result.code === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited with status ${result.code}`;
      throw new ToolError('E_TOOL_FAILED', `qemu ${how}: ${lastLines(result.stderr, 5)}`, {
        hint: 'check the kernel, initrd and root paths; without /dev/kvm qemu runs with TCG (accel=tcg)',
      });
    }
    return {
      argv,
      accel,
      console: result.stdout,
      exitCode: result.code,
      timedOut: result.timedOut,
      matched,
      // Ended by itself, or stopped by us (the grace time ran out, no monitor, the time limit).
      ...(matched && monitorSocket !== undefined ? { shutdown: result.aborted || result.timedOut ? ('killed' as const) : ('clean' as const) } : {}),
      durationMs: result.durationMs,
    };
  } finally {
    if (graceTimer !== undefined) clearTimeout(graceTimer);
    monitor?.destroy();
    if (monitorDir !== undefined) rmSync(monitorDir, { recursive: true, force: true });
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}
