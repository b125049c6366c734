#!/bin/sh
set -e
if [ "$1" = configure ]; then
    if ! getent passwd _chrony > /dev/null; then
        adduser --system --quiet --group --home /var/lib/chrony --no-create-home --gecos "Chrony daemon" _chrony
    fi
fi
exit 0
