#!/bin/sh
set -e
if [ "$1" = "configure" ]; then
	if [ "$2" = "" ] && [ ! -f "$DPKG_ROOT/var/log/faillog" ] ; then
		touch "$DPKG_ROOT/var/log/faillog"
		chown 0:0 "$DPKG_ROOT/var/log/faillog"
		chmod 644 "$DPKG_ROOT/var/log/faillog"
	fi
	if ! dpkg-statoverride --list /usr/bin/ssh-agent >/dev/null; then
		chgrp _ssh /usr/bin/ssh-agent
	fi
fi
exit 0
