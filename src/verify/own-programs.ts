/**
 * Programs a package ships and its scripts run by bare name (`update-exim4defaults --init` in
 * exim4-config's postinst, `make-ssl-cert` in ssl-cert's, `pg_updatedicts` in
 * postgresql-common's). What such a program writes is part of what the deferred script does, as
 * much as a file the script sources. Only the package's own files count: a deferred script that
 * calls adduser does not thereby explain every change adduser could make.
 */

/** The PATH dpkg gives maintainer scripts, in its order. */
export const MAINTSCRIPT_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'] as const;

/** Where a merged-/usr system finds what a package lists under /bin, /sbin or /lib. */
function mergedUsr(path: string): string {
  return /^\/(bin|sbin|lib[^/]*)\//.test(path) ? `/usr${path}` : path;
}

/**
 * `resolve(package, name)`: the absolute path of the program `name` as a maintainer script's PATH
 * finds it, when `package` lists that path among its files; otherwise undefined.
 * `listFiles` gives a package's file list (dpkg's info/PACKAGE.list), undefined when unknown.
 */
export function ownProgramResolver(listFiles: (pkg: string) => readonly string[] | undefined): (pkg: string, name: string) => string | undefined {
  const lists = new Map<string, Set<string>>();
  const own = (pkg: string): Set<string> => {
    let set = lists.get(pkg);
    if (!set) {
      set = new Set((listFiles(pkg) ?? []).map(mergedUsr));
      lists.set(pkg, set);
    }
    return set;
  };
  return (pkg, name) => {
    if (name === '' || name.includes('/')) return undefined;
    const files = own(pkg);
    for (const dir of MAINTSCRIPT_PATH) {
      const path = `${dir}/${name}`;
      if (files.has(mergedUsr(path))) return mergedUsr(path);
    }
    return undefined;
  };
}

/** The lines of a dpkg file list that name paths. */
export function parseDpkgList(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('/') && l !== '/.');
}
