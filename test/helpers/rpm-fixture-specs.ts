/** Spec files for the RPM reader tests; between them they use every scriptlet form rpm 4.18 builds. */

/** base64 of a sysusers line, NUL-padded to avoid `=` as rpm's %add_sysuser does. */
export function sysusersProvide(line: string): string {
  const bytes = Buffer.from(line);
  const padded = Buffer.concat([bytes, Buffer.alloc((3 - (bytes.length % 3)) % 3)]);
  return padded.toString('base64');
}

export const alphaSysusersLine = 'u alpha - "Alpha daemon" /var/lib/alpha -';

export const alphaSpec = `Name: alpha
Version: 1.2
Release: 3
Epoch: 4
Summary: fixture
License: MIT
BuildArch: noarch
Requires: bash >= 5.0
Requires: coreutils
Requires(pre): shadow-utils
Provides: alphacap = 2.0
Provides: user(alpha) = ${sysusersProvide(alphaSysusersLine)}

%description
fixture

%pretrans
echo pretrans
%pre
getent passwd alpha >/dev/null || useradd -r alpha
exit 0
%post -p <lua>
print("post " .. arg[2])
%preun
if [ "$1" = 0 ]; then
  echo removing
fi
%postun -p /sbin/ldconfig
%posttrans -e
echo posttrans %%{name}
%verifyscript
echo verify
%triggerin -- otherpkg >= 1.0, thirdpkg
echo triggerin "$1" "$2"
%triggerun -- otherpkg < 2.0
echo triggerun
%filetriggerin -P 2000 -- /usr/lib/foo
while read f; do echo "$f"; done
%transfiletriggerin -- /usr/lib/bar /usr/share/baz
echo transfiletriggerin

%files
`;

export const betaSpec = `Name: beta
Version: 0.9~rc1
Release: 1.fc42
Summary: fixture
License: MIT
BuildArch: noarch
Provides: betacap

%description
fixture

%pretrans -p <lua>
posix.stat("/")
%pre -p "/usr/bin/perl -w"
print "pre\\n";
%post -p /bin/bash
shopt -s nullglob
for f in /etc/beta/*.conf; do echo "$f"; done
%postun -p /usr/bin/python3
import sys
print(sys.argv)
%triggerprein -- foo
echo triggerprein
%triggerpostun -p /sbin/ldconfig -- bar <= 3
%filetriggerun -- /usr/share/x
echo filetriggerun
%transfiletriggerpostun -P 5 -- /usr/share/y
echo transfiletriggerpostun

%files
`;
