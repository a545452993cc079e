# shellcheck shell=bash
# .ci/lib/common.sh - small helpers shared by the other .ci/lib files.
#
# Usage (the other libs source this file themselves; .ci/run rarely needs it):
#   set -euo pipefail
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#   ci_apt_install jq
#
# Functions:
#   ci_log MSG...                  timestamped line on stderr
#   ci_work_dir                    create $CI_WORK_DIR (default /var/tmp/thoughts-ci),
#                                  export it and print it
#   ci_apt_install PKG...          install the missing packages only; `apt-get update`
#                                  at most once per shell; services are not auto-started
#   ci_wait_for SECS DESC CMD...   retry CMD every 0.5 s, at most SECS seconds and
#                                  2*SECS tries; returns 1 on time-out
#   ci_spawn PIDFILE LOG CMD...    start CMD in the background in its own session
#                                  (setsid); its exact PID is written to PIDFILE
#   ci_pid_alive PIDFILE MATCH     true if PIDFILE holds a live, non-zombie process
#                                  whose command line contains MATCH
#   ci_stop_pid PIDFILE MATCH SECS SIGTERM that PID, wait at most SECS, then SIGKILL;
#                                  removes PIDFILE. Never signals anything by name.
#   ci_umount_under DIR            lazily unmount whatever is still mounted on or
#                                  below DIR (only call it when nothing uses DIR)
#
# Env read: CI_WORK_DIR (optional). Env exported: CI_WORK_DIR.

if [[ -n "${_CI_COMMON_SH:-}" ]]; then return 0; fi
_CI_COMMON_SH=1

ci_log() {
  printf '[ci %(%H:%M:%S)T] %s\n' -1 "$*" >&2
}

ci_work_dir() {
  : "${CI_WORK_DIR:=/var/tmp/thoughts-ci}"
  export CI_WORK_DIR
  mkdir -p "$CI_WORK_DIR"
  printf '%s\n' "$CI_WORK_DIR"
}

_ci_pkg_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}

ci_apt_install() {
  local pkg missing=()
  for pkg in "$@"; do
    _ci_pkg_installed "$pkg" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  ci_log "apt-get install ${missing[*]}"
  if [[ -z "${_CI_APT_UPDATED:-}" ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    _CI_APT_UPDATED=1
  fi
  # Subshell so the EXIT trap only removes a policy-rc.d that we created.
  (
    # Without a policy-rc.d the maintainer scripts would start the packaged
    # services (dockerd on /var/lib/docker, a registry on :5000) behind our back.
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
      chmod 0755 /usr/sbin/policy-rc.d
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}" </dev/null
  )
}

ci_wait_for() {
  local secs=$1 desc=$2 tries
  shift 2
  local deadline=$((SECONDS + secs))
  for ((tries = 0; tries < secs * 2; tries++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    ((SECONDS < deadline)) || break
    sleep 0.5
  done
  ci_log "timed out after ${secs}s waiting for: $desc"
  return 1
}

ci_spawn() {
  local pidfile=$1 log=$2
  shift 2
  rm -f "$pidfile"
  # sh writes its own PID and then execs CMD, so the PID is exact even if
  # setsid had to fork (it does when the caller is a process-group leader).
  # shellcheck disable=SC2016  # $$ and $0 are for the inner sh
  setsid sh -c 'echo "$$" >"$0"; exec "$@"' "$pidfile" "$@" \
    >>"$log" 2>&1 </dev/null &
  ci_wait_for 10 "pid file $pidfile" test -s "$pidfile"
}

_ci_pid_running() {
  local state
  [[ -r "/proc/$1/status" ]] || return 1
  state=$(awk '/^State:/ {print $2; exit}' "/proc/$1/status" 2>/dev/null) || return 1
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

ci_pid_alive() {
  local pidfile=$1 match=$2 pid cmdline
  [[ -s "$pidfile" ]] || return 1
  pid=$(<"$pidfile")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  _ci_pid_running "$pid" || return 1
  # The command-line check guards against a recycled PID.
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmdline" == *"$match"* ]]
}

ci_stop_pid() {
  local pidfile=$1 match=$2 secs=${3:-30} pid
  if ! ci_pid_alive "$pidfile" "$match"; then
    rm -f "$pidfile"
    return 0
  fi
  pid=$(<"$pidfile")
  ci_log "stopping PID $pid ($match)"
  kill -TERM "$pid" 2>/dev/null || true
  if ! ci_wait_for "$secs" "PID $pid to exit" eval "! _ci_pid_running $pid"; then
    ci_log "PID $pid still running, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    ci_wait_for 10 "PID $pid to die" eval "! _ci_pid_running $pid" || return 1
  fi
  # Reap it if it was our own background child; harmless otherwise.
  wait "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

ci_umount_under() {
  local dir mnt
  dir=$(realpath -m "$1")
  # Deepest first, so nested mounts come off before their parents.
  while IFS= read -r mnt; do
    [[ -n "$mnt" ]] || continue
    ci_log "unmounting leftover $mnt"
    umount -l "$mnt" 2>/dev/null || true
  done < <(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 {print $5}' \
    /proc/self/mountinfo | sort -r)
}
