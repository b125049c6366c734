#!/bin/sh
set -e
case "$1" in
    configure)
        if [ -n "$2" ] && dpkg --compare-versions "$2" lt 2.0-1; then
            mv /var/lib/foo/old.db /var/lib/foo/new.db
        fi
        if dpkg --compare-versions "$2" gt-nl 1.0 ; then
            :
        else
            rm -rf /var/cache/foo-legacy
        fi
        ;;
    abort-upgrade|abort-remove|abort-deconfigure)
        ;;
    *)
        echo "postinst called with unknown argument \`$1'" >&2
        exit 1
        ;;
esac
exit 0
