#!/usr/bin/env bash
# Vagrant provisioning: installs Cairn from the rsynced source and starts this VM's role under systemd.
#   vagrant/provision.sh ROLE IP MASTER_URL
set -euo pipefail
role=$1 ip=$2 master=$3
src=/opt/cairn-src
case "$role" in
  master)   "$src/deploy/install.sh" --role master --bind 0.0.0.0 --port 5000 ;;
  datanode) "$src/deploy/install.sh" --role datanode --bind 0.0.0.0 --port 6000 \
              --advertise "http://$ip:6000" --master "$master" ;;
  client)   "$src/deploy/install.sh" --role client --master "$master" --mountpoint /mnt/cairn ;;
  *) echo "provision.sh: unknown role $role" >&2; exit 2 ;;
esac
