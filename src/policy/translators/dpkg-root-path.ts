/**
 * `"$DPKG_ROOT/etc/foo"`, `${DPKG_ROOT}/etc/foo`, `"$DPKG_ROOT"/etc/foo`: dpkg sets DPKG_ROOT to
 * the root it installs into, which is empty for an install into the image itself, so the path is
 * the literal rest. Anything else expanded in the word keeps it dynamic (undefined).
 */
export function dpkgRootPath(text: string): string | undefined {
  const m = /^\$(?:DPKG_ROOT|\{DPKG_ROOT\})(\/[A-Za-z0-9._+@:,=/-]*)$/.exec(text.replace(/"/g, ''));
  return m ? m[1] : undefined;
}
