getent group 'food' >/dev/null || groupadd -r 'food' || :
getent passwd 'food' >/dev/null || useradd -r -g 'food' -d '/var/lib/food' -s '/usr/sbin/nologin' -c 'Food daemon' 'food' || :
exit 0
