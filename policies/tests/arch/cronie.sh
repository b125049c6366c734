note() {
  printf "==> %s\n" "$1"
}

post_install() {
  getent group cron >/dev/null || groupadd -r cron
  chown root:cron usr/bin/crontab
  chmod 4750 usr/bin/crontab
  note "enable the daemon with: systemctl enable --now cronie"
}

post_upgrade() {
  post_install
}
