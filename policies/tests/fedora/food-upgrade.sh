if [ "$1" -gt 1 ]; then
    /usr/libexec/food/migrate-state >/dev/null 2>&1 || :
fi
