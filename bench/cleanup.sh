# Sourced by the bench scripts: on exit, unmount every directory in $mounts, stop every process in
# $pids (newest first; SIGKILL after 10 s) and remove $work.
cleanup() {
  set +e
  for m in "${mounts[@]}"; do
    mountpoint -q "$m" && { fusermount -u "$m" 2>/dev/null || umount -l "$m"; }
  done
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[i]}" 2>/dev/null; done
  for p in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
