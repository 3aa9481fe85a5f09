#!/usr/bin/env bash
# Vagrant provisioning: installs Cairn from the rsynced source and starts this VM's role under systemd.
#   vagrant/provision.sh ROLE IP MASTER_URL HOST
# The Vagrantfile made vagrant/.secrets/admin.token on the host (0600, never committed) and rsyncs it
# here: the master takes it as its first admin token; a datanode uses it only to make its own join
# token, a client its own read-write token. In a real cluster the admin token stays on the master.
# It also made the cluster CA in vagrant/.secrets/tls (cairn admin tls init): this VM serves with
# HOST.pem and HOST.key and trusts ca.pem, also for the admin commands below ($CAIRN_TLS_CA).
set -euo pipefail
role=$1 ip=$2 master=$3 host=$4
src=/opt/cairn-src
admin="$src/vagrant/.secrets/admin.token"
[ -f "$admin" ] || { echo "provision.sh: $admin is missing (the Vagrantfile makes it on the host)" >&2; exit 2; }
chmod 600 "$admin"
tls="$src/vagrant/.secrets/tls"
[ -f "$tls/$host.pem" ] || { echo "provision.sh: $tls/$host.pem is missing (the Vagrantfile makes it on the host)" >&2; exit 2; }
chmod 600 "$tls"/*.key
export CAIRN_TLS_CA="$tls/ca.pem"
server_tls=(--tls-cert "$tls/$host.pem" --tls-key "$tls/$host.key" --tls-ca "$tls/ca.pem")
cairn=/opt/cairn/bin/cairn
# runs a cairn command against the master, again while the master is not up yet (at most 4 minutes)
with_master() {
  for _ in $(seq 1 120); do
    if "$cairn" "$@"; then return 0; fi
    sleep 2
  done
  echo "provision.sh: the master at $master did not answer within 4 minutes" >&2; exit 1
}
case "$role" in
  master)
    data=/var/lib/cairn/master
    "$src/deploy/install.sh" --role master --bind "$ip" --port 5000 "${server_tls[@]}" --no-systemd
    if [ ! -f "$data/admin.token" ]; then
      install -d -m 0700 "$data"
      install -m 0600 "$admin" "$data/admin.token"
    fi
    "$src/deploy/install.sh" --role master --bind "$ip" --port 5000 "${server_tls[@]}"
    chown -R cairn:cairn "$data" ;;
  datanode)
    "$src/deploy/install.sh" --role datanode --bind "$ip" --port 6000 --advertise "https://$ip:6000" \
      --master "$master" "${server_tls[@]}" --no-systemd
    join=""
    if [ ! -f /var/lib/cairn/datanode/node.key ]; then
      join=$(mktemp -u /root/cairn-join.XXXXXX)
      with_master admin join-token --master "$master" --token-file "$admin" --out "$join"
    fi
    "$src/deploy/install.sh" --role datanode --bind "$ip" --port 6000 --advertise "https://$ip:6000" \
      --master "$master" "${server_tls[@]}" ${join:+--join-token-file "$join"}
    [ -z "$join" ] || rm -f "$join" ;;
  client)
    "$src/deploy/install.sh" --role client --master "$master" --mountpoint /mnt/cairn --tls-ca "$tls/ca.pem" --no-systemd
    token=/root/cairn-client.token
    if [ ! -f /etc/cairn/mount.token ]; then
      with_master admin token create "vagrant-$(hostname)" --read-write --master "$master" --token-file "$admin" \
        --out "$token"
    else
      cp /etc/cairn/mount.token "$token"
    fi
    "$src/deploy/install.sh" --role client --master "$master" --mountpoint /mnt/cairn --token-file "$token" \
      --tls-ca "$tls/ca.pem"
    rm -f "$token" ;;
  *) echo "provision.sh: unknown role $role" >&2; exit 2 ;;
esac
