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
  | 'dictionaries-common'
  /** X11 and Ghostscript font indexes (update-fonts-dir/-alias/-scale DIR, update-gsfontmap); args: the tool line */
  | 'font-indexes'
  /** udev's compiled hardware database (systemd-hwdb --usr update) */
  | 'hwdb';

/**
 * A test on a path the action depends on (`[ ! -e /etc/foo ] && touch /etc/foo`): the applier
 * decides it on the image as built so far, and applies the action only when every one holds.
 * `test` is the shell test letter (e: exists, f: regular file, d: directory, h: symbolic link),
 * or `statoverride`: dpkg's statoverride database has an entry for the path
 * (`dpkg-statoverride --list PATH` succeeds); `holds` false means the script tests the negation.
 */
export interface PathCondition {
  path: string;
  test: 'e' | 'f' | 'd' | 'h' | 'statoverride';
  holds: boolean;
  /**
   * The script and condition text the test belongs to. A script tests once and then runs the
   * whole block (`touch F; chown F; chmod F`), so tests of one scope are decided once, before
   * the first action of the block changes what they look at.
   */
  scope: string;
}

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
      /** The script runs the tool only when `getent passwd NAME` finds no such user, so an existing one of any kind is left alone. */
      ifAbsent?: boolean;
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
  | { kind: 'directory'; path: string; mode?: number; owner?: string; group?: string; when?: PathCondition[] }
  | { kind: 'path-attr'; path: string; mode?: number; owner?: string; group?: string; statoverride?: boolean; when?: PathCondition[] }
  | { kind: 'symlink'; path: string; target: string; when?: PathCondition[] }
  | { kind: 'remove'; path: string; recursive: boolean; when?: PathCondition[] }
  | {
      kind: 'tmpfiles';
      config: string;
      /** inline tmpfiles.d lines (e.g. `touch` as `f PATH`), when not a file; realised at build time or deferred */
      lines?: string[];
      when?: PathCondition[];
    }
  | { kind: 'sysusers'; config: string; /** inline sysusers.d lines, when not a file */ lines?: string[] }
  | { kind: 'cache'; cache: CacheKind; args?: string[] }
  | { kind: 'debconf-register'; template: string; question?: string }
  /**
   * `ucf [--three-way] TEMPLATE PATH` (dh_ucf): on a path with no file and no checksum recorded,
   * ucf copies the package's template there (`cp -p`) and records its md5sum in
   * /var/lib/ucf/hashfile (and the template in ucf's cache) for later upgrades to compare against.
   */
  | { kind: 'ucf'; template: string; path: string; threeWay: boolean }
  /** `ucfr [--force] PACKAGE PATH`: records PACKAGE as the owner of PATH in /var/lib/ucf/registry. */
  | { kind: 'ucf-register'; package: string; path: string; force: boolean }
  | { kind: 'conffile-op'; op: 'rm_conffile' | 'mv_conffile' | 'symlink_to_dir' | 'dir_to_symlink'; args: string[] };

export type ActionKind = Action['kind'];
