import { UsageError } from '../errors.js';

export type QemuAccel = 'kvm' | 'tcg';

export interface QemuBootOptions {
  /** `kernel`, `initrd` and `root` from a supermin ext2 build. */
  kernel: string;
  initrd: string;
  root: string;
  accel: QemuAccel;
  memoryMiB?: number;
  cpus?: number;
  /** Kernel command-line words added after the fixed ones. */
  append?: readonly string[];
  /** Open the root disk read-only to qemu (snapshot=on: the guest's writes are discarded). */
  snapshot?: boolean;
  /** Add `quiet` to the kernel command line (default true; supermin's init still reports). */
  quiet?: boolean;
  /** Default qemu-system-x86_64: the appliance is built from the host, so it has the host's architecture. */
  binary?: string;
  /** A Unix socket path for qemu's human monitor (to send the guest keys, such as ctrl-alt-delete). */
  monitorSocket?: string;
}

/** Kernel command-line words must not smuggle in a second word or a quote. */
const CMDLINE_WORD = /^[A-Za-z0-9_.,:=/+@%-]+$/;

/**
 * The qemu command line for a supermin ext2 appliance: the root disk on virtio-blk, so it is
 * /dev/vda, which supermin's mini init waits for when given `root=/dev/vda`; the serial console on
 * stdio; no default devices; and `-no-reboot` with `panic=-1`, so a guest that powers off or panics
 * ends qemu instead of looping.
 */
export function qemuArgv(o: QemuBootOptions): string[] {
  for (const path of [o.kernel, o.initrd, o.root, ...(o.monitorSocket === undefined ? [] : [o.monitorSocket])]) {
    // qemu splits -drive option values on commas.
    if (path.includes(',')) throw new UsageError(`qemu cannot take a path containing ",": ${path}`);
  }
  const bad = (o.append ?? []).filter((w) => !CMDLINE_WORD.test(w));
  if (bad.length > 0) throw new UsageError(`not a kernel command-line word: ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
  const cmdline = ['console=ttyS0', 'panic=-1', 'root=/dev/vda', ...(o.quiet === false ? [] : ['quiet']), ...(o.append ?? [])].join(' ');
  return [
    o.binary ?? 'qemu-system-x86_64',
    '-nodefaults',
    '-nographic',
    '-no-reboot',
    '-machine',
    // No `-cpu host`: under nested virtualisation it can abort qemu (failed MSR writes, measured
    // here), and the appliance needs no host CPU features.
    `accel=${o.accel}`,
    '-m',
    String(o.memoryMiB ?? 512),
    '-smp',
    String(o.cpus ?? 1),
    '-serial',
    'stdio',
    '-kernel',
    o.kernel,
    '-initrd',
    o.initrd,
    '-drive',
    `file=${o.root},format=raw,if=virtio${o.snapshot ? ',snapshot=on' : ''}`,
    '-append',
    cmdline,
    ...(o.monitorSocket === undefined ? [] : ['-monitor', `unix:${o.monitorSocket},server=on,wait=off`]),
  ];
}
