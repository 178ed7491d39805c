#!/usr/bin/env bash
# stack/service.sh - stop, kill or (re)start one service of a running stack, by PID.
#
#   stack/service.sh NAME stop|kill|start|restart|pid
#
# For fault-injection tests: "stop" sends TERM (then KILL after 3 s), "kill" sends KILL at
# once, "start" starts the service again exactly as stack/with-stack.sh first started it and
# waits (bounded) until it answers. with-stack.sh describes each restartable service in
# VCB_SERVICE_DIR (NAME.cmd: the command line, NAME.log, NAME.probe: a readiness probe) and
# keeps its current PID in NAME.pid; this script keeps that file true, so with-stack.sh's
# cleanup stops whatever runs at the end, whoever started it. Restartable: janus, janus2.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
die() { printf '[service] ERROR: %s\n' "$*" >&2; exit 1; }

(($# == 2)) || die "usage: stack/service.sh NAME stop|kill|start|restart|pid"
NAME=$1 ACTION=$2
DIR=${VCB_SERVICE_DIR:-}
[[ -n $DIR && -d $DIR ]] || die "VCB_SERVICE_DIR is not set: run this inside stack/with-stack.sh"
[[ $NAME =~ ^[a-z0-9-]+$ && -f $DIR/$NAME.cmd ]] || die "no restartable service '$NAME'"
PIDFILE=$DIR/$NAME.pid
READY_TIMEOUT=${VCB_READY_TIMEOUT:-15}

current() { # the service's live PID, or nothing
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
  return 0
}

stop() { # SIGNAL: TERM waits up to 3 s and then KILLs; KILL waits until it is gone
  local pid i
  pid=$(current)
  if [[ -z $pid ]]; then
    rm -f "$PIDFILE"
    return 0
  fi
  kill -"$1" "$pid" 2>/dev/null || true
  for ((i = 0; i < 30; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    printf '[service] %s (pid %s) ignored %s for 3 s: KILL\n' "$NAME" "$pid" "$1" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  fi
  # Removed, not left stale: a reused PID must never be signalled by the cleanup.
  rm -f "$PIDFILE"
  printf '[service] %s (pid %s) stopped with %s\n' "$NAME" "$pid" "$1" >&2
}

start() {
  local pid deadline cmd probe
  [[ -z $(current) ]] || die "$NAME is already running (pid $(current))"
  cmd=$(<"$DIR/$NAME.cmd")
  probe=$(<"$DIR/$NAME.probe")
  # shellcheck disable=SC2086  # cmd and probe are stored already quoted (printf %q)
  # exec: the PID is the service's own, not a subshell's.
  eval "exec $cmd" </dev/null >>"$DIR/$NAME.log" 2>&1 &
  pid=$!
  echo "$pid" >"$PIDFILE"
  disown "$pid"
  deadline=$(($(date +%s) + READY_TIMEOUT))
  until eval "$probe" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || die "$NAME (pid $pid) exited during start-up; see ${NAME}.log"
    (($(date +%s) < deadline)) || die "$NAME (pid $pid) not ready after ${READY_TIMEOUT} s"
    sleep 0.05
  done
  printf '[service] %s started (pid %s)\n' "$NAME" "$pid" >&2
}

case $ACTION in
  stop) stop TERM ;;
  kill) stop KILL ;;
  start) start ;;
  restart) stop TERM && start ;;
  pid) current ;;
  *) die "unknown action '$ACTION'" ;;
esac
