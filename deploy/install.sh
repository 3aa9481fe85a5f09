#!/usr/bin/env bash
# Installs Cairn on a Debian 12 server from this source tree and runs one role as a systemd service.
#   deploy/install.sh --role master   --bind ADDR --tls-cert FILE --tls-key FILE [--port 5000] [--data DIR]
#   deploy/install.sh --role datanode --bind ADDR --master URL --advertise URL --join-token-file FILE
#                     --tls-cert FILE --tls-key FILE --tls-ca FILE [--port 6000] [--data DIR]
#   deploy/install.sh --role client   --master URL --token-file FILE --tls-ca FILE [--mountpoint /mnt/cairn]
# Options: --prefix DIR (default /opt/cairn), --no-systemd (install only; do not write units or start),
# --insecure-http (a master or datanode serves plain HTTP on a non-loopback --bind: tokens and data in the clear).
# TLS: cairn admin tls init DIR --host NAME,IP (once per host) makes ca.pem (--tls-ca) and HOST.pem/HOST.key
# (--tls-cert/--tls-key); they are copied to /etc/cairn/tls, the key 0600 for the service user.
# The master and datanodes run as the system user cairn, with only their data directory writable.
# A datanode enrolls once with a join token (on the master host: cairn admin join-token --token-file
# DATA/admin.token --out FILE); a client mounts with a token (cairn admin token create NAME --read-write).
# Safe to run again: it rebuilds only what is missing and restarts the service.
set -euo pipefail
src="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
role="" master="" bind="" advertise="" port="" data="" mountpoint="/mnt/cairn" prefix="/opt/cairn" systemd=1
join="" token="" tls_cert="" tls_key="" tls_ca="" insecure=0
die() { echo "install.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --role) role=${2:-}; shift 2 ;;
    --master) master=${2:-}; shift 2 ;;
    --bind) bind=${2:-}; shift 2 ;;
    --advertise) advertise=${2:-}; shift 2 ;;
    --port) port=${2:-}; shift 2 ;;
    --data) data=${2:-}; shift 2 ;;
    --mountpoint) mountpoint=${2:-}; shift 2 ;;
    --join-token-file) join=${2:-}; shift 2 ;;
    --token-file) token=${2:-}; shift 2 ;;
    --tls-cert) tls_cert=${2:-}; shift 2 ;;
    --tls-key) tls_key=${2:-}; shift 2 ;;
    --tls-ca) tls_ca=${2:-}; shift 2 ;;
    --insecure-http) insecure=1; shift ;;
    --prefix) prefix=${2:-}; shift 2 ;;
    --no-systemd) systemd=0; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
if { [ -n "$tls_cert" ] && [ -z "$tls_key" ]; } || { [ -z "$tls_cert" ] && [ -n "$tls_key" ]; }; then
  die "--tls-cert FILE and --tls-key FILE go together"
fi
if [ -n "$tls_cert" ]; then scheme=https; else scheme=http; fi
# a server off loopback needs TLS (or --insecure-http): say so here rather than in a failing service
needs_tls() {
  case "$bind" in 127.*|::1|localhost) return 0 ;; esac
  [ "$systemd" -eq 0 ] || [ -n "$tls_cert" ] || [ "$insecure" -eq 1 ] || die "--role $role on $bind needs --tls-cert FILE"\
" --tls-key FILE (cairn admin tls init DIR --host NAME,$bind makes them), or --insecure-http to serve plain HTTP"
}
case "$role" in
  master) port=${port:-5000}; data=${data:-/var/lib/cairn/master}
    [ -n "$bind" ] || die "--role master needs --bind ADDR (the address to serve on; nothing is exposed by default)"
    needs_tls ;;
  datanode) port=${port:-6000}; data=${data:-/var/lib/cairn/datanode}
    [ -n "$bind" ] || die "--role datanode needs --bind ADDR (the address to serve on; nothing is exposed by default)"
    [ -n "$master" ] || die "--role datanode needs --master URL"
    [ -n "$advertise" ] || die "--role datanode needs --advertise URL (how other hosts reach it, e.g. $scheme://10.0.0.11:$port)"
    [ "$systemd" -eq 0 ] || [ -n "$join" ] || [ -f "$data/node.key" ] || die "--role datanode needs --join-token-file FILE"\
" (on the master host: cairn admin join-token --token-file MASTER_DATA/admin.token --out FILE)"
    needs_tls ;;
  client) [ -n "$master" ] || die "--role client needs --master URL"
    [ "$systemd" -eq 0 ] || [ -n "$token" ] || die "--role client needs --token-file FILE"\
" (on the master host: cairn admin token create NAME --read-write --token-file MASTER_DATA/admin.token --out FILE)" ;;
  "") die "--role master|datanode|client is required" ;;
  *) die "unknown role '$role' (master, datanode or client)" ;;
esac

# 1. packages: a JDK and Maven to build, libfuse2 + fuse3 to mount
if [ "$(id -u)" -eq 0 ]; then
  "$src/bin/install-deps"
fi

# 2. build (once) and copy the launcher and its jars under the prefix
if [ ! -f "$src/cli/target/cairn-cli.jar" ] || [ ! -d "$src/cli/target/lib" ]; then
  (cd "$src" && mvn -B -q -DskipTests package)
fi
mkdir -p "$prefix/bin" "$prefix/share/cairn"
rm -rf "$prefix/share/cairn/lib.new"
cp -r "$src/cli/target/lib" "$prefix/share/cairn/lib.new"
rm -rf "$prefix/share/cairn/lib" && mv "$prefix/share/cairn/lib.new" "$prefix/share/cairn/lib"
install -m 0644 "$src/cli/target/cairn-cli.jar" "$prefix/share/cairn/cairn-cli.jar"
install -m 0755 "$src/bin/cairn" "$prefix/bin/cairn"
install -m 0755 "$src/bin/install-deps" "$prefix/bin/install-deps"
"$prefix/bin/cairn" --version >/dev/null || die "the installed cairn does not run"
echo "install.sh: installed $("$prefix/bin/cairn" --version) in $prefix"

# 3. configuration and the service
if [ "$systemd" -eq 0 ]; then
  echo "install.sh: --no-systemd: not writing units or starting anything"; exit 0
fi
if [ ! -d /run/systemd/system ]; then
  echo "install.sh: systemd is not running here: installed, but not started as a service"; exit 0
fi
mkdir -p /etc/cairn
# the master and datanodes run as this system user; only their data directory is theirs
if [ "$role" != client ] && ! id -u cairn >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/cairn --no-create-home --shell /usr/sbin/nologin cairn
fi
# TLS files under /etc/cairn/tls: the certificates readable, the key 0600 for the user that serves with it
tls_args=""
if [ -n "$tls_cert" ] || [ -n "$tls_ca" ]; then install -d -m 0755 /etc/cairn/tls; fi
if [ -n "$tls_cert" ]; then
  install -m 0644 "$tls_cert" /etc/cairn/tls/server.pem
  install -o cairn -g cairn -m 0600 "$tls_key" /etc/cairn/tls/server.key
  tls_args="--tls-cert /etc/cairn/tls/server.pem --tls-key /etc/cairn/tls/server.key"
elif [ "$insecure" -eq 1 ]; then
  tls_args="--insecure-http"
fi
if [ -n "$tls_ca" ]; then install -m 0644 "$tls_ca" /etc/cairn/tls/ca.pem; fi
ca_line() { if [ -n "$tls_ca" ]; then echo "CAIRN_TLS_CA=/etc/cairn/tls/ca.pem"; fi; }
case "$role" in
  master) unit=cairn-master; install -d -o cairn -g cairn -m 0700 "$data"
    printf 'CAIRN_BIN=%s\nCAIRN_PORT=%s\nCAIRN_BIND=%s\nCAIRN_DATA=%s\nCAIRN_TLS_ARGS="%s"\n' "$prefix/bin/cairn" "$port" \
      "$bind" "$data" "$tls_args" > /etc/cairn/master.env ;;
  datanode) unit=cairn-datanode; install -d -o cairn -g cairn -m 0700 "$data"
    if [ -n "$join" ]; then install -o cairn -g cairn -m 0600 "$join" /etc/cairn/join.token; fi
    { printf 'CAIRN_BIN=%s\nCAIRN_PORT=%s\nCAIRN_BIND=%s\nCAIRN_ADVERTISE=%s\nCAIRN_MASTER=%s\nCAIRN_DATA=%s\nCAIRN_JOIN_TOKEN_FILE=%s\nCAIRN_TLS_ARGS="%s"\n' \
      "$prefix/bin/cairn" "$port" "$bind" "$advertise" "$master" "$data" /etc/cairn/join.token "$tls_args"; ca_line; } \
      > /etc/cairn/datanode.env ;;
  client) unit=cairn-mount; mkdir -p "$mountpoint"
    install -m 0600 "$token" /etc/cairn/mount.token
    { printf 'CAIRN_BIN=%s\nCAIRN_MASTER=%s\nCAIRN_MOUNTPOINT=%s\nCAIRN_TOKEN_FILE=%s\n' "$prefix/bin/cairn" "$master" \
      "$mountpoint" /etc/cairn/mount.token; ca_line; } > /etc/cairn/mount.env ;;
esac
install -m 0644 "$src/deploy/systemd/$unit.service" "/etc/systemd/system/$unit.service"
if [ "$role" != client ]; then
  mkdir -p "/etc/systemd/system/$unit.service.d"
  printf '[Service]\nReadWritePaths=%s\n' "$data" > "/etc/systemd/system/$unit.service.d/data.conf"
fi
systemctl daemon-reload
systemctl enable "$unit.service" >/dev/null
systemctl restart "$unit.service"
echo "install.sh: $unit.service enabled and started (journalctl -u $unit -f)"
if [ "$role" = master ]; then
  echo "install.sh: the first admin token is written to $data/admin.token on the first start (0600, user cairn);"
  echo "  enroll a datanode: cairn admin join-token --master $scheme://$bind:$port --token-file $data/admin.token --out FILE,"
  echo "  copy FILE to the datanode host and pass it to install.sh --role datanode --join-token-file FILE"
fi
