#!/usr/bin/env bash
# What the mount's metrics cost: one Cairn cluster (1 master, 3 datanodes, R=2, ports the kernel
# picks) with two mounts on it, one with --metrics-port 0 and one without, measured alternately in
# the same run: creating N small files, then a sequential write (with fsync) and read of SIZE MiB.
#   bench/metrics-cost.sh [ROUNDS] [FILES] [SIZE_MIB]      (default: 3 500 256)
# Needs FUSE (root). Everything lives in one temp directory, removed at the end whatever happens.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
rounds=${1:-3} files=${2:-500} size=${3:-256}
cairn="$root/bin/cairn"
work=$(mktemp -d /var/tmp/cairn-metrics-cost.XXXXXX)
pids=() mounts=()
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/cleanup.sh"
wait_url() { # log file -> the URL the process printed once it listens
  for _ in $(seq 1 600); do
    if grep -qE 'at https?://[0-9.:]+,' "$1" 2>/dev/null; then grep -oE 'https?://[0-9.:]+' "$1" | head -1; return 0; fi
    sleep 0.1
  done
  echo "timed out waiting for $1" >&2; cat "$1" >&2; exit 1
}
"$cairn" master --port 0 --data "$work/master" --replication 2 2>"$work/master.err" & pids+=($!)
master=$(wait_url "$work/master.err")
for _ in $(seq 1 100); do [ -f "$work/master/admin.token" ] && break; sleep 0.1; done
tok="$work/master/admin.token"
for i in 1 2 3; do
  "$cairn" admin join-token --out "$work/join$i.token" --master "$master" --token-file "$tok" >&2
  "$cairn" datanode --port 0 --data "$work/dn$i" --master "$master" --join-token-file "$work/join$i.token" \
    2>"$work/dn$i.err" & pids+=($!)
  wait_url "$work/dn$i.err" >/dev/null
done
for _ in $(seq 1 100); do
  [ "$("$cairn" nodes --json --master "$master" --token-file "$tok" | grep -c '"live"')" -ge 3 ] && break; sleep 0.2
done
mount_one() { # NAME [mount options...]
  local name=$1; shift
  mkdir -p "$work/$name"; mounts+=("$work/$name")
  "$cairn" mount "$work/$name" --master "$master" --token-file "$tok" "$@" 2>"$work/$name.err" & pids+=($!)
  for _ in $(seq 1 200); do mountpoint -q "$work/$name" && break; sleep 0.1; done
  mountpoint -q "$work/$name" || { echo "the $name mount failed" >&2; cat "$work/$name.err" >&2; exit 1; }
}
mount_one plain
mount_one metrics --metrics-port 0
grep -o 'metrics on [^ ]*' "$work/metrics.err" >&2
secs() { local t0 t1; t0=$(date +%s.%N); "$@"; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
drop() { sync; [ -w /proc/sys/vm/drop_caches ] && echo 3 > /proc/sys/vm/drop_caches || true; }
creates() { (cd "$1" && mkdir "$3$2" && for i in $(seq 1 "$files"); do echo "$i" > "$3$2/f$i"; done); }
printf '%-8s %5s %12s %12s %12s\n' mount round "create(s)" "write MB/s" "read MB/s"
for r in $(seq 1 "$rounds"); do
  for name in plain metrics; do
    d="$work/$name"
    c=$(secs creates "$d" "$r" "$name")
    w=$(secs dd if=/dev/zero of="$d/big-$name$r" bs=1M count="$size" conv=fsync status=none)
    drop
    rd=$(secs dd if="$d/big-$name$r" of=/dev/null bs=1M status=none)
    rm -f "$d/big-$name$r"
    printf '%-8s %5d %12.2f %12.0f %12.0f\n' "$name" "$r" "$c" "$(echo "$size*1.048576/$w" | bc -l)" \
      "$(echo "$size*1.048576/$rd" | bc -l)"
  done
done
curl -s "$(grep -oE 'http://[0-9.:]+/metrics' "$work/metrics.err")" \
  | grep -E '^cairn_mount_fuse_op_duration_seconds_(count|sum)\{op="(write|read|create)"\}' >&2 || true
