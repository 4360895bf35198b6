# Sourced by scripts/setup.sh and bench/run.sh.
# apt_install LABEL PACKAGE...: installs Debian packages, never letting them start services on this
# machine (etcd-server, iperf3 offer some): a temporary policy-rc.d denies service starts during
# the install, unless the machine already has a policy of its own.
apt_install() {
  local label="$1"
  shift
  [ "$#" -gt 0 ] || return 0
  echo "$label: installing $*" >&2
  export DEBIAN_FRONTEND=noninteractive
  local own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
  fi
  local status=0
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; } || status=$?
  [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
  return "$status"
}
