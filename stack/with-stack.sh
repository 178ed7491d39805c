#!/usr/bin/env bash
# stack/with-stack.sh - run a command against a real, throw-away voice stack.
#
#   stack/with-stack.sh [--network netns|host] [--keep-logs DIR] -- CMD [ARGS...]
#
# Starts, each by PID and with a bounded readiness wait:
#   * Kamailio  "PBX front"  udp 127.0.0.1:5060  (2000 -> baresip, 2001 -> 486,
#                            2002 -> ringing, 2003 -> early media, 2004-2007 -> 603/480/503/408,
#                            2008 -> transfer target, 2009 -> agent, 2010 -> video,
#                            2011 -> voicemail, other -> 404)
#   * baresip   ext "2000"   udp 127.0.0.1:5062  auto-answer, plays a generated greeting,
#                            records what it receives, ctrl_tcp on 127.0.0.1:4444, console
#                            (cons) on 127.0.0.1:4454, logged to VCB_BARESIP_CONSOLE_LOG
#   * baresip   ext "2002"   udp 127.0.0.1:5066  "ringing": Kamailio replies 180 Ringing (no SDP,
#                            no early media) at once and relays the INVITE only after
#                            VCB_RINGING_SECONDS (default 3); this baresip then answers at once,
#                            plays the greeting, records into VCB_RECORD_DIR_RINGING,
#                            ctrl_tcp on 127.0.0.1:4446 (console on 127.0.0.1:4456, not logged)
#   * baresip   ext "2008"   udp 127.0.0.1:5068  the transfer target: like 2000 (Kamailio's 180,
#                            auto-answer, greeting), records into VCB_RECORD_DIR_TRANSFER,
#                            ctrl_tcp on 127.0.0.1:4448, console on 127.0.0.1:4458 logged to
#                            VCB_BARESIP_TRANSFER_CONSOLE_LOG
#   * baresip   ext "2010"   udp 127.0.0.1:5074  the video line: like 2000 (Kamailio's 180,
#                            auto-answer, the greeting as audio, records into VCB_RECORD_DIR_VIDEO)
#                            plus VP8 video both ways, 640x480 15 fps from a fake camera
#                            (fakevideo + vp8.so, no vp9; stack/baresip/config-video; account
#                            video_codecs=vp8); ctrl_tcp on 127.0.0.1:4450, console on
#                            127.0.0.1:4460 (not logged), log VCB_BARESIP_VIDEO_LOG
#   * baresip   ext "2012"   udp 127.0.0.1:5086  the wideband line: like 2000 (Kamailio's 180,
#                            auto-answer) but Opus only (every other line is G.711 only), playing
#                            a 6 kHz tone (48 kHz stereo) and recording into
#                            VCB_RECORD_DIR_WIDEBAND (48 kHz); ctrl_tcp on 127.0.0.1:4468,
#                            console on 127.0.0.1:4478 (not logged), log baresip-2012.log
#   * baresip   ext "2013"   udp 127.0.0.1:5088  the G.722 line: like 2012 but G.722 only (the tone
#                            at 16 kHz mono); ctrl_tcp on 127.0.0.1:4470, console on
#                            127.0.0.1:4480 (not logged), log baresip-2013.log
#   * baresip   ext "2011"   udp 127.0.0.1:5078  the voicemail box: like 2000 (Kamailio's 180,
#                            auto-answer, records into VCB_RECORD_DIR_VOICEMAIL) but it plays a
#                            generated prompt ("Please leave a message after the tone.", espeak-ng,
#                            then a 1 kHz beep of 0.5 s: VCB_VOICEMAIL_PROMPT_WAV) followed by
#                            digital silence, and hangs up (BYE) VCB_VOICEMAIL_SECONDS (default
#                            20) after it answered; ctrl_tcp on 127.0.0.1:4452, console on
#                            127.0.0.1:4462 (not logged), RTP 42800-42899, log baresip-2011.log
#   * agent-uas.mjs (node)  ext "2009" udp 127.0.0.1:5072  the "agent": answers at once (180, 200),
#                            plays an 800 Hz tone, answers an in-dialog MESSAGE 415; driven over
#                            HTTP on VCB_AGENT_CTRL (http://127.0.0.1:4459): remote hold/resume
#                            (re-INVITE sendonly|inactive / sendrecv), in-dialog MESSAGE, REFER,
#                            BYE, the MESSAGE reply code (see the header of agent-uas.mjs);
#                            log VCB_AGENT_LOG
#   * early-media-uas.mjs (node) ext "2003" udp 127.0.0.1:5064  "early media": 183 Session
#                            Progress with SDP, streams a generated announcement ("Please hold,
#                            all our agents are busy" over a 600 Hz tone, VCB_EARLY_WAV) as
#                            early media, never answers (CANCEL -> 487; 480 after 120 s)
#   * Janus     SIP plugin only; ws 127.0.0.1:8188 (admin 7188), http 127.0.0.1:8088/janus
#                            (admin 7088/admin); keeps a session whose WebSocket closed for
#                            VCB_RECLAIM_SECONDS (default 20) so the page can reclaim it
#   * Janus #2  "janus2", the same on ws 8189 (admin 7189), http 8089 (admin 7089), for
#                            failover; reclaim_session_timeout 0 (a closed WebSocket ends the
#                            session and its call at once). Both Janus instances can be stopped, killed and started
#                            again by the command: stack/service.sh janus|janus2 stop|kill|start
#   * HAProxy   the gateway pool: ws 127.0.0.1:8190 in front of both Janus instances
#                            (stack/haproxy/haproxy.cfg: least connections, a health check on
#                            each Janus's /janus/info every 0.5 s, a cookie that sends a
#                            visitor's reconnect back to the Janus that holds its session)
#   * baresip   "pbx-a", "pbx-b"  udp 127.0.0.1:5082 / 5084: the PBX pool behind extension 2100
#                            (Kamailio's dispatcher, round robin, OPTIONS probes every second,
#                            a node that does not answer an INVITE in 2 s is skipped); each
#                            answers like 2000 (greeting, records into VCB_RECORD_DIR_PBX_A|B),
#                            ctrl_tcp on 127.0.0.1:4464 / 4466, up to VCB_POOL_MAX_CALLS (25)
#                            calls each; stack/service.sh pbx-a|pbx-b stop|kill|start
# then runs CMD in the foreground with the VCB_* variables below, and afterwards stops
# everything it started (TERM, ~3 s grace, KILL), deletes the namespace and the temp dir,
# and exits with CMD's exit status (130/143/129 on SIGINT/TERM/HUP, 1 when the stack fails).
#
# --network netns (default, needs root): everything runs inside a private network
#   namespace "vcb-<pid>" holding lo and a veth pair (sv0 with 127.0.0.2/32, peer sv1);
#   Janus gathers ICE candidates on sv0 only (it skips loopback interfaces); one host route
#   (8.8.8.8 via sv0, source 127.0.0.2) gives Firefox its "default" address there. Nothing
#   can reach outside the namespace.
# --network host: for a developer desktop. No namespace; every service binds 127.0.0.1
#   and Janus uses the desktop's own interfaces for ICE. (Not for CI machines.)
# --keep-logs DIR: copy logs, recordings (DIR/record, DIR/record-2002, DIR/record-2008,
#   DIR/record-2010, DIR/record-2011, DIR/record-pbx-a, DIR/record-pbx-b) and rendered configs (DIR/config) into DIR before the temp
#   dir is removed.
#
# Exported to CMD: VCB_NETWORK, VCB_NETNS (empty in host mode), VCB_STACK_DIR, VCB_LOG_DIR,
# VCB_RECORD_DIR, VCB_GREETING_WAV, VCB_JANUS_WS, VCB_JANUS_HTTP, VCB_JANUS_ADMIN_WS,
# VCB_JANUS_ADMIN_HTTP, VCB_JANUS_ADMIN_SECRET, VCB_JANUS_TOKEN_SECRET (Janus runs with token_auth), VCB_JANUS_PID, VCB_SIP_DOMAIN, VCB_EXT_ANSWER,
# VCB_EXT_BUSY, VCB_EXT_UNKNOWN, VCB_BARESIP_CTRL, VCB_BARESIP_PID, VCB_KAMAILIO_PID,
# VCB_CHROMIUM, and TMPDIR=<temp dir>/tmp (removed with the rest).
# Janus #2 and restarts: VCB_JANUS2_WS, VCB_JANUS2_HTTP, VCB_JANUS2_ADMIN_HTTP (same admin secret
# and token secret), VCB_RECLAIM_SECONDS, VCB_SERVICE (stack/service.sh) and VCB_SERVICE_DIR
# (VCB_JANUS_PID is the first PID only: after a restart, "stack/service.sh janus pid").
# Also: VCB_EXT_RINGING (2002), VCB_EXT_EARLY (2003), VCB_EXT_DECLINED (2004, 603),
# VCB_EXT_UNAVAILABLE (2005, 480), VCB_EXT_SERVICE_UNAVAILABLE (2006, 503), VCB_EXT_TIMEOUT (2007, 408), VCB_RINGING_SECONDS, VCB_BARESIP_RINGING_CTRL
# (127.0.0.1:4446), VCB_BARESIP_RINGING_PID, VCB_RECORD_DIR_RINGING (2002's dump-*-dec.wav; 2000
# keeps VCB_RECORD_DIR to itself), VCB_EARLY_WAV (the announcement, one loop), VCB_EARLY_PID,
# VCB_EARLY_LOG (one line per INVITE/CANCEL, see early-media-uas.mjs), VCB_IMPAIR (stack/impair.sh:
# "$VCB_IMPAIR $VCB_NETNS on|off [netem args]", netns mode only).
# Text, transfers, remote hold: VCB_EXT_TRANSFER (2008), VCB_BARESIP_TRANSFER_CTRL (127.0.0.1:4448),
# VCB_BARESIP_TRANSFER_PID, VCB_RECORD_DIR_TRANSFER (2008's dump-*-dec.wav), VCB_EXT_AGENT (2009),
# VCB_AGENT_CTRL (http://127.0.0.1:4459), VCB_AGENT_PID, VCB_AGENT_LOG, VCB_BARESIP_CONSOLE_LOG
# (2000's console), VCB_BARESIP_TRANSFER_CONSOLE_LOG (2008's), VCB_VISITOR_CONTACT (the URI in
# every baresip's contacts file: sip:visitor@127.0.0.1:5060).
# Video: VCB_EXT_VIDEO (2010), VCB_BARESIP_VIDEO_CTRL (127.0.0.1:4450), VCB_BARESIP_VIDEO_PID,
# VCB_BARESIP_VIDEO_LOG (baresip-2010.log), VCB_RECORD_DIR_VIDEO (2010's dump-*-dec.wav, audio only).
# Wideband: VCB_EXT_WIDEBAND (2012), VCB_BARESIP_WIDEBAND_CTRL (127.0.0.1:4468),
# VCB_RECORD_DIR_WIDEBAND (2012's dump-*-dec.wav, 48 kHz stereo); VCB_EXT_G722 (2013).
# Voicemail: VCB_EXT_VOICEMAIL (2011), VCB_BARESIP_VOICEMAIL_CTRL (127.0.0.1:4452),
# VCB_BARESIP_VOICEMAIL_PID, VCB_RECORD_DIR_VOICEMAIL (2011's dump-*-dec.wav: the messages),
# VCB_VOICEMAIL_SECONDS (the longest call to 2011, prompt included; whole seconds, at least the
# prompt + 1 s; default 20), VCB_VOICEMAIL_PROMPT_WAV (what 2011 plays before the silence: the
# spoken prompt and the beep, 8 kHz mono s16, about 3.5 s).
# Pool: VCB_POOL_WS (ws://127.0.0.1:8190, HAProxy), VCB_HAPROXY_LOG (one line per WebSocket
# when it closes, naming the Janus it went to), VCB_EXT_POOL (2100), VCB_POOL_MAX_CALLS,
# VCB_PBX_A_CTRL / VCB_PBX_B_CTRL (127.0.0.1:4464 / 4466), VCB_RECORD_DIR_PBX_A / _B.
# Observables for tests (all verified by stack/selftest.sh):
#   DTMF at 2000/2002, RFC 4733 and SIP INFO (application/dtmf-relay) alike: ctrl_tcp events
#     {"event":true,"type":"CALL_DTMF_START",...,"param":"5"} then {"type":"CALL_DTMF_END"} (no
#     param); SIP INFO also logs "call: received DTMF: '5' (duration=...)" in baresip-2000.log.
#   Every initial INVITE that reaches Kamailio's call policy: "vcb: INVITE call-id=ID to 'EXT'
#     from=URI display-name=[NAME]" in kamailio.log (NAME as the From header carries it, quotes
#     included; "<null>" without one). baresip's ctrl_tcp events carry "peerdisplayname" and the
#     SIP Call-ID as "id".
#   Hold/resume: baresip reports only {"type":"CALL_REMOTE_SDP","param":"offer"} per re-INVITE;
#     the direction is in kamailio.log: "vcb: re-INVITE call-id=ID from=USER to=2000
#     sdp-direction=sendonly|sendrecv|inactive|recvonly"; SIP INFO: "vcb: INFO call-id=...".
#   Ringing (2002): exactly one 180 without SDP at once (Janus: "ringing", "proceeding" 180), the
#     200 after VCB_RINGING_SECONDS; a CANCEL before that gets 487 and 2002 never sees the call.
#   Early media (2003): 183 with SDP (Janus: "progress" + jsep, "proceeding" 183), RTP at once;
#     never 200; VCB_EARLY_LOG gets "early-uas: CANCEL call-id=ID after N ms, ... -> 487".
#   Recordings (dump-*-dec.wav, 8 kHz mono s16) are written as packets are decoded: a muted
#     source that keeps sending (silence) is a window of RMS ~0, but spans WITHOUT RTP (hold
#     with a baresip caller, telephone-event-only time) are simply missing from the file.
#   ctrl_tcp takes ONE client at a time: a new connection closes the previous one. So does the
#     console (cons): never connect to 4454/4458 yourself, read the console logs instead.
#   Context headers: every initial INVITE that reaches Kamailio (before any check, so even one a
#     header injection broke): "vcb: INVITE-HEADERS call-id=ID to=USER x-count=N
#     x-headers=[JSON strings] names=[JSON strings] lines=[JSON strings]" in kamailio.log;
#     x-headers holds each header line whose name starts with X- (any case), in order, exactly
#     as on the wire ("X-Page: /checkout"); names the name of EVERY header line in order (a line
#     without ':' whole), lines every header line whole, so an injected line or an added or
#     replaced standard header (User-Agent, Contact ...) shows. An INVITE that fails the sanity
#     checks: "vcb: MALFORMED method=INVITE call-id=ID from IP:PORT". The agent (2009) logs what
#     it received: "agent-uas: INVITE call-id=ID from=URI x-headers=[JSON strings] -> 200 ...".
#   Text, page -> extension (in-dialog MESSAGE, either direction), in kamailio.log:
#     "vcb: MESSAGE call-id=ID from=URI to=URI content-type=CT bytes=N body="ESCAPED"" and, per
#     final reply, "vcb: MESSAGE-REPLY call-id=ID code=N reason=[TEXT]" (ESCAPED: the body as
#     the inside of a JSON string: \ \" \r \n \t escaped). baresip (2000, 2008) answers 200 for
#     text/plain (415 otherwise) and prints "sip:visitor@127.0.0.1:5060: "TEXT"" (after a CR,
#     the text raw, cut at ~500 bytes) on its console -> VCB_BARESIP_CONSOLE_LOG. The agent
#     answers 415 (POST /config {"messageReply":404} changes it) and logs "agent-uas: MESSAGE
#     call-id=ID ... body=JSON -> 415".
#   Text, extension -> page: baresip ctrl_tcp {"command":"message","params":"TEXT"} sends an
#     out-of-dialog MESSAGE to VCB_VISITOR_CONTACT; Kamailio relays it to the visitor of that
#     extension's most recent call (per call: the Contact of its INVITE, i.e. its Janus handle)
#     and logs "vcb: MESSAGE-FROM-EXT ext=EXT call-id=CALL to=CONTACT message-call-id=ID
#     content-type=text/plain bytes=N body="ESCAPED"", then "vcb: MESSAGE-REPLY call-id=CALL
#     code=200 reason=[OK] message-call-id=ID"; with no call: "vcb: MESSAGE-FROM-EXT ext=EXT no
#     current call message-call-id=ID -> 404". Janus gives that handle {event:"message",
#     sender, content, content_type, call_id: CALL}. The agent sends in-dialog: POST /message.
#   Transfers: baresip ctrl_tcp {"command":"transfer","params":"sip:2008@127.0.0.1:5060"} (any
#     full URI, e.g. sip:attacker@evil.example: Kamailio relays the REFER in-dialog unchanged;
#     a bare number would bypass Kamailio) -> Janus "transfer" {refer_id, refer_to, referred_by};
#     "vcb: REFER call-id=ID from=URI to=URI refer-to=[HDR] referred-by=[HDR]", "vcb: REFER-REPLY
#     call-id=ID code=202 reason=[Accepted]", then per NOTIFY from Janus "vcb: NOTIFY call-id=ID
#     from=URI event=[refer;id=N] subscription-state=[active;expires=299] body="SIP/2.0 200
#     Answering"" (or "SIP/2.0 486 Busy Here"; a {request:"decline"} gives body="SIP/2.0 603
#     Decline" with subscription-state=[terminated;reason=noresource]). The new call's INVITE
#     carries Referred-By (INVITE-HEADERS names). What baresip 1.0 does with the old call: after
#     a NOTIFY 200 it reports CALL_CLOSED "Call transfered" but sends NO BYE (the page must hang
#     up the old call itself); after a NOTIFY 486 it reports TRANSFER_FAILED and sometimes sends
#     a BYE, sometimes not; after a declined one (603, subscription terminated) TRANSFER_FAILED
#     and a BYE at once. The agent (POST /transfer) hangs up after a NOTIFY with 2xx only and
#     keeps the call otherwise.
#   Remote hold: baresip ctrl_tcp {"command":"hold"} / {"command":"resume"} re-INVITE the visitor
#     with a=sendonly / a=sendrecv; the agent POST /hold {"direction":"sendonly"|"inactive"} /
#     POST /resume. kamailio.log: "vcb: re-INVITE call-id=ID from=EXT to=visitor
#     sdp-direction=DIR", then "vcb: re-INVITE-REPLY call-id=ID code=N reason=[TEXT]
#     sdp-direction=DIR" (the answer's direction). A call placed with autoaccept_reinvites:false
#     gets "updatingcall" with the offer and must answer ({request:"update"} + answer) within
#     60 s: then Kamailio answers 408 to the holder and CANCELs the re-INVITE at Janus (487),
#     and baresip hangs the call up (the agent keeps it).
#   In-dialog MESSAGE answered 404 (the agent, when told so) ends the dialog at Janus (RFC 5057):
#     the page gets "hangup" code 0 "Terminated", no BYE is sent. 415 does not.
#   Video (2010), per call in VCB_BARESIP_VIDEO_LOG: "Set video encoder: VP8  (500000 bit/s,
#     15.00 fps)", "Set video decoder: VP8 " (note the trailing space), "stream: incoming rtp for
#     'video' established, receiving from 127.0.0.1:PORT", and once the first received frame is
#     decoded "video: receiving with resolution W x H and format 'yuv420p'" (W x H: the
#     caller's size). ctrl_tcp events: {"type":"CALL_RTPESTAB","param":"video"}. Frame counts are
#     in no log (baresip 1.0 has no "video_debug" config setting): ctrl_tcp
#     {"command":"video_debug"} answers with them in "data": " tx: encode: VP8 yuv420p\n
#     source: fakevideo 640 x 480, fps=15.00 frames=N" and " rx: decode: VP8 yuv420p\n
#     vidisp: fakevideo W x H frames=N" (rx: what it received and decoded).
#   Voicemail (2011): the caller gets Kamailio's 180, then 2011's 200 at once; it hears the
#     prompt (speech, then the 1 kHz beep ending about 3.5 s in: VCB_VOICEMAIL_PROMPT_WAV's
#     length), then silence (RMS ~0.00006). VCB_VOICEMAIL_SECONDS after the answer 2011's audio
#     file ends and 2011 hangs up: the caller gets a BYE (Janus: "hangup" code 200), 2011's
#     ctrl_tcp reports {"type":"AUDIO_ERROR","param":"0,end of file"} and {"type":"CALL_CLOSED",
#     "param":"end of file"}, and kamailio.log has "vcb: BYE call-id=ID from=2011 to=USER" (a
#     BYE the caller sends first: "vcb: BYE call-id=ID from=USER to=2011"; every BYE through
#     Kamailio gets such a line). Every call is one recording in
#     VCB_RECORD_DIR_VOICEMAIL: dump-*-dec.wav (8 kHz mono s16) holding everything 2011 received
#     from the answer on, prompt time included (the message proper starts after the beep), about
#     VCB_VOICEMAIL_SECONDS long when 2011 hung up; complete (data size written) once the call
#     is over. Its dump-*-enc.wav is what it sent.
#   2010 changing its own video mid-call (seen; nothing here builds on it): ctrl_tcp
#     {"command":"video_dir","params":"inactive|sendonly|recvonly|sendrecv"} sends a re-INVITE;
#     inactive removes the video m-line (m=video 0), sendonly/recvonly set that direction on the
#     video m-line only, sendrecv brings video back; on a call that began audio-only, sendrecv
#     offers a new m=video. "hold"/"resume" re-INVITE audio and video together (sendonly).
# shellcheck disable=SC2317  # functions below are also called from traps / indirectly
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PATH="$PATH:/usr/sbin:/sbin"

# Janus' plugin/transport folders (Debian: /usr/lib/<multiarch>/janus).
JANUS_LIB_DIR=${VCB_JANUS_LIB_DIR:-}
if [[ -z $JANUS_LIB_DIR ]]; then
  for d in /usr/lib/x86_64-linux-gnu/janus /usr/lib/*/janus /usr/lib/janus /opt/janus/lib/janus; do
    if [[ -e $d/plugins/libjanus_sip.so ]]; then JANUS_LIB_DIR=$d; break; fi
  done
fi
READY_TIMEOUT=${VCB_READY_TIMEOUT:-15}   # seconds per service
STOP_GRACE=3                             # seconds between TERM and KILL

log() { printf '[stack] %s\n' "$*" >&2; }
usage() {
  sed -n '3p' "$0" | sed 's/^# */usage: /' >&2
  exit 2
}

# ---------------------------------------------------------------- arguments
NETWORK=netns
KEEP_LOGS=""
while (($#)); do
  case $1 in
    --network) NETWORK=${2:-}; shift 2 || usage ;;
    --network=*) NETWORK=${1#*=}; shift ;;
    --keep-logs) KEEP_LOGS=${2:-}; shift 2 || usage ;;
    --keep-logs=*) KEEP_LOGS=${1#*=}; shift ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) log "unknown option: $1"; usage ;;
  esac
done
(($#)) || { log "no command given"; usage; }
[[ $NETWORK == netns || $NETWORK == host ]] || { log "--network must be netns or host"; usage; }
[[ -z $KEEP_LOGS || $KEEP_LOGS == /* ]] || KEEP_LOGS="$PWD/$KEEP_LOGS"
if [[ $NETWORK == netns && $EUID -ne 0 ]]; then
  log "ERROR: --network netns needs root (network namespaces). Run as root, or use --network host on a desktop."
  exit 1
fi

"$HERE/install.sh"

# ---------------------------------------------------------------- state + cleanup
T0=$(date +%s%N)
STACK_DIR=""
NS=""
NS_CREATED=0
SVC_NAMES=()
SVC_PIDS=()
CMD_PID=""
GEN_PID=""     # background generation of the early-media announcement
VM_GEN_PID=""  # background generation of the voicemail prompt
CMD_FAILED=0   # 1: the command ran and failed -> show the end of each log
CLEANED=0

alive() { kill -0 "$1" 2>/dev/null; }

# stop_pids PID...: TERM all, wait up to STOP_GRACE s, KILL what is left, reap.
stop_pids() {
  local pid waited=0 left
  (($#)) || return 0
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  while ((waited < STOP_GRACE * 10)); do
    left=0
    for pid in "$@"; do alive "$pid" && left=1; done
    ((left)) || break
    sleep 0.1
    waited=$((waited + 1))
  done
  for pid in "$@"; do
    if alive "$pid"; then
      log "pid $pid ignored TERM for ${STOP_GRACE}s: KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}

print_log_tails() {
  local f
  for f in "$STACK_DIR"/logs/*.log; do
    [[ -s $f ]] || continue
    printf '[stack] ---- last lines of %s ----\n' "${f##*/}" >&2
    tail -n 15 "$f" >&2 || true
  done
}

cleanup() {
  ((CLEANED)) && return 0
  CLEANED=1
  trap '' INT TERM   # keep cleaning up even if Ctrl-C is pressed again
  set +e
  if [[ -n $CMD_PID ]] && alive "$CMD_PID"; then
    log "stopping command (pid $CMD_PID)"
    stop_pids "$CMD_PID"
  fi
  if [[ -n $GEN_PID ]] && alive "$GEN_PID"; then stop_pids "$GEN_PID"; fi
  if [[ -n $VM_GEN_PID ]] && alive "$VM_GEN_PID"; then stop_pids "$VM_GEN_PID"; fi
  # Restartable services (the Janus instances, the PBX nodes): whatever PID their pidfile holds now.
  local f svc_pid restartable=()
  for f in "$STACK_DIR"/svc/*.pid; do
    [[ -f $f ]] || continue
    svc_pid=$(<"$f")
    [[ $svc_pid =~ ^[0-9]+$ ]] && alive "$svc_pid" && restartable+=("$svc_pid")
  done
  if ((${#restartable[@]})); then
    log "stopping restartable services (pids ${restartable[*]})"
    stop_pids "${restartable[@]}"
  fi
  if ((${#SVC_PIDS[@]})); then
    local i
    for i in "${!SVC_PIDS[@]}"; do
      alive "${SVC_PIDS[$i]}" || log "note: ${SVC_NAMES[$i]} (pid ${SVC_PIDS[$i]}) had already exited"
    done
    log "stopping ${SVC_NAMES[*]}"
    stop_pids "${SVC_PIDS[@]}"
  fi
  if ((NS_CREATED)); then
    # Anything still living in the namespace (e.g. a browser the command left behind).
    local stray pass
    for pass in 1 2; do
      stray=$(ip netns pids "$NS" 2>/dev/null | tr '\n' ' ')
      [[ -n ${stray// /} ]] || break
      log "stopping leftover processes in $NS: $stray(pass $pass)"
      # shellcheck disable=SC2086
      stop_pids $stray
    done
    ip netns delete "$NS" 2>/dev/null || log "WARNING: could not delete namespace $NS"
  fi
  if [[ -n $STACK_DIR && -d $STACK_DIR ]]; then
    if [[ -n $KEEP_LOGS ]]; then
      # logs at the top, plus record/ (WAVs) and config/ (the rendered configs)
      mkdir -p "$KEEP_LOGS/config" && cp -a "$STACK_DIR/logs/." "$KEEP_LOGS/" &&
        cp -a "$STACK_DIR/record" "$KEEP_LOGS/" &&
        cp -a "$STACK_DIR/record-2002" "$KEEP_LOGS/" &&
        cp -a "$STACK_DIR/record-2008" "$KEEP_LOGS/" &&
        cp -a "$STACK_DIR/record-2010" "$KEEP_LOGS/" &&
        cp -a "$STACK_DIR/record-2011" "$KEEP_LOGS/" &&
        cp -a "$STACK_DIR/record-pbx-a" "$STACK_DIR/record-pbx-b" "$KEEP_LOGS/" &&
        cp -a "$STACK_DIR/janus" "$STACK_DIR/janus2" "$STACK_DIR/kamailio" "$STACK_DIR/baresip-2000" \
          "$STACK_DIR/baresip-2002" "$STACK_DIR/baresip-2008" "$STACK_DIR/baresip-2010" \
          "$STACK_DIR/baresip-2011" "$STACK_DIR/pbx-a" "$STACK_DIR/pbx-b" "$STACK_DIR/haproxy" \
          "$KEEP_LOGS/config/" &&
        log "logs kept in $KEEP_LOGS"
    elif ((CMD_FAILED)); then
      print_log_tails
      log "(use --keep-logs DIR to keep the full logs)"
    fi
    rm -rf -- "$STACK_DIR"
  fi
  return 0
}
on_signal() {
  log "got SIG$1, shutting down"
  case $1 in INT) exit 130 ;; HUP) exit 129 ;; *) exit 143 ;; esac
}
trap cleanup EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP

die() {
  log "ERROR: $*"
  exit 1
}

# ---------------------------------------------------------------- temp dir + namespace
STACK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vcb-stack.XXXXXX")
chmod 755 "$STACK_DIR"
LOG_DIR=$STACK_DIR/logs
RECORD_DIR=$STACK_DIR/record
RECORD_DIR_RINGING=$STACK_DIR/record-2002
RECORD_DIR_TRANSFER=$STACK_DIR/record-2008
RECORD_DIR_VIDEO=$STACK_DIR/record-2010
RECORD_DIR_WIDEBAND=$STACK_DIR/record-2012
RECORD_DIR_G722=$STACK_DIR/record-2013
RECORD_DIR_VOICEMAIL=$STACK_DIR/record-2011
RECORD_DIR_PBX_A=$STACK_DIR/record-pbx-a
RECORD_DIR_PBX_B=$STACK_DIR/record-pbx-b
mkdir -p "$RECORD_DIR_PBX_A" "$RECORD_DIR_PBX_B" "$STACK_DIR/haproxy" \
  "$LOG_DIR" "$RECORD_DIR" "$RECORD_DIR_RINGING" "$RECORD_DIR_TRANSFER" "$RECORD_DIR_VIDEO" "$RECORD_DIR_WIDEBAND" "$RECORD_DIR_G722" \
  "$RECORD_DIR_VOICEMAIL" "$STACK_DIR/janus" "$STACK_DIR/kamailio" "$STACK_DIR/baresip-2000" \
  "$STACK_DIR/baresip-2002" "$STACK_DIR/baresip-2008" "$STACK_DIR/baresip-2010" "$STACK_DIR/baresip-2011"

IN_NS=()
if [[ $NETWORK == netns ]]; then
  NS="vcb-$$"
  if [[ -e /run/netns/$NS ]]; then NS="vcb-$$-$RANDOM"; fi
  NS_CREATED=1
  ip netns add "$NS" || { NS_CREATED=0; die "could not create network namespace $NS"; }
  ip -n "$NS" link set lo up
  ip -n "$NS" link add sv0 type veth peer name sv1 || die "could not create veth pair in $NS"
  ip -n "$NS" addr add 127.0.0.2/32 dev sv0
  ip -n "$NS" link set sv0 up
  ip -n "$NS" link set sv1 up
  # Firefox: without a microphone permission it has stored, it gathers ICE candidates only on
  # its "default" address, the source address of a route to 8.8.8.8 (a UDP connect(), nothing
  # sent); with no such route it gathers none and ICE fails. One host route through sv0 with
  # source 127.0.0.2 gives it sv0's address (route_localnet lets a 127.0.0.0/8 source route out
  # of lo). A packet that took it would reach sv1, inside this namespace, and end there.
  ip netns exec "$NS" sh -c 'echo 1 >/proc/sys/net/ipv4/conf/sv0/route_localnet' ||
    die "could not set route_localnet on sv0 in $NS"
  ip -n "$NS" route add 8.8.8.8/32 dev sv0 src 127.0.0.2 ||
    die "could not add the default-address route for Firefox in $NS"
  IN_NS=(ip netns exec "$NS")
  log "namespace $NS: lo + sv0 (127.0.0.2/32) <-> sv1"
else
  # Host mode: refuse to start if something already uses one of our ports.
  busy=$(ss -Hlntu '( sport = :5060 or sport = :5062 or sport = :5066 or sport = :5064 or sport = :5068 or sport = :5072 or sport = :5074 or sport = :5078 or sport = :4444 or sport = :4446 or sport = :4448 or sport = :4450 or sport = :4452 or sport = :4454 or sport = :4456 or sport = :4458 or sport = :4459 or sport = :4460 or sport = :4462 or sport = :8088 or sport = :8188 or sport = :7088 or sport = :7188 or sport = :8089 or sport = :8189 or sport = :7089 or sport = :7189 or sport = :8190 or sport = :5082 or sport = :5084 or sport = :4464 or sport = :4466 or sport = :4474 or sport = :4476 or sport = :5086 or sport = :4468 or sport = :4478 or sport = :5088 or sport = :4470 or sport = :4480 )' 2>/dev/null || true)
  [[ -z $busy ]] || die "host mode: these ports are already in use:"$'\n'"$busy"
  log "host mode: services bind 127.0.0.1, Janus uses this machine's interfaces for ICE"
fi

# ---------------------------------------------------------------- rendering
# render TEMPLATE OUT KEY=VALUE... : replace {{KEY}} by VALUE, fail on leftovers.
render() {
  local tpl=$1 out=$2 kv key val text
  shift 2
  text=$(<"$tpl")
  for kv in "$@"; do
    key=${kv%%=*}
    val=${kv#*=}
    text=${text//"{{$key}}"/$val}
  done
  if [[ $text =~ \{\{[A-Z0-9_]+\}\} ]]; then
    die "template $tpl: unreplaced placeholder ${BASH_REMATCH[0]}"
  fi
  printf '%s\n' "$text" >"$out"
}

ADMIN_SECRET=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
TOKEN_SECRET=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
plugins_disable=()
for so in "$JANUS_LIB_DIR"/plugins/*.so; do
  # The SIP plugin carries the calls; EchoTest, the pre-call check's media path.
  [[ ${so##*/} == libjanus_sip.so || ${so##*/} == libjanus_echotest.so ]] || plugins_disable+=("${so##*/}")
done
[[ -n $JANUS_LIB_DIR && -e $JANUS_LIB_DIR/plugins/libjanus_sip.so ]] ||
  die "Janus SIP plugin (libjanus_sip.so) not found; set VCB_JANUS_LIB_DIR to the folder holding plugins/ and transports/"
if [[ $NETWORK == netns ]]; then
  ice_line='ice_enforce_list = "sv0"'
else
  ice_line='# ice_enforce_list: not set (host mode, all interfaces)'
fi
RECLAIM_SECONDS=${VCB_RECLAIM_SECONDS:-20}
[[ $RECLAIM_SECONDS =~ ^[0-9]+$ ]] || die "VCB_RECLAIM_SECONDS must be whole seconds (got '$RECLAIM_SECONDS')"
SERVICE_DIR=$STACK_DIR/svc
mkdir -p "$SERVICE_DIR"
# render_janus NAME WS HTTP ADMIN_WS ADMIN_HTTP WEBRTC_RTP SIP_RTP RECLAIM: one Janus instance's
# configuration in $STACK_DIR/NAME, and its service description for stack/service.sh.
render_janus() {
  local name=$1 conf=$STACK_DIR/$1 reclaim=$8
  mkdir -p "$conf"
  render "$HERE/janus/janus.jcfg" "$conf/janus.jcfg" \
    "JANUS_CONF_DIR=$conf" "JANUS_LIB_DIR=$JANUS_LIB_DIR" "ADMIN_SECRET=$ADMIN_SECRET" "TOKEN_SECRET=$TOKEN_SECRET" \
    "SERVER_NAME=vcb-$name" "RECLAIM_SECONDS=$reclaim" \
    "JANUS_RTP_RANGE=$6" "ICE_ENFORCE_LINE=$ice_line" \
    "PLUGINS_DISABLE=$(IFS=,; echo "${plugins_disable[*]}")"
  render "$HERE/janus/janus.plugin.sip.jcfg" "$conf/janus.plugin.sip.jcfg" "SIP_RTP_RANGE=$7"
  render "$HERE/janus/janus.transport.http.jcfg" "$conf/janus.transport.http.jcfg" \
    "HTTP_PORT=$3" "ADMIN_HTTP_PORT=$5"
  render "$HERE/janus/janus.transport.websockets.jcfg" "$conf/janus.transport.websockets.jcfg" \
    "WS_PORT=$2" "ADMIN_WS_PORT=$4"
  # How stack/service.sh starts it (again); both logs go to logs/NAME.log.
  printf '%q ' "${IN_NS[@]}" janus -F "$conf" -C "$conf/janus.jcfg" -L "$LOG_DIR/$name.log" -N \
    >"$SERVICE_DIR/$name.cmd"
  printf '%q ' "${IN_NS[@]}" curl -fsS --max-time 1 --noproxy '*' "http://127.0.0.1:$3/janus/info" \
    >"$SERVICE_DIR/$name.probe"
  ln -sf "$LOG_DIR/$name.log" "$SERVICE_DIR/$name.log"
}
# Two gateways, for failover: "janus" (the default everywhere) keeps sessions for reclaiming;
# "janus2" does not (reclaim 0), so that, stopped with TERM, it still hangs up its calls (Janus
# 1.1 stops its session watchdog before it closes transports: kept sessions are never hung up).
render_janus janus 8188 8088 7188 7088 40000-40499 41000-41499 "$RECLAIM_SECONDS"
render_janus janus2 8189 8089 7189 7089 40500-40999 41500-41999 0

cp "$HERE/kamailio/kamailio.cfg" "$HERE/kamailio/dispatcher.list" "$STACK_DIR/kamailio/"

# ---------------------------------------------------------------- greeting WAV
# Spoken greeting, repeated, over a soft 440 Hz bed so the signal is never silent;
# 8 kHz mono 16-bit (PCMU/PCMA). VCB_GREETING_SECONDS (default 300) long. This length is
# the longest possible call to 2000: at the end of the file baresip's aufile source reports
# "end of file" and baresip (menu module) hangs the call up (BYE).
GREETING_WAV=$STACK_DIR/greeting.wav
GREETING_SECONDS=${VCB_GREETING_SECONDS:-300}
make_greeting() {
  local speech=$STACK_DIR/speech.wav seg=$STACK_DIR/speech-8k.wav bed=$STACK_DIR/bed.wav
  local mixed=$STACK_DIR/greeting-segment.wav len
  {
    espeak-ng -s 150 -w "$speech" \
      "Hello. You have reached extension two thousand of the voice call button test stack. This is the test greeting." &&
      sox -v 0.9 "$speech" -r 8000 -c 1 -b 16 "$seg" pad 0 0.4 repeat 3 &&
      len=$(soxi -D "$seg") &&
      sox -n -r 8000 -c 1 -b 16 "$bed" synth "$len" sine 440 vol 0.05 &&
      sox -D -m -v 0.8 "$seg" -v 1 "$bed" -e signed-integer "$mixed" &&
      sox "$mixed" "$GREETING_WAV" repeat $((GREETING_SECONDS / 25 + 1)) trim 0 "$GREETING_SECONDS"
  } >>"$LOG_DIR/greeting.log" 2>&1 || return 1
  rm -f "$speech" "$seg" "$bed" "$mixed"
}

# Early-media announcement for 2003 (a different sound from the greeting): speech over a
# 600 Hz tone, one loop of about 8 s (the UAS repeats it), 8 kHz mono 16-bit, plus the raw
# G.711 u-law / A-law files the UAS streams.
EARLY_WAV=$STACK_DIR/announcement.wav
make_announcement() {
  local speech=$STACK_DIR/ann-speech.wav seg=$STACK_DIR/ann-speech-8k.wav bed=$STACK_DIR/ann-bed.wav len
  {
    espeak-ng -s 150 -w "$speech" \
      "Please hold. All our agents are busy. Your call is important to us." &&
      sox -v 0.9 "$speech" -r 8000 -c 1 -b 16 "$seg" pad 0.3 0.5 &&
      len=$(soxi -D "$seg") &&
      sox -n -r 8000 -c 1 -b 16 "$bed" synth "$len" sine 600 vol 0.08 &&
      sox -D -m -v 0.8 "$seg" -v 1 "$bed" -e signed-integer "$EARLY_WAV" &&
      sox "$EARLY_WAV" -t ul "$STACK_DIR/announcement.ul" &&
      sox "$EARLY_WAV" -t al "$STACK_DIR/announcement.al"
  } >>"$LOG_DIR/announcement.log" 2>&1 || return 1
  rm -f "$speech" "$seg" "$bed"
}

# Voicemail for 2011: the prompt (speech, a short pause, a 1 kHz beep of 0.5 s) in
# VOICEMAIL_PROMPT_WAV, and VOICEMAIL_WAV = the prompt followed by digital silence, exactly
# VCB_VOICEMAIL_SECONDS (default 20) long: 2011's audio source, so 2011 hangs up (BYE, as with
# the greeting) that long after it answered; that is the longest message. 8 kHz mono 16-bit.
VOICEMAIL_PROMPT_WAV=$STACK_DIR/voicemail-prompt.wav
VOICEMAIL_WAV=$STACK_DIR/voicemail.wav
VOICEMAIL_SECONDS=${VCB_VOICEMAIL_SECONDS:-20}
[[ $VOICEMAIL_SECONDS =~ ^[0-9]+$ ]] || die "VCB_VOICEMAIL_SECONDS must be whole seconds (got '$VOICEMAIL_SECONDS')"
make_voicemail() {
  local speech=$STACK_DIR/vm-speech.wav seg=$STACK_DIR/vm-speech-8k.wav beep=$STACK_DIR/vm-beep.wav
  local len rest
  {
    espeak-ng -s 150 -w "$speech" "Please leave a message after the tone." &&
      sox -v 0.9 "$speech" -r 8000 -c 1 -b 16 "$seg" pad 0.2 0.3 &&
      sox -n -r 8000 -c 1 -b 16 "$beep" synth 0.5 sine 1000 vol 0.5 &&
      sox "$seg" "$beep" "$VOICEMAIL_PROMPT_WAV" &&
      len=$(soxi -D "$VOICEMAIL_PROMPT_WAV") &&
      # the silence after the prompt: at least 1 s
      if ! rest=$(awk -v l="$len" -v s="$VOICEMAIL_SECONDS" 'BEGIN { if (s - l < 1) exit 1; printf "%.4f", s - l }'); then
        echo "VCB_VOICEMAIL_SECONDS=$VOICEMAIL_SECONDS is too short: the prompt alone takes ${len}s (+1 s)"
        false
      fi &&
      sox "$VOICEMAIL_PROMPT_WAV" "$VOICEMAIL_WAV" pad 0 "$rest"
  } >>"$LOG_DIR/voicemail.log" 2>&1 || return 1
  rm -f "$speech" "$seg" "$beep"
}

# ---------------------------------------------------------------- services
# start NAME LOGFILE CMD...: start in background (inside the namespace), remember PID.
start() {
  local name=$1 logf=$2
  shift 2
  "${IN_NS[@]}" "$@" </dev/null >>"$logf" 2>&1 &
  LAST_PID=$!
  SVC_NAMES+=("$name")
  SVC_PIDS+=("$LAST_PID")
  # No "Killed" job notices from bash when a test kills a service on purpose (the
  # shell still reaps it); cleanup reports services that died on their own instead.
  disown "$LAST_PID"
}

# wait_ready NAME PID LOGFILE PROBE...: poll PROBE until it succeeds, bounded.
wait_ready() {
  local name=$1 pid=$2 logf=$3 deadline
  shift 3
  deadline=$(($(date +%s%N) + READY_TIMEOUT * 1000000000))
  while :; do
    if ! alive "$pid"; then
      log "ERROR: $name (pid $pid) exited during start-up; last lines of ${logf##*/}:"
      tail -n 25 "$logf" >&2 || true
      exit 1
    fi
    if "$@" >/dev/null 2>&1; then return 0; fi
    if (($(date +%s%N) > deadline)); then
      log "ERROR: $name (pid $pid) not ready after ${READY_TIMEOUT}s; last lines of ${logf##*/}:"
      tail -n 25 "$logf" >&2 || true
      exit 1
    fi
    sleep 0.05
  done
}
listening() { # PROTO(t|u) PORT: something in our namespace listens on 127.0.0.1:PORT
  local out
  out=$("${IN_NS[@]}" ss -Hln"$1" "src 127.0.0.1:$2") && [[ -n $out ]]
}
listening_all() { # PROTO:PORT...: all of them listen on 127.0.0.1 (one ss run, cheaper under load)
  local out p
  out=$("${IN_NS[@]}" ss -Hlntu 'src 127.0.0.1') || return 1
  for p in "$@"; do
    grep -Eq "^${p%%:*} .* 127\.0\.0\.1:${p#*:} " <<<"$out" || return 1
  done
}

# Kamailio, PBX front
KLOG=$LOG_DIR/kamailio.log
mkdir -p "$STACK_DIR/kamailio/run"
RINGING_SECONDS=${VCB_RINGING_SECONDS:-3}
[[ $RINGING_SECONDS =~ ^[0-9]+$ ]] || die "VCB_RINGING_SECONDS must be whole seconds (got '$RINGING_SECONDS')"
start kamailio "$KLOG" kamailio -f "$STACK_DIR/kamailio/kamailio.cfg" -DD -E \
  -Y "$STACK_DIR/kamailio/run" -m 32 -M 8 -A "RINGING_DELAY_MS=$((RINGING_SECONDS * 1000))" \
  -A "DISPATCHER_LIST=\"$STACK_DIR/kamailio/dispatcher.list\""
KAMAILIO_PID=$LAST_PID

# the agent UAS, extension 2009 (makes its own 800 Hz tone: nothing to wait for)
ALOG=$LOG_DIR/agent-2009.log
start agent-2009 "$ALOG" node "$HERE/agent-uas.mjs" --sip 127.0.0.1:5072 \
  --rtp-ports 42500-42599 --control 127.0.0.1:4459 --user 2009 --message-reply 415
AGENT_PID=$LAST_PID

# Janus x2, SIP plugin only; started through stack/service.sh, which tests use to stop, kill
# and restart them. Their PIDs live in svc/NAME.pid (cleanup stops whatever is running).
declare -A JANUS_STARTER=()
for name in janus janus2; do
  VCB_SERVICE_DIR=$SERVICE_DIR "$HERE/service.sh" "$name" start &
  JANUS_STARTER[$name]=$!
done

# Greeting while Kamailio and Janus start (baresip needs the file at start-up); the
# announcement and the voicemail prompt at the same time, in the background.
make_announcement &
GEN_PID=$!
make_voicemail &
VM_GEN_PID=$!
make_greeting || die "could not generate the greeting WAV; last lines of greeting.log:
$(tail -n 10 "$LOG_DIR/greeting.log")"
# The wideband line's audio: a steady 6 kHz tone (above G.711's 3.4 kHz band), 48 kHz stereo as
# baresip's Opus takes it (a file that does not match the codec leaves the call unanswered), as
# long as the greeting.
WIDEBAND_WAV=$STACK_DIR/wideband.wav
sox -n -r 48000 -c 2 -b 16 "$WIDEBAND_WAV" synth "$GREETING_SECONDS" sine 6000 vol 0.3 \
  >>"$LOG_DIR/greeting.log" 2>&1 || die "could not generate the wideband WAV"
# The G.722 line's: the same tone at G.722's 16 kHz, mono.
G722_WAV=$STACK_DIR/g722.wav
sox -n -r 16000 -c 1 -b 16 "$G722_WAV" synth "$GREETING_SECONDS" sine 6000 vol 0.3 \
  >>"$LOG_DIR/greeting.log" 2>&1 || die "could not generate the G.722 WAV"

# What every baresip's contacts file names as "current contact" (see stack/baresip/contacts).
VISITOR_CONTACT=sip:visitor@127.0.0.1:5060

# An answering baresip (auto-answer, plays the greeting, records what it receives):
#   start_baresip EXT SIP_PORT CTRL_PORT CONS_PORT RTP_PORTS RECORD_DIR [video] [source=WAV] [max_calls=N] [node=NAME]
# in STACK_DIR/baresip-EXT, logging to LOG_DIR/baresip-EXT.log; its PID in LAST_PID. `video` adds
# stack/baresip/config-video (fakevideo, VP8) and video_codecs=vp8 on the account. `source=WAV`
# plays WAV (8 kHz mono s16) instead of the greeting; at its end baresip hangs the call up.
# `max_calls=N`: how many calls at once (default 4). `node=NAME`: one of several nodes of the
# same extension (the PBX pool): STACK_DIR/NAME, LOG_DIR/NAME.log, started through
# stack/service.sh as the restartable service NAME (its PID in svc/NAME.pid, not LAST_PID).
start_baresip() {
  local ext=$1 dir=$STACK_DIR/baresip-$1 video_params="" video=0 source=$GREETING_WAV opt max_calls=4
  local node="" codecs=pcmu,pcma
  for opt in "${@:7}"; do
    case $opt in
      video) video=1 ;;
      source=*) source=${opt#source=} ;;
      max_calls=*) max_calls=${opt#max_calls=} ;;
      codecs=*) codecs=${opt#codecs=} ;;
      node=*) node=${opt#node=} dir=$STACK_DIR/${opt#node=} ;;
      *) die "start_baresip $ext: unknown option '$opt'" ;;
    esac
  done
  mkdir -p "$dir"
  render "$HERE/baresip/config" "$dir/config" \
    "SIP_LISTEN=127.0.0.1:$2" "CTRL_LISTEN=127.0.0.1:$3" "CONS_LISTEN=127.0.0.1:$4" \
    "RTP_PORTS=$5" "AUDIO_SOURCE_FILE=$source" "SND_PATH=$6" "MAX_CALLS=$max_calls"
  # A line that takes only some codecs loads only those: baresip answers an offer with none of
  # the account's codecs in another one it has loaded (seen: PCMU on the Opus line 2012).
  [[ $codecs == *pcm* ]] || sed -i '/^module[[:space:]]*g711\.so/d' "$dir/config"
  [[ $codecs == *g722* ]] || sed -i '/^module[[:space:]]*g722\.so/d' "$dir/config"
  [[ $codecs == *opus* ]] || sed -i '/^module[[:space:]]*opus\.so/d' "$dir/config"
  if ((video)); then
    cat "$HERE/baresip/config-video" >>"$dir/config"
    video_params=";video_codecs=vp8"
  fi
  render "$HERE/baresip/accounts" "$dir/accounts" \
    "SIP_USER=$ext" "SIP_LISTEN=127.0.0.1:$2" "ANSWERMODE=auto" "VIDEO_PARAMS=$video_params" \
    "AUDIO_CODECS=$codecs"
  render "$HERE/baresip/contacts" "$dir/contacts" "VISITOR_CONTACT=$VISITOR_CONTACT"
  if [[ -n $node ]]; then
    printf '%q ' "${IN_NS[@]}" baresip -f "$dir" >"$SERVICE_DIR/$node.cmd"
    printf '%q ' "${IN_NS[@]}" ss -Hlnu "src 127.0.0.1:$2" >"$SERVICE_DIR/$node.probe"
    printf '| grep -q .\n' >>"$SERVICE_DIR/$node.probe"
    ln -sf "$LOG_DIR/$node.log" "$SERVICE_DIR/$node.log"
    VCB_SERVICE_DIR=$SERVICE_DIR "$HERE/service.sh" "$node" start
    return
  fi
  start "baresip-$ext" "$LOG_DIR/baresip-$ext.log" baresip -f "$dir"
}

# 2000: the answering extension
# VCB_ANSWER_MAX_CALLS: how many calls 2000 takes at once (npm run bench:load raises it; its RTP
# range holds 50).
ANSWER_MAX_CALLS=${VCB_ANSWER_MAX_CALLS:-4}
[[ $ANSWER_MAX_CALLS =~ ^[0-9]+$ ]] && ((ANSWER_MAX_CALLS >= 1 && ANSWER_MAX_CALLS <= 50)) ||
  die "VCB_ANSWER_MAX_CALLS must be 1-50 (got '$ANSWER_MAX_CALLS')"
start_baresip 2000 5062 4444 4454 42000-42099 "$RECORD_DIR" max_calls="$ANSWER_MAX_CALLS"
BARESIP_PID=$LAST_PID BLOG=$LOG_DIR/baresip-2000.log
# 2002: ringing (Kamailio delays the INVITE, this one answers at once)
start_baresip 2002 5066 4446 4456 42200-42299 "$RECORD_DIR_RINGING"
BARESIP_RINGING_PID=$LAST_PID RLOG=$LOG_DIR/baresip-2002.log
# 2008: the transfer target (answers like 2000, records into its own dir)
start_baresip 2008 5068 4448 4458 42400-42499 "$RECORD_DIR_TRANSFER"
BARESIP_TRANSFER_PID=$LAST_PID XLOG=$LOG_DIR/baresip-2008.log
# 2010: video (answers like 2000, plus VP8 video from a fake camera)
start_baresip 2010 5074 4450 4460 42600-42699 "$RECORD_DIR_VIDEO" video
BARESIP_VIDEO_PID=$LAST_PID VLOG=$LOG_DIR/baresip-2010.log
# 2011: voicemail (answers like 2000, plays the prompt + silence, hangs up at its end)
wait "$VM_GEN_PID" || die "could not generate the voicemail WAV; last lines of voicemail.log:
$(tail -n 10 "$LOG_DIR/voicemail.log")"
VM_GEN_PID=""
start_baresip 2011 5078 4452 4462 42800-42899 "$RECORD_DIR_VOICEMAIL" source="$VOICEMAIL_WAV"
BARESIP_VOICEMAIL_PID=$LAST_PID MLOG=$LOG_DIR/baresip-2011.log
# 2012: the wideband line (Opus only; plays a 6 kHz tone, which G.711's band cannot carry)
start_baresip 2012 5086 4468 4478 43200-43299 "$RECORD_DIR_WIDEBAND" codecs=opus source="$WIDEBAND_WAV"
BARESIP_WIDEBAND_PID=$LAST_PID WLOG=$LOG_DIR/baresip-2012.log
# 2013: the G.722 line (G.722 only; the same tone at G.722's 16 kHz)
start_baresip 2013 5088 4470 4480 43300-43399 "$RECORD_DIR_G722" codecs=g722 source="$G722_WAV"
BARESIP_G722_PID=$LAST_PID GLOG=$LOG_DIR/baresip-2013.log
# 2100: the PBX pool, two nodes behind Kamailio's dispatcher (stack/kamailio/dispatcher.list)
POOL_MAX_CALLS=${VCB_POOL_MAX_CALLS:-25}
[[ $POOL_MAX_CALLS =~ ^[0-9]+$ ]] && ((POOL_MAX_CALLS >= 1 && POOL_MAX_CALLS <= 50)) ||
  die "VCB_POOL_MAX_CALLS must be 1-50 (got '$POOL_MAX_CALLS')"
start_baresip 2100 5082 4464 4474 43000-43099 "$RECORD_DIR_PBX_A" max_calls="$POOL_MAX_CALLS" node=pbx-a
start_baresip 2100 5084 4466 4476 43100-43199 "$RECORD_DIR_PBX_B" max_calls="$POOL_MAX_CALLS" node=pbx-b

# HAProxy: the gateway pool in front of both Janus instances
render "$HERE/haproxy/haproxy.cfg" "$STACK_DIR/haproxy/haproxy.cfg" "POOL_PORT=8190" \
  "JANUS_WS=127.0.0.1:8188" "JANUS_HTTP_PORT=8088" "JANUS2_WS=127.0.0.1:8189" "JANUS2_HTTP_PORT=8089"
HLOG=$LOG_DIR/haproxy.log
start haproxy "$HLOG" haproxy -db -f "$STACK_DIR/haproxy/haproxy.cfg"
HAPROXY_PID=$LAST_PID

# early-media UAS, extension 2003
wait "$GEN_PID" || die "could not generate the announcement WAV; last lines of announcement.log:
$(tail -n 10 "$LOG_DIR/announcement.log")"
GEN_PID=""
ELOG=$LOG_DIR/early-2003.log
start early-2003 "$ELOG" node "$HERE/early-media-uas.mjs" --sip 127.0.0.1:5064 \
  --rtp-ports 42300-42399 --pcmu "$STACK_DIR/announcement.ul" --pcma "$STACK_DIR/announcement.al" \
  --max-seconds 120
EARLY_PID=$LAST_PID

wait_ready kamailio "$KAMAILIO_PID" "$KLOG" listening u 5060
baresip_ready() { listening_all udp:5062 tcp:4444 tcp:4454; }
wait_ready baresip-2000 "$BARESIP_PID" "$BLOG" baresip_ready
baresip_ringing_ready() { listening_all udp:5066 tcp:4446 tcp:4456; }
wait_ready baresip-2002 "$BARESIP_RINGING_PID" "$RLOG" baresip_ringing_ready
baresip_transfer_ready() { listening_all udp:5068 tcp:4448 tcp:4458; }
wait_ready baresip-2008 "$BARESIP_TRANSFER_PID" "$XLOG" baresip_transfer_ready
baresip_video_ready() { listening_all udp:5074 tcp:4450 tcp:4460; }
wait_ready baresip-2010 "$BARESIP_VIDEO_PID" "$VLOG" baresip_video_ready
baresip_voicemail_ready() { listening_all udp:5078 tcp:4452 tcp:4462; }
wait_ready baresip-2011 "$BARESIP_VOICEMAIL_PID" "$MLOG" baresip_voicemail_ready
baresip_wideband_ready() { listening_all udp:5086 tcp:4468 tcp:4478; }
wait_ready baresip-2012 "$BARESIP_WIDEBAND_PID" "$WLOG" baresip_wideband_ready
baresip_g722_ready() { listening_all udp:5088 tcp:4470 tcp:4480; }
wait_ready baresip-2013 "$BARESIP_G722_PID" "$GLOG" baresip_g722_ready
wait_ready early-2003 "$EARLY_PID" "$ELOG" listening u 5064
wait_ready agent-2009 "$AGENT_PID" "$ALOG" listening t 4459
wait_ready haproxy "$HAPROXY_PID" "$HLOG" listening t 8190

# Console loggers: baresip prints a received MESSAGE only on its console (cons), to the ONE TCP
# client connected; these clients (one process each, "cat" on the socket) keep that output in a
# log for the tests.
CONSOLE_LOG=$LOG_DIR/baresip-2000-console.log
CONSOLE_LOG_TRANSFER=$LOG_DIR/baresip-2008-console.log
console_connected() { # PORT: our client is connected to that console
  local out
  out=$("${IN_NS[@]}" ss -Htn state established "( dport = :$1 )") && [[ -n $out ]]
}
start console-2000 "$CONSOLE_LOG" bash -c 'exec 3<>/dev/tcp/127.0.0.1/4454 && exec cat <&3'
CONSOLE_PID=$LAST_PID
start console-2008 "$CONSOLE_LOG_TRANSFER" bash -c 'exec 3<>/dev/tcp/127.0.0.1/4458 && exec cat <&3'
CONSOLE_TRANSFER_PID=$LAST_PID
wait_ready console-2000 "$CONSOLE_PID" "$CONSOLE_LOG" console_connected 4454
wait_ready console-2008 "$CONSOLE_TRANSFER_PID" "$CONSOLE_LOG_TRANSFER" console_connected 4458
for name in janus janus2; do
  wait "${JANUS_STARTER[$name]}" || die "$name did not start; last lines of $name.log:
$(tail -n 25 "$LOG_DIR/$name.log")"
done
JANUS_PID=$(<"$SERVICE_DIR/janus.pid")
JANUS2_PID=$(<"$SERVICE_DIR/janus2.pid")
wait_ready janus-ws "$JANUS_PID" "$LOG_DIR/janus.log" listening t 8188
wait_ready janus2-ws "$JANUS2_PID" "$LOG_DIR/janus2.log" listening t 8189

T1=$(date +%s%N)
log "up in $(( (T1 - T0) / 1000000 )) ms ($NETWORK${NS:+ $NS}): janus pid $JANUS_PID ws://127.0.0.1:8188, janus2 pid $JANUS2_PID ws://127.0.0.1:8189, kamailio pid $KAMAILIO_PID sip 127.0.0.1:5060, baresip-2000 pid $BARESIP_PID, baresip-2002 pid $BARESIP_RINGING_PID, early-2003 pid $EARLY_PID, baresip-2008 pid $BARESIP_TRANSFER_PID, baresip-2010 pid $BARESIP_VIDEO_PID, baresip-2011 pid $BARESIP_VOICEMAIL_PID, agent-2009 pid $AGENT_PID, haproxy pid $HAPROXY_PID ws://127.0.0.1:8190, pbx-a pid $(<"$SERVICE_DIR/pbx-a.pid"), pbx-b pid $(<"$SERVICE_DIR/pbx-b.pid")"

# ---------------------------------------------------------------- the command
export VCB_NETWORK=$NETWORK
export VCB_NETNS=$NS
export VCB_STACK_DIR=$STACK_DIR
export VCB_LOG_DIR=$LOG_DIR
export VCB_RECORD_DIR=$RECORD_DIR
export VCB_GREETING_WAV=$GREETING_WAV
export VCB_JANUS_WS=ws://127.0.0.1:8188
export VCB_JANUS_HTTP=http://127.0.0.1:8088/janus
export VCB_JANUS_ADMIN_WS=ws://127.0.0.1:7188
export VCB_JANUS_ADMIN_HTTP=http://127.0.0.1:7088/admin
export VCB_JANUS_ADMIN_SECRET=$ADMIN_SECRET
export VCB_JANUS_TOKEN_SECRET=$TOKEN_SECRET
export VCB_JANUS_PID=$JANUS_PID
export VCB_JANUS2_WS=ws://127.0.0.1:8189
export VCB_JANUS2_HTTP=http://127.0.0.1:8089/janus
export VCB_JANUS2_ADMIN_HTTP=http://127.0.0.1:7089/admin
export VCB_RECLAIM_SECONDS=$RECLAIM_SECONDS
export VCB_SERVICE=$HERE/service.sh
export VCB_SERVICE_DIR=$SERVICE_DIR
export VCB_KAMAILIO_PID=$KAMAILIO_PID
export VCB_BARESIP_PID=$BARESIP_PID
export VCB_SIP_DOMAIN=127.0.0.1:5060
export VCB_EXT_ANSWER=2000
export VCB_EXT_BUSY=2001
export VCB_EXT_UNKNOWN=2999
export VCB_BARESIP_CTRL=127.0.0.1:4444
export VCB_EXT_RINGING=2002
export VCB_EXT_EARLY=2003
export VCB_EXT_DECLINED=2004 VCB_EXT_UNAVAILABLE=2005 VCB_EXT_SERVICE_UNAVAILABLE=2006 VCB_EXT_TIMEOUT=2007
export VCB_RINGING_SECONDS=$RINGING_SECONDS
export VCB_BARESIP_RINGING_CTRL=127.0.0.1:4446
export VCB_BARESIP_RINGING_PID=$BARESIP_RINGING_PID
export VCB_RECORD_DIR_RINGING=$RECORD_DIR_RINGING
export VCB_EARLY_WAV=$EARLY_WAV
export VCB_EARLY_PID=$EARLY_PID
export VCB_EARLY_LOG=$ELOG
export VCB_IMPAIR=$HERE/impair.sh
export VCB_EXT_TRANSFER=2008
export VCB_BARESIP_TRANSFER_CTRL=127.0.0.1:4448
export VCB_BARESIP_TRANSFER_PID=$BARESIP_TRANSFER_PID
export VCB_RECORD_DIR_TRANSFER=$RECORD_DIR_TRANSFER
export VCB_EXT_AGENT=2009
export VCB_AGENT_CTRL=http://127.0.0.1:4459
export VCB_AGENT_PID=$AGENT_PID
export VCB_AGENT_LOG=$ALOG
export VCB_BARESIP_CONSOLE_LOG=$CONSOLE_LOG
export VCB_BARESIP_TRANSFER_CONSOLE_LOG=$CONSOLE_LOG_TRANSFER
export VCB_VISITOR_CONTACT=$VISITOR_CONTACT
export VCB_EXT_VIDEO=2010
export VCB_BARESIP_VIDEO_CTRL=127.0.0.1:4450
export VCB_BARESIP_VIDEO_PID=$BARESIP_VIDEO_PID
export VCB_BARESIP_VIDEO_LOG=$VLOG
export VCB_RECORD_DIR_VIDEO=$RECORD_DIR_VIDEO
export VCB_EXT_VOICEMAIL=2011
export VCB_BARESIP_VOICEMAIL_CTRL=127.0.0.1:4452
export VCB_BARESIP_VOICEMAIL_PID=$BARESIP_VOICEMAIL_PID
export VCB_RECORD_DIR_VOICEMAIL=$RECORD_DIR_VOICEMAIL
export VCB_VOICEMAIL_SECONDS=$VOICEMAIL_SECONDS
export VCB_VOICEMAIL_PROMPT_WAV=$VOICEMAIL_PROMPT_WAV
export VCB_EXT_WIDEBAND=2012
export VCB_BARESIP_WIDEBAND_CTRL=127.0.0.1:4468
export VCB_RECORD_DIR_WIDEBAND=$RECORD_DIR_WIDEBAND
export VCB_EXT_G722=2013
export VCB_POOL_WS=ws://127.0.0.1:8190
export VCB_HAPROXY_LOG=$HLOG
export VCB_EXT_POOL=2100
export VCB_POOL_MAX_CALLS=$POOL_MAX_CALLS
export VCB_PBX_A_CTRL=127.0.0.1:4464 VCB_PBX_B_CTRL=127.0.0.1:4466
export VCB_RECORD_DIR_PBX_A=$RECORD_DIR_PBX_A VCB_RECORD_DIR_PBX_B=$RECORD_DIR_PBX_B
VCB_CHROMIUM=$(command -v chromium || true)
export VCB_CHROMIUM
# Temp files of the command (Chromium profiles, ...) go into the run's temp dir too.
mkdir -p "$STACK_DIR/tmp"
export TMPDIR=$STACK_DIR/tmp

# Background + wait so that SIGTERM to this script is handled at once; the subshell
# restores SIGINT/SIGQUIT (bash ignores them in background jobs) and the real stdin.
exec 3<&0
( trap - INT QUIT; exec "${IN_NS[@]}" "$@" ) <&3 &
CMD_PID=$!
exec 3<&-
CMD_RC=0
wait "$CMD_PID" || CMD_RC=$?
CMD_PID=""
if ((CMD_RC != 0)); then
  CMD_FAILED=1
  log "command exited with status $CMD_RC"
fi
exit "$CMD_RC"
