#!/usr/bin/env bash
# Measures Cairn through its FUSE mount against a local directory and a bindfs passthrough, in one
# run on this machine: sequential write (dd bs=1M conv=fsync) and read, then small files (create,
# stat, read). Prints a Markdown table with ratios. Needs root (drop_caches) and bindfs.
#   bench/fuse-bench.sh [--size-mib 1024] [--files 2000] [--replication 2]
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
size_mib=1024 files=2000 repl=2
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) size_mib=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    --replication) repl=$2; shift 2 ;;
    *) echo "usage: $0 [--size-mib N] [--files N] [--replication N]" >&2; exit 2 ;;
  esac
done
command -v bindfs >/dev/null || { echo "bench: bindfs is missing: apt-get install -y bindfs" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench: python3 is missing (used for the small-file loop)" >&2; exit 2; }
"$root/bin/install-deps"

work=$(mktemp -d /var/tmp/cairn-bench.XXXXXX)
pids=()
cleanup() {
  set +e
  for m in "$work/mnt-cairn" "$work/mnt-bindfs"; do
    mountpoint -q "$m" && { fusermount -u "$m" 2>/dev/null || umount -l "$m"; }
  done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
mkdir -p "$work"/{local,bindfs-src,mnt-bindfs,mnt-cairn,logs}

wait_url() { # file -> the URL the process printed once it was up
  local f=$1 i
  for i in $(seq 1 600); do
    if [ -f "$f" ] && grep -qE 'at http://[0-9.:]+,' "$f"; then grep -oE 'http://[0-9.:]+' "$f" | head -1; return 0; fi
    sleep 0.1
  done
  echo "bench: timed out waiting for $f to say where it listens" >&2; cat "$f" >&2; exit 1
}

"$root/bin/cairn" master --port 0 --data "$work/master" --replication "$repl" 2>"$work/logs/master.err" & pids+=($!)
master=$(wait_url "$work/logs/master.err")
for i in 1 2 3; do
  "$root/bin/cairn" datanode --port 0 --data "$work/dn$i" --master "$master" 2>"$work/logs/dn$i.err" & pids+=($!)
  wait_url "$work/logs/dn$i.err" >/dev/null
done
for i in $(seq 1 100); do
  [ "$("$root/bin/cairn" nodes --json --master "$master" | grep -c '"live"')" -ge 3 ] && break; sleep 0.2
done
"$root/bin/cairn" mount "$work/mnt-cairn" --master "$master" 2>"$work/logs/mount.err" & mount_pid=$!; pids+=($mount_pid)
for i in $(seq 1 200); do mountpoint -q "$work/mnt-cairn" && break; sleep 0.1; done
mountpoint -q "$work/mnt-cairn" || { echo "bench: cairn mount failed" >&2; cat "$work/logs/mount.err" >&2; exit 1; }
bindfs -o big_writes "$work/bindfs-src" "$work/mnt-bindfs"

drop() { sync; [ -w /proc/sys/vm/drop_caches ] && echo 3 > /proc/sys/vm/drop_caches || true; }
secs() { python3 -c 'import sys,time; print(time.time())'; }

declare -A W R C S RD
for t in local bindfs cairn; do
  case $t in local) d="$work/local" ;; bindfs) d="$work/mnt-bindfs" ;; cairn) d="$work/mnt-cairn" ;; esac
  drop
  a=$(secs); dd if=/dev/zero of="$d/big" bs=1M count="$size_mib" conv=fsync status=none; b=$(secs)
  W[$t]=$(python3 -c "print(round($size_mib/($b-$a),1))")
  drop
  a=$(secs); dd if="$d/big" of=/dev/null bs=1M status=none; b=$(secs)
  R[$t]=$(python3 -c "print(round($size_mib/($b-$a),1))")
  rm -f "$d/big"
  read -r c s r < <(python3 - "$d/small" "$files" <<'PY'
import os, sys, time
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d, exist_ok=True)
data = os.urandom(4096)
t = time.time()
for i in range(n):
    with open(f"{d}/f{i:05d}", "wb") as f:
        f.write(data)
c = n / (time.time() - t)
t = time.time()
for i in range(n):
    os.stat(f"{d}/f{i:05d}")
s = n / (time.time() - t)
t = time.time()
for i in range(n):
    with open(f"{d}/f{i:05d}", "rb") as f:
        assert len(f.read()) == 4096
r = n / (time.time() - t)
print(round(c), round(s), round(r))
PY
)
  C[$t]=$c; S[$t]=$s; RD[$t]=$r
  rm -rf "$d/small"
done
rss=$(grep VmHWM /proc/$(pgrep -f "io.cairn.cli.Main mount $work/mnt-cairn" | head -1)/status | awk '{print $2}')
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
cat <<TABLE
| measure ($size_mib MiB, $files x 4 KiB, R=$repl) | local dir | bindfs | cairn | cairn/local | cairn/bindfs |
|---|---|---|---|---|---|
| sequential write MB/s (dd bs=1M conv=fsync) | ${W[local]} | ${W[bindfs]} | ${W[cairn]} | $(ratio ${W[cairn]} ${W[local]}) | $(ratio ${W[cairn]} ${W[bindfs]}) |
| sequential read MB/s (cold cache) | ${R[local]} | ${R[bindfs]} | ${R[cairn]} | $(ratio ${R[cairn]} ${R[local]}) | $(ratio ${R[cairn]} ${R[bindfs]}) |
| create 4 KiB files/s | ${C[local]} | ${C[bindfs]} | ${C[cairn]} | $(ratio ${C[cairn]} ${C[local]}) | $(ratio ${C[cairn]} ${C[bindfs]}) |
| stat files/s | ${S[local]} | ${S[bindfs]} | ${S[cairn]} | $(ratio ${S[cairn]} ${S[local]}) | $(ratio ${S[cairn]} ${S[bindfs]}) |
| read 4 KiB files/s | ${RD[local]} | ${RD[bindfs]} | ${RD[cairn]} | $(ratio ${RD[cairn]} ${RD[local]}) | $(ratio ${RD[cairn]} ${RD[bindfs]}) |

mount peak RSS (VmHWM): $((rss / 1024)) MiB
aim: write >= 0.60 x local / R = $(python3 -c "print(round(0.6*${W[local]}/$repl,1))") MB/s; read >= 0.5 x bindfs = $(python3 -c "print(round(0.5*${R[bindfs]},1))") MB/s; create >= 500 files/s
TABLE
