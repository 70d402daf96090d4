#!/usr/bin/env bash
# install-test-peers installs the Debian packages the tests use as real peers, skipping those already present:
# vsftpd (FTP server writing real logs), amtool (Alertmanager's route semantics), Ceph RGW (a real S3 server with
# notifications and conditional writes), Chromium (the console's browser tests), openssl and mawk (benchmark
# references), curl. Services must not start at install time (there is no init here).
set -euo pipefail
need=()
has() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
has vsftpd || need+=(vsftpd)
has amtool || need+=(prometheus-alertmanager)
has mawk || need+=(mawk)
has openssl || need+=(openssl)
has curl || need+=(curl)
has wrk || need+=(wrk)
has ceph-mon || need+=(ceph-mon)
has ceph-osd || need+=(ceph-osd)
has radosgw || need+=(radosgw)
has radosgw-admin || need+=(ceph-common)
has chromium || need+=(chromium)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "install-test-peers: need root to install: ${need[*]}" >&2; exit 2; fi
  export DEBIAN_FRONTEND=noninteractive
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
