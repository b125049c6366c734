import type { QemuAccel } from './qemu-argv.js';

export type AccelChoice = QemuAccel | 'auto';

/** `auto` tries KVM when this user can open /dev/kvm, else TCG (software emulation, slow but everywhere). */
export function chooseAccel(choice: AccelChoice, kvmUsable: boolean): QemuAccel {
  if (choice !== 'auto') return choice;
  return kvmUsable ? 'kvm' : 'tcg';
}

/**
 * Whether the guest got past the firmware into the kernel. An openable /dev/kvm does not mean KVM
 * guests run: under nested virtualisation (measured on the development host) they stop after
 * SeaBIOS's "Booting from ROM..." and print nothing more, so a KVM boot whose console shows no
 * kernel message within a grace period is retried under TCG. The kernel's first line is
 * `Linux version …` when the command line lacks `quiet`.
 */
export function kernelStarted(console: string): boolean {
  return /Linux version |supermin:|scriptlet-agent:/.test(console);
}
