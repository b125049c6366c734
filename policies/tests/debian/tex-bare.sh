#!/bin/sh
set -e
# Automatically added by dh_installtex/1
case "$1" in
    configure|abort-upgrade|abort-remove|abort-deconfigure)
        update-texmf-config 
    ;;
esac
# End automatically added section
