#!/usr/bin/env bash
# stack/selftest.sh - prove the stack works, then prove it left nothing behind.
#
#   stack/selftest.sh [--keep-logs DIR]     (root; netns mode; about 90 s)
#
# Runs stack/with-stack.sh with this script as the command (--inside). Inside, it starts a
# temporary caller baresip (127.0.0.1:5070, ctrl_tcp 127.0.0.1:4445, console 127.0.0.1:4455)
# that plays a 1 kHz tone, and a temporary VIDEO caller (config + config-video: fakevideo, VP8;
# 127.0.0.1:5076, ctrl_tcp 127.0.0.1:4447, console 127.0.0.1:4457, RTP 42700-42799) for the
# video extension 2010, then runs stack/selftest.mjs (SIP calls through Kamailio,
# recordings, Janus HTTP API, ctrl_tcp hangup + events; text, context headers, transfers and
# remote hold through Janus's API, the agent 2009; a VP8 video call to 2010; a message left on
# the voicemail 2011, which runs with VCB_VOICEMAIL_SECONDS=6 here unless the caller sets it).
# Calls from a real browser are the end-to-end tests' job (test/e2e). It checks the stack alone,
# without the SDK. Afterwards it checks that no vcb-* namespace, no process of the run and no
# temp dir is left.
# shellcheck disable=SC2317  # stop_callers is called from a trap
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
log() { printf '[selftest] %s\n' "$*" >&2; }

if [[ ${1:-} == --inside ]]; then
  # ---------------------------------------------------------------- inside the stack
  CDIR=$VCB_STACK_DIR/selftest-caller
  mkdir -p "$CDIR/record"
  # 1 kHz, silent from 4.5 s to 6 s (the "mute window" check), then 1 kHz again
  sox -n -r 8000 -c 1 -b 16 "$CDIR/tone1.wav" synth 4.5 sine 1000 vol 0.5
  sox -n -r 8000 -c 1 -b 16 "$CDIR/tone2.wav" synth 25.5 sine 1000 vol 0.5
  sox "$CDIR/tone1.wav" "$CDIR/tone.wav" pad 0 1.5
  sox "$CDIR/tone.wav" "$CDIR/tone2.wav" "$CDIR/tone-full.wav"
  mv "$CDIR/tone-full.wav" "$CDIR/tone.wav"
  render() { # TEMPLATE OUT KEY=VALUE...
    local text kv
    text=$(<"$1")
    for kv in "${@:3}"; do text=${text//"{{${kv%%=*}}}"/${kv#*=}}; done
    printf '%s\n' "$text" >"$2"
  }
  render "$HERE/baresip/config" "$CDIR/config" "SIP_LISTEN=127.0.0.1:5070" \
    "CTRL_LISTEN=127.0.0.1:4445" "CONS_LISTEN=127.0.0.1:4455" "RTP_PORTS=42100-42199" \
    "AUDIO_SOURCE_FILE=$CDIR/tone.wav" "SND_PATH=$CDIR/record" "MAX_CALLS=4"
  render "$HERE/baresip/accounts" "$CDIR/accounts" "SIP_USER=selftest" \
    "SIP_LISTEN=127.0.0.1:5070" "ANSWERMODE=manual" "VIDEO_PARAMS=" "AUDIO_CODECS=pcmu,pcma"
  render "$HERE/baresip/contacts" "$CDIR/contacts" "VISITOR_CONTACT=$VCB_VISITOR_CONTACT"
  # The video caller: the same tone, plus VP8 video from fakevideo (what 2010 must decode).
  VDIR=$VCB_STACK_DIR/selftest-video-caller
  mkdir -p "$VDIR/record"
  render "$HERE/baresip/config" "$VDIR/config" "SIP_LISTEN=127.0.0.1:5076" \
    "CTRL_LISTEN=127.0.0.1:4447" "CONS_LISTEN=127.0.0.1:4457" "RTP_PORTS=42700-42799" \
    "AUDIO_SOURCE_FILE=$CDIR/tone.wav" "SND_PATH=$VDIR/record" "MAX_CALLS=4"
  cat "$HERE/baresip/config-video" >>"$VDIR/config"
  render "$HERE/baresip/accounts" "$VDIR/accounts" "SIP_USER=selftest-video" \
    "SIP_LISTEN=127.0.0.1:5076" "ANSWERMODE=manual" "VIDEO_PARAMS=;video_codecs=vp8" "AUDIO_CODECS=pcmu,pcma"
  render "$HERE/baresip/contacts" "$VDIR/contacts" "VISITOR_CONTACT=$VCB_VISITOR_CONTACT"
  baresip -f "$CDIR" </dev/null >"$VCB_LOG_DIR/baresip-selftest-caller.log" 2>&1 &
  CALLER_PID=$!
  baresip -f "$VDIR" </dev/null >"$VCB_LOG_DIR/baresip-selftest-video-caller.log" 2>&1 &
  VIDEO_CALLER_PID=$!
  stop_callers() { # TERM both, up to 3 s, then KILL
    kill -TERM "$CALLER_PID" "$VIDEO_CALLER_PID" 2>/dev/null || true
    for _ in $(seq 30); do
      kill -0 "$CALLER_PID" 2>/dev/null || kill -0 "$VIDEO_CALLER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$CALLER_PID" "$VIDEO_CALLER_PID" 2>/dev/null || true
    wait "$CALLER_PID" "$VIDEO_CALLER_PID" 2>/dev/null || true
  }
  trap stop_callers EXIT
  for _ in $(seq 100); do
    [[ -n $(ss -Hltn 'src 127.0.0.1:4445') && -n $(ss -Hltn 'src 127.0.0.1:4447') ]] && break
    sleep 0.05
  done
  rc=0
  SELFTEST_CALLER_CTRL=127.0.0.1:4445 SELFTEST_CALLER_RECORD_DIR=$CDIR/record \
    SELFTEST_VIDEO_CALLER_CTRL=127.0.0.1:4447 SELFTEST_VIDEO_CALLER_RECORD_DIR=$VDIR/record \
    SELFTEST_VIDEO_CALLER_LOG=$VCB_LOG_DIR/baresip-selftest-video-caller.log \
    node "$HERE/selftest.mjs" || rc=$?
  exit "$rc"
fi

# ---------------------------------------------------------------- outside
[[ $EUID -eq 0 ]] || { log "needs root (network namespaces)"; exit 1; }
inside_args=(--inside)
# The run's temp dir is created inside a private TMPDIR, so that leftovers of THIS run can
# be told apart from other processes on the machine: a leftover process is a live one
# whose command line or environment mentions that directory.
SELFTEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vcb-selftest.XXXXXX")
trap 'rm -rf -- "$SELFTEST_TMP"' EXIT
t0=$(date +%s%N)
rc=0
# The voicemail (2011) hangs up this long after it answers: short, so check (o) stays short.
export VCB_VOICEMAIL_SECONDS=${VCB_VOICEMAIL_SECONDS:-6}
TMPDIR=$SELFTEST_TMP "$HERE/with-stack.sh" "$@" -- "$HERE/selftest.sh" "${inside_args[@]}" || rc=$?
log "stack run finished with status $rc after $(( ($(date +%s%N) - t0) / 1000000 )) ms"

left=0
ns=$(ip netns list | grep -E '^vcb-' || true)
if [[ -n $ns ]]; then log "FAIL namespaces left: $ns"; left=1; else log "PASS no vcb-* namespace left"; fi
sleep 0.2
procs=""
for p in /proc/[0-9]*; do
  if grep -qsF -- "$SELFTEST_TMP" "$p/cmdline" "$p/environ" 2>/dev/null; then
    procs+="$(ps -o pid=,stat=,comm= -p "${p#/proc/}" 2>/dev/null | awk '$2 !~ /^Z/') "
  fi
done
if [[ -n ${procs// /} ]]; then log "FAIL processes of the run left: $procs"; left=1; else log "PASS no process of the run left"; fi
others=$(ps -eo pid=,stat=,comm= | awk '$2 !~ /^Z/ && $3 ~ /^(janus|kamailio|baresip)$/' || true)
if [[ -n $others ]]; then log "FAIL janus/kamailio/baresip processes running: $others"; left=1; else log "PASS no janus/kamailio/baresip process running"; fi
if [[ -n $(find "$SELFTEST_TMP" -mindepth 1 -print -quit) ]]; then
  log "FAIL temp files left: $(find "$SELFTEST_TMP" -mindepth 1 -maxdepth 2 | head -5)"; left=1
else
  log "PASS temp dir removed"
fi
if ((rc == 0 && left == 0)); then log "ALL PASSED"; exit 0; fi
log "FAILED"
exit 1
