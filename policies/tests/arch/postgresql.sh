post_install() {
  systemd-sysusers postgresql.conf
  systemd-tmpfiles --create postgresql.conf
  cat <<MSG
==> Initialise the cluster: su - postgres -c "initdb -D /var/lib/postgres/data"
MSG
}

post_upgrade() {
  if (( $(vercmp $2 16) < 0 )); then
    echo "==> a major upgrade needs pg_upgrade"
  fi
}
