#!/usr/bin/env bash
# stack/install.sh - make sure the tools of the local voice stack are installed.
#
# Idempotent: checks for janus, baresip, kamailio, sox, espeak-ng, chromium, firefox-esr, ip/ss
# (iproute2), curl, node, nft (nftables, for impair.sh), haproxy and Xvfb; when something is missing it runs `apt-get update` and
# `apt-get install -y` for just the missing Debian packages (non-interactive).
# When everything is present it returns immediately. Needs root only to install.
set -euo pipefail

log() { printf '[stack] %s\n' "$*" >&2; }

# command -> Debian package that provides it
declare -A PKG_OF=(
  [janus]=janus
  [baresip]=baresip-core
  [kamailio]=kamailio
  [sox]=sox
  [espeak-ng]=espeak-ng
  [chromium]=chromium
  [firefox-esr]=firefox-esr # the unit suite and test/e2e/firefox.test.ts run in Firefox too
  [ip]=iproute2
  [ss]=iproute2
  [curl]=curl
  [nft]=nftables
  [haproxy]=haproxy # the gateway pool (127.0.0.1:8190) in front of both Janus instances
  [Xvfb]=xvfb     # a virtual display: a real, unanswered microphone prompt (test/e2e)
  [node]=nodejs   # stack/early-media-uas.mjs (extension 2003)
)
# files that must exist besides the commands (plugin / modules used by the stack);
# globs allowed (Janus lives in /usr/lib/<multiarch>/janus)
declare -A PKG_OF_FILE=(
  ['/usr/lib/*/janus/plugins/libjanus_sip.so']=janus
  ['/usr/lib/*/janus/plugins/libjanus_echotest.so']=janus # the pre-call check's media path
  [/usr/lib/baresip/modules/ctrl_tcp.so]=baresip-core
  [/usr/lib/baresip/modules/sndfile.so]=baresip-core
  [/usr/lib/baresip/modules/aufile.so]=baresip-core
)

missing=()
add_missing() {
  local p=$1 m
  for m in "${missing[@]}"; do [[ $m == "$p" ]] && return 0; done
  missing+=("$p")
}
for cmd in "${!PKG_OF[@]}"; do
  # PATH may lack the sbin dirs for non-login shells; look there too.
  if ! command -v "$cmd" >/dev/null 2>&1 && [[ ! -x /usr/sbin/$cmd && ! -x /sbin/$cmd ]]; then
    add_missing "${PKG_OF[$cmd]}"
  fi
done
for f in "${!PKG_OF_FILE[@]}"; do
  # shellcheck disable=SC2086  # $f may be a glob
  compgen -G $f >/dev/null || add_missing "${PKG_OF_FILE[$f]}"
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

log "missing packages: ${missing[*]}"
if [[ $EUID -ne 0 ]]; then
  log "ERROR: installing them needs root. Run as root: sudo $0"
  log "       (or: sudo apt-get install -y ${missing[*]})"
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  log "ERROR: apt-get not found; install these yourself: ${missing[*]}"
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
apt-get update -q
log "apt-get install -y ${missing[*]}"
apt-get install -y -q "${missing[@]}"
log "installed: ${missing[*]}"
