post_install() {
  ssh-keygen -A
}
