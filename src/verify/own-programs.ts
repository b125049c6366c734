/**
 * Programs a package ships and its scripts run by bare name (`update-exim4defaults --init` in
 * exim4-config's postinst, `make-ssl-cert` in ssl-cert's, `pg_updatedicts` in
 * postgresql-common's). What such a program writes is part of what the deferred script does, as
 * much as a file the script sources. Only the package's own files count: a deferred script that
 * calls adduser does not thereby explain every change adduser could make.
 */
import { PATH_DIRS, pathSpellings } from '../build/check-deferred-tools.js';

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
      set = new Set(listFiles(pkg) ?? []);
      lists.set(pkg, set);
    }
    return set;
  };
  return (pkg, name) => {
    if (name === '' || name.includes('/')) return undefined;
    const files = own(pkg);
    // A package that predates merged /usr lists /sbin/x; the image has it as /usr/sbin/x too.
    return PATH_DIRS.map((d) => `${d}/${name}`).find((p) => pathSpellings(p).some((s) => files.has(s)));
  };
}

/** The lines of a dpkg file list that name paths. */
export function parseDpkgList(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('/') && l !== '/.');
}
