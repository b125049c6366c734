#!/bin/sh
set -e
. /usr/share/debconf/confmodule
create_key() {
	file="$1"
	shift
	if [ ! -f "$file" ] ; then
		ssh-keygen -q -f "$file" -N '' "$@"
	fi
}
if [ "$1" = configure ]; then
	create_key /etc/ssh/ssh_host_ed25519_key -t ed25519
fi
