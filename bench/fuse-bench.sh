#!/usr/bin/env bash
# Brings up, on this machine, what a developer holds Cairn against, and runs `cairn bench` on it all
# in one run: a Cairn cluster (1 master, 3 datanodes, R=2) with its FUSE mount, a local directory,
# a bindfs passthrough of a local directory (the cost of FUSE itself), and with --moosefs a MooseFS
# cluster (a master, 3 chunkservers, goal 2) with mfsmount, and with --tls a second Cairn cluster,
# the same but over TLS (its own CA and a certificate for 127.0.0.1), mounted as cairn-tls: the
# cost of TLS, measured in the same run. Everything lives in one temp directory and is stopped,
# unmounted and removed at the end, whatever happens.
#   bench/fuse-bench.sh [--moosefs] [--tls] [--replication N] [-- cairn bench options...]
#   bench/fuse-bench.sh --moosefs -- --size 1GiB --files 2000 --tree /usr/include
#   bench/fuse-bench.sh --tls -- --size 512MiB --steps seq-write,seq-read,create,rand-read
# Needs root for FUSE and to drop caches; installs bindfs (and MooseFS, rsync, fio) with apt-get
# when root and missing, else says what is missing and goes on without it.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
moosefs=0 tls=0 repl=2 bench_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --moosefs) moosefs=1; shift ;;
    --tls) tls=1; shift ;;
    --replication) repl=$2; shift 2 ;;
    --) shift; bench_args=("$@"); break ;;
    *) echo "usage: $0 [--moosefs] [--tls] [--replication N] [-- cairn bench options...]" >&2; exit 2 ;;
  esac
done
say() { echo "fuse-bench: $*" >&2; }

# ---- packages: install what is missing when root, else say what is missing
need=()
command -v bindfs >/dev/null || need+=(bindfs)
command -v rsync >/dev/null || need+=(rsync)
command -v fio >/dev/null || need+=(fio)
command -v git >/dev/null || need+=(git)
if [ $moosefs = 1 ]; then
  command -v mfsmaster >/dev/null || need+=(moosefs-master)
  command -v mfschunkserver >/dev/null || need+=(moosefs-chunkserver)
  command -v mfsmount >/dev/null || need+=(moosefs-client)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing ${need[*]} ..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
  else
    say "missing packages: ${need[*]} (sudo apt-get install -y ${need[*]}); going on without them"
  fi
fi
"$root/bin/install-deps"

work=$(mktemp -d /var/tmp/cairn-bench.XXXXXX)
pids=() mounts=()
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/cleanup.sh"
mkdir -p "$work"/{local,bindfs-src,logs}
targets=()

# ---- Cairn: 1 master, 3 datanodes on ports the kernel picks, mounted at $work/NAME; with --tls a
# second such cluster over TLS, each with its own data, tokens and logs under $work/NAME.d
wait_url() { # log file -> the URL the process printed once it listens
  local f=$1 i
  for i in $(seq 1 600); do
    if [ -f "$f" ] && grep -qE 'at https?://[0-9.:]+,' "$f"; then grep -oE 'at https?://[0-9.:]+,' "$f" | head -1 | grep -oE 'https?://[0-9.:]+'; return 0; fi
    sleep 0.1
  done
  say "timed out waiting for $f to say where it listens"; cat "$f" >&2; exit 1
}
declare -A mount_pids=()
start_cairn() { # NAME [tls]: a cluster in $work/NAME.d mounted at $work/NAME
  local name=$1 d="$work/$1.d" master i serve=() ca=() dns=()
  mkdir -p "$d"
  if [ "${2:-}" = tls ]; then
    # its own CA and one certificate for 127.0.0.1, which the master and the datanodes share;
    # every client, datanode and the mount checks it against ca.pem
    "$root/bin/cairn" admin tls init "$d/tls" --host 127.0.0.1 >&2
    serve=(--tls-cert "$d/tls/127.0.0.1.pem" --tls-key "$d/tls/127.0.0.1.key")
    ca=(--tls-ca "$d/tls/ca.pem")
  fi
  "$root/bin/cairn" master --port 0 --data "$d/master" --replication "$repl" "${serve[@]}" \
    2>"$work/logs/$name-master.err" & pids+=($!)
  master=$(wait_url "$work/logs/$name-master.err")
  # security is on: each datanode enrolls with a join token, and the commands and the mount use a
  # read-write token made with the admin token the master wrote on its first start
  for _ in $(seq 1 100); do [ -f "$d/master/admin.token" ] && break; sleep 0.1; done
  "$root/bin/cairn" admin token create bench --read-write --out "$d/client.token" \
    --master "$master" --token-file "$d/master/admin.token" "${ca[@]}" >&2
  for i in 1 2 3; do
    "$root/bin/cairn" admin join-token --out "$d/join$i.token" --master "$master" \
      --token-file "$d/master/admin.token" "${ca[@]}" >&2
    "$root/bin/cairn" datanode --port 0 --data "$d/dn$i" --master "$master" \
      --join-token-file "$d/join$i.token" "${serve[@]}" "${ca[@]}" 2>"$work/logs/$name-dn$i.err" & pids+=($!)
    dns+=("$(wait_url "$work/logs/$name-dn$i.err")")
  done
  for _ in $(seq 1 100); do
    [ "$("$root/bin/cairn" nodes --json --master "$master" --token-file "$d/client.token" "${ca[@]}" \
      | grep -c '"live"')" -ge 3 ] && break; sleep 0.2
  done
  mkdir -p "$work/$name"; mounts+=("$work/$name")
  "$root/bin/cairn" mount "$work/$name" --master "$master" --token-file "$d/client.token" "${ca[@]}" \
    2>"$work/logs/$name-mount.err" & mount_pids[$name]=$!; pids+=($!)
  for _ in $(seq 1 200); do mountpoint -q "$work/$name" && break; sleep 0.1; done
  mountpoint -q "$work/$name" || { say "the $name mount failed"; cat "$work/logs/$name-mount.err" >&2; exit 1; }
  say "$name: master at $master, datanodes at ${dns[*]}, mounted at $work/$name"
}
start_cairn cairn
targets+=("$work/cairn")
if [ $tls = 1 ]; then
  start_cairn cairn-tls tls
  targets+=(--compare "$work/cairn-tls")
fi
targets+=(--compare "$work/local")

# ---- bindfs: FUSE passing straight through to a local directory
if command -v bindfs >/dev/null; then
  mkdir -p "$work/bindfs"; mounts+=("$work/bindfs")
  bindfs -o big_writes "$work/bindfs-src" "$work/bindfs"
  targets+=(--compare "$work/bindfs")
else
  say "bindfs is not installed: no bindfs column"
fi

# ---- MooseFS: a master and 3 chunkservers with their configuration in $work/mfs, never in /etc.
# MooseFS 3.0 refuses loopback between chunkserver and master: a chunkserver will not connect to a
# master at 127.0.0.1 ("use ip address of network controller"), and the master drops a chunkserver
# that announces a 127.0.0.0/8 address. So the chunkservers connect to 0.0.0.0 (which reaches the
# master listening on 127.0.0.1) and listen on this machine's own address, which the mount and the
# other chunkservers reach through the loopback device all the same.
if [ $moosefs = 1 ]; then
  ip=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9.]+$' | grep -v '^127\.' | head -1 || true)
  if ! command -v mfsmaster >/dev/null || ! command -v mfschunkserver >/dev/null || ! command -v mfsmount >/dev/null; then
    say "MooseFS is not installed: no moosefs column"
  elif [ -z "$ip" ]; then
    say "MooseFS refuses chunkservers on 127.0.0.0/8 and this machine has no other IPv4 address: no moosefs column"
  else
    m="$work/mfs/master" base=$((20000 + RANDOM % 20000))
    mkdir -p "$m"
    cat > "$m/mfsmaster.cfg" <<EOF
WORKING_USER = root
WORKING_GROUP = root
DATA_PATH = $m
EXPORTS_FILENAME = $m/mfsexports.cfg
TOPOLOGY_FILENAME = $m/mfstopology.cfg
MATOML_LISTEN_HOST = 127.0.0.1
MATOML_LISTEN_PORT = $base
MATOCS_LISTEN_HOST = 127.0.0.1
MATOCS_LISTEN_PORT = $((base + 1))
MATOCL_LISTEN_HOST = 127.0.0.1
MATOCL_LISTEN_PORT = $((base + 2))
EOF
    echo "127.0.0.1 / rw,alldirs,maproot=0" > "$m/mfsexports.cfg"
    : > "$m/mfstopology.cfg"
    cp /var/lib/mfs/metadata.mfs.empty "$m/metadata.mfs"
    mfsmaster -c "$m/mfsmaster.cfg" -f start >"$work/logs/mfsmaster.log" 2>&1 & pids+=($!)
    for _ in $(seq 1 100); do grep -q "initialized properly" "$work/logs/mfsmaster.log" && break; sleep 0.1; done
    for i in 1 2 3; do
      c="$work/mfs/cs$i"
      mkdir -p "$c/data"
      cat > "$c/mfschunkserver.cfg" <<EOF
WORKING_USER = root
WORKING_GROUP = root
DATA_PATH = $c
HDD_CONF_FILENAME = $c/mfshdd.cfg
HDD_LEAVE_SPACE_DEFAULT = 1GiB
MASTER_HOST = 0.0.0.0
MASTER_PORT = $((base + 1))
CSSERV_LISTEN_HOST = $ip
CSSERV_LISTEN_PORT = $((base + 2 + i))
EOF
      echo "$c/data" > "$c/mfshdd.cfg"
      mfschunkserver -c "$c/mfschunkserver.cfg" -f start >"$work/logs/mfscs$i.log" 2>&1 & pids+=($!)
    done
    for _ in $(seq 1 300); do
      [ "$(grep -c 'chunkserver register end' "$work/logs/mfsmaster.log")" -ge 3 ] && break; sleep 0.1
    done
    mkdir -p "$work/moosefs"; mounts+=("$work/moosefs")
    mfsmount "$work/moosefs" -H 127.0.0.1 -P $((base + 2)) -o mfscfgfile=/dev/null >"$work/logs/mfsmount.log" 2>&1
    mfssetgoal -r 2 "$work/moosefs" >/dev/null
    targets+=(--compare "$work/moosefs")
  fi
fi

# ---- the run
set +e
"$root/bin/cairn" bench "${targets[@]}" --work "$work" "${bench_args[@]}"
code=$?
set -e
echo
for name in cairn cairn-tls; do
  [ -n "${mount_pids[$name]:-}" ] || continue
  rss=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/${mount_pids[$name]}/status" 2>/dev/null || true)
  over=plain; [ $name = cairn-tls ] && over=TLS
  echo "$name: 1 master + 3 datanodes on this machine, R=$repl, over $over; the mount's peak RSS (VmHWM): ${rss:-?} MiB"
done
exit $code
