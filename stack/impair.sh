#!/usr/bin/env bash
# stack/impair.sh - impair the media of a running stack (netns mode only), idempotently.
#
#   stack/impair.sh NETNS on [loss P%] [delay Dms [Jms]] [...other netem args] [--scope S]
#   stack/impair.sh NETNS drop-tcp PORT
#   stack/impair.sh NETNS off
#   stack/impair.sh NETNS status
#
# drop-tcp breaks the signalling path instead: it resets every established TCP connection to
# or from 127.0.0.1:PORT inside the namespace (both ends see the connection close, as when a
# network goes away) and then silently drops every new packet to PORT (connection attempts
# hang), until "off".
#
# NETNS is the stack's namespace (VCB_NETNS, "vcb-..."); the root namespace is refused.
# Inside it ALL traffic is local, so the kernel routes it through `lo`, never the veth:
# WebRTC media browser <-> Janus is 127.0.0.2 <-> 127.0.0.2 (sv0 only holds the address Janus
# gathers ICE candidates from), RTP Janus <-> baresip is 127.0.0.1 <-> 127.0.0.1.
#
# Two mechanisms, chosen by what the kernel offers:
#   * netem (tc qdisc on lo), when the kernel has sch_netem: every netem argument works
#     (delay, jitter, loss, duplicate, reorder ...), but for ALL traffic of the namespace
#     (SIP, WebSocket, page loads too); --scope is ignored.
#   * nftables, when it has no netem (e.g. the CI kernel here: CONFIG_NET_SCH_NETEM is not
#     set): random packet loss only ("loss P%"), on UDP media only, by --scope:
#       webrtc - UDP 127.0.0.2 <-> 127.0.0.2 (browser <-> Janus: ICE, DTLS, SRTP)
#       rtp    - UDP from/to Janus' SIP-plugin RTP ports 41000-41999 (Janus <-> baresip/UAS)
#       media  - both (default)
#     Asking for anything else (delay ...) without netem fails with exit status 3, so that
#     a test can skip: "impairment not supported here".
# "on" replaces any earlier impairment; "off" removes it (no error when there is none).
# Deleting the namespace (with-stack.sh's cleanup) removes all of it too.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"

die() { printf '[impair] ERROR: %s\n' "$1" >&2; exit "${2:-1}"; }
usage() { sed -n '4,7p' "$0" | sed 's/^# */usage: /' >&2; exit 2; }

(($# >= 2)) || usage
NS=$1 ACTION=$2
shift 2
[[ $NS == vcb-* ]] || die "namespace '$NS' is not a stack namespace (vcb-*); refusing"
[[ -e /run/netns/$NS ]] || die "no such network namespace: $NS"
[[ $EUID -eq 0 ]] || die "needs root"
IN_NS=(ip netns exec "$NS")
TABLE=vcb_impair
TCP_TABLE=vcb_drop_tcp

has_netem() {
  # Probe on a throw-away veth pair inside the namespace, so lo is never touched by the probe.
  local ok=1
  "${IN_NS[@]}" ip link add vcbprobe0 type veth peer name vcbprobe1 2>/dev/null || return 1
  "${IN_NS[@]}" tc qdisc add dev vcbprobe0 root netem delay 1ms 2>/dev/null && ok=0
  "${IN_NS[@]}" ip link del vcbprobe0 2>/dev/null || true
  return "$ok"
}

remove_all() {
  "${IN_NS[@]}" nft delete table inet "$TABLE" 2>/dev/null || true
  "${IN_NS[@]}" nft delete table inet "$TCP_TABLE" 2>/dev/null || true
  if "${IN_NS[@]}" tc qdisc show dev lo | grep -q netem; then
    "${IN_NS[@]}" tc qdisc del dev lo root 2>/dev/null || true
  fi
}

case $ACTION in
  off)
    remove_all
    printf '[impair] %s: off\n' "$NS" >&2
    ;;
  status)
    "${IN_NS[@]}" tc qdisc show dev lo
    "${IN_NS[@]}" nft list table inet "$TABLE" 2>/dev/null || echo "(no nftables impairment)"
    "${IN_NS[@]}" nft list table inet "$TCP_TABLE" 2>/dev/null || echo "(no TCP drop)"
    ;;
  drop-tcp)
    port=${1:-}
    [[ $port =~ ^[0-9]+$ ]] || die "drop-tcp needs a port number" 2
    # Drop first (a reconnect would otherwise beat the rule), but let the resets through.
    "${IN_NS[@]}" nft delete table inet "$TCP_TABLE" 2>/dev/null || true
    printf 'table inet %s {\n  chain out {\n    type filter hook output priority 0; policy accept;\n    tcp dport %s tcp flags rst accept\n    tcp dport %s counter drop\n  }\n}\n' \
      "$TCP_TABLE" "$port" "$port" | "${IN_NS[@]}" nft -f - || die "nft failed"
    "${IN_NS[@]}" ss -K -t state established "( dport = :$port or sport = :$port )" >/dev/null
    printf '[impair] %s: TCP connections to port %s reset, new ones dropped\n' "$NS" "$port" >&2
    ;;
  on)
    scope=media
    args=()
    while (($#)); do
      case $1 in
        --scope) scope=${2:-}; shift 2 || usage ;;
        --scope=*) scope=${1#*=}; shift ;;
        *) args+=("$1"); shift ;;
      esac
    done
    ((${#args[@]})) || die "nothing to apply; e.g. 'loss 10%' or 'delay 150ms loss 10%'" 2
    [[ $scope =~ ^(webrtc|rtp|media)$ ]] || die "--scope must be webrtc, rtp or media" 2
    remove_all
    if has_netem; then
      "${IN_NS[@]}" tc qdisc add dev lo root netem "${args[@]}"
      printf '[impair] %s: netem on lo: %s (all traffic of the namespace)\n' "$NS" "${args[*]}" >&2
      exit 0
    fi
    # No netem: only "loss P%" (P may have decimals: 2.5%), through nftables.
    [[ ${#args[@]} -eq 2 && ${args[0]} == loss && ${args[1]} =~ ^([0-9]+(\.[0-9]+)?)%?$ ]] ||
      die "this kernel has no netem (sch_netem); only 'loss P%' is supported here (asked: ${args[*]})" 3
    # numgen gives 0..9999; drop when below P*100.
    thr=$(awk -v p="${BASH_REMATCH[1]}" 'BEGIN { t = int(p * 100 + 0.5); if (t > 10000) t = 10000; print t }')
    # 100 %: every packet (numgen's range ends at 9999).
    if ((thr >= 10000)); then pick=""; else pick="numgen random mod 10000 < $thr "; fi
    rules=()
    if [[ $scope == webrtc || $scope == media ]]; then
      rules+=("ip saddr 127.0.0.2 ip daddr 127.0.0.2 meta l4proto udp ${pick}counter drop")
    fi
    if [[ $scope == rtp || $scope == media ]]; then
      rules+=("ip daddr 127.0.0.1 udp sport 41000-41999 ${pick}counter drop")
      rules+=("ip daddr 127.0.0.1 udp dport 41000-41999 ${pick}counter drop")
    fi
    {
      printf 'table inet %s {\n  chain out {\n    type filter hook output priority 0; policy accept;\n' "$TABLE"
      printf '    %s\n' "${rules[@]}"
      printf '  }\n}\n'
    } | "${IN_NS[@]}" nft -f - || die "nft failed"
    printf '[impair] %s: nftables loss %s%% on %s UDP (no netem in this kernel)\n' \
      "$NS" "${BASH_REMATCH[1]}" "$scope" >&2
    ;;
  *) usage ;;
esac
