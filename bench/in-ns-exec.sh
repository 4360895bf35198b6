#!/bin/bash
# Used by bench/lib/docker-host.ts: runs *inside* `ip netns exec NS` (a private mount namespace,
# slave to the machine's). `ip netns exec` remounts /sys for the namespace, which hides the cgroup
# hierarchies dockerd/containerd/runc need. Mount the same hierarchies again (read from PID 1's
# mountinfo, so they are the machine's own cgroup trees) and exec the command. Nothing propagates
# back to the machine's mount namespace.
set -euo pipefail
if ! mountpoint -q /sys/fs/cgroup; then
  mount -t tmpfs -o mode=755 cgroup-root /sys/fs/cgroup
  while read -r _ _ _ _ mountpoint _rest; do
    case "$mountpoint" in /sys/fs/cgroup/*) ;; *) continue ;; esac
    fields=${_rest#*- }            # after the " - " separator: FSTYPE SOURCE SUPEROPTS
    read -r fstype _source superopts <<<"$fields"
    mkdir -p "$mountpoint"
    mount -t "$fstype" -o "$superopts" "$fstype" "$mountpoint"
  done </proc/1/mountinfo
fi
# With CONET_BENCH_HOSTNAME (docker-host.ts starts us under `unshare --uts` then): our own hostname.
if [ -n "${CONET_BENCH_HOSTNAME:-}" ]; then
  hostname "$CONET_BENCH_HOSTNAME"
fi
exec "$@"
