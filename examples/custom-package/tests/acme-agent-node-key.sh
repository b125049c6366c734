#!/bin/sh
set -e

if [ "$1" = configure ] && [ ! -e /etc/acme/node.key ]; then
    acme-agent --new-node-key /etc/acme/node.key
fi
