import { minimatch } from 'minimatch';

/**
 * Module file names (globs, as in modules.dep) an ext2 appliance needs to find and mount its root
 * disk under qemu: virtio transports and block devices, ext2 (or ext4 serving ext2), the checksum
 * modules they depend on, and the SCSI/ATA pieces for `-drive if=scsi|ide`. This is the set
 * supermin's mini initrd itself looks for; everything else only makes the image bigger.
 */
export const BOOT_MODULE_PATTERNS: readonly string[] = [
  'ext2.ko*',
  'ext4.ko*',
  'virtio*.ko*',
  'crc*.ko*',
  'libcrc*.ko*',
  'sd_mod.ko*',
  'libata*.ko*',
  'ata_piix.ko*',
];

/** Matched by the patterns above but useless in an appliance. */
export const BOOT_MODULE_EXCLUDES: readonly string[] = ['virtio-gpu.ko*', 'virtio_gpu.ko*'];

/** modules.dep (`path: dep dep …`, paths relative to the modules directory) as a map. */
export function parseModulesDep(text: string): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const module = line.slice(0, colon).trim();
    const needs = line
      .slice(colon + 1)
      .split(/\s+/)
      .filter((d) => d !== '');
    deps.set(module, needs);
  }
  return deps;
}

/**
 * The modules whose file names match `patterns` (and not `excludes`), plus everything they depend
 * on, as sorted paths relative to the modules directory. Paths that try to leave that directory
 * are dropped: modules.dep comes from a downloaded package.
 */
export function selectModules(
  modulesDep: string,
  patterns: readonly string[] = BOOT_MODULE_PATTERNS,
  excludes: readonly string[] = BOOT_MODULE_EXCLUDES,
): string[] {
  const deps = parseModulesDep(modulesDep);
  const basename = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
  const matches = (p: string, globs: readonly string[]): boolean => globs.some((g) => minimatch(basename(p), g));
  const safe = (p: string): boolean => !p.startsWith('/') && !p.split('/').includes('..');

  const chosen = new Set<string>();
  const visit = (p: string): void => {
    if (chosen.has(p) || !safe(p)) return;
    chosen.add(p);
    for (const d of deps.get(p) ?? []) visit(d);
  };
  for (const p of deps.keys()) if (matches(p, patterns) && !matches(p, excludes)) visit(p);
  return [...chosen].sort();
}
