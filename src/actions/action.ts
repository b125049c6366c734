/**
 * Declarative actions a translated script part turns into. Each kind has a translator (from the
 * analysis, in policy/translators) and an applier (into a staging root, in apply/).
 * Ownership and modes are recorded here and realised in the overlay archive, never by chown on the host.
 */

export type CacheKind =
  | 'ldconfig'
  | 'fontconfig'
  | 'icons'
  | 'mime'
  | 'desktop'
  | 'gio-modules'
  | 'gdk-pixbuf'
  | 'glib-schemas'
  | 'depmod'
  | 'python-bytecode'
  | 'man-db'
  | 'ca-certificates'
  | 'initramfs'
  /** emacsen-common add-on installs (byte-compilation per installed Emacs flavour); args: the add-on package */
  | 'emacs-add-ons'
  /** dictd's database list (dictdconfig -w) */
  | 'dictd'
  /** dictionaries-common's registries and defaults; args: the tool and its options */
  | 'dictionaries-common';

export type Action =
  | {
      kind: 'user';
      name: string;
      system: boolean;
      uid?: number;
      /** Primary group name (created when `createGroup`). */
      group?: string;
      createGroup?: boolean;
      home?: string;
      createHome?: boolean;
      shell?: string;
      gecos?: string;
    }
  | { kind: 'group'; name: string; system: boolean; gid?: number }
  | { kind: 'group-member'; group: string; user: string }
  | { kind: 'systemd-enable'; unit: string; /** user units (dh_installsystemduser) */ user?: boolean }
  | { kind: 'systemd-preset'; unit: string }
  | { kind: 'sysv-enable'; script: string; args: string[] }
  | {
      kind: 'alternative';
      name: string;
      link: string;
      path: string;
      priority: number;
      slaves: { name: string; link: string; path: string }[];
    }
  | { kind: 'directory'; path: string; mode?: number; owner?: string; group?: string }
  | { kind: 'path-attr'; path: string; mode?: number; owner?: string; group?: string; statoverride?: boolean }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'remove'; path: string; recursive: boolean }
  | { kind: 'tmpfiles'; config: string }
  | { kind: 'sysusers'; config: string; /** inline sysusers.d lines, when not a file */ lines?: string[] }
  | { kind: 'cache'; cache: CacheKind; args?: string[] }
  | { kind: 'debconf-register'; template: string; question?: string }
  | { kind: 'conffile-op'; op: 'rm_conffile' | 'mv_conffile' | 'symlink_to_dir' | 'dir_to_symlink'; args: string[] };

export type ActionKind = Action['kind'];
