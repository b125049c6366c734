post_install() {
  echo ">>> systemctl enable --now foo.service to start it"
}
