/**
 * Debian, RPM and Arch (which allows `@`) package names. Anything else is refused before it reaches
 * a command line: a leading `-` would be read as an option by supermin (OCaml's Arg has no `--`),
 * and `*`, `?` or `[` would be globs to dpkg-query.
 */
const PACKAGE_NAME = /^[A-Za-z0-9_+][A-Za-z0-9_.+@-]*$/;

export function isPackageName(name: string): boolean {
  return PACKAGE_NAME.test(name);
}
