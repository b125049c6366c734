#!/bin/sh
set -e
# Automatically added by installdeb-hunspell/UNDECLARED
SCRIPT="update-dictcommon-hunspell"

if [ "$1" = "configure" ] ; then
    if which $SCRIPT > /dev/null 2>&1; then
	$SCRIPT  
    else
	echo "Error: $SCRIPT not present or executable. Missing dependency on dictionaries-common?" >&2
	exit 1
    fi
fi
# End automatically added section
if command -v dictdconfig > /dev/null 2>&1; then
    dictdconfig -w
fi
