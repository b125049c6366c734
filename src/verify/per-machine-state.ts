/**
 * Files whose content differs between any two installs of the same packages, on any machine:
 * each is made from fresh randomness (or the clock) when its package's script runs. `verify
 * --first-boot` accepts a difference in their content only; their type, mode, owner, group and
 * presence must still match the reference. The one list; the report names the entry that applied.
 */
import { Minimatch } from 'minimatch';

export interface PerMachineState {
  /** minimatch patterns over absolute image paths. */
  patterns: string[];
  reason: string;
}

export const perMachineState: readonly PerMachineState[] = [
  {
    patterns: ['/etc/ssh/ssh_host_*_key', '/etc/ssh/ssh_host_*_key.pub'],
    reason: "SSH host keys: openssh-server's postinst generates them with ssh-keygen from fresh randomness",
  },
  {
    patterns: ['/etc/ssl/private/ssl-cert-snakeoil.key', '/etc/ssl/certs/ssl-cert-snakeoil.pem'],
    reason: "ssl-cert's snakeoil key and self-signed certificate: make-ssl-cert generates a new key and dates the certificate when it runs",
  },
  {
    patterns: ['/var/lib/postgresql/*/*/global/pg_control', '/var/lib/postgresql/*/*/pg_wal/[0-9A-F]*', '/var/lib/postgresql/*/*/pg_stat/pgstat.stat'],
    reason:
      "a PostgreSQL cluster's control file, write-ahead log and statistics file: initdb (pg_createcluster in postgresql's postinst) gives every cluster a system identifier made from the clock and a random number, and they record that identifier and the times of its checkpoints",
  },
  {
    patterns: ['/var/lib/systemd/random-seed', '/var/lib/urandom/random-seed'],
    reason: 'saved entropy for the random number generator: fresh bytes on every machine',
  },
];

const compiled = perMachineState.map((e) => ({ e, matchers: e.patterns.map((p) => new Minimatch(p, { dot: true })) }));

/** The per-machine entry covering `path`, if any. */
export function perMachineFor(path: string): PerMachineState | undefined {
  return compiled.find((c) => c.matchers.some((m) => m.match(path)))?.e;
}
