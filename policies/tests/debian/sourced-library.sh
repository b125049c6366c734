#!/bin/bash
set -e
source /usr/share/debian-edu-router/debian-edu-router.common
debug_log "configuring"
is_vlanid "${_vlanid}"
