#!/bin/sh
set -e
if [ "$1" = configure ] && dpkg --compare-versions "$2" lt 1.4; then
    # dpkg(1): an empty version is earlier than any version, so this also runs on a fresh install.
    rm -rf "$STATE_DIR"
fi
