# shellcheck shell=bash
# .ci/lib/registry.sh - a throw-away local image registry on 127.0.0.1:5000.
#
# Runs Debian's docker-registry (distribution 2.8) from a config written at run
# time (the package's own config is not usable here) with filesystem storage in
# a fresh temporary folder, in the background by PID. dockerd allows plain HTTP
# to 127.0.0.0/8 by default, so no --insecure-registry flag is needed.
#
# Usage (from .ci/run):
#   set -euo pipefail
#   source .ci/lib/docker-engine.sh
#   source .ci/lib/registry.sh
#   ci_docker_up
#   ci_registry_start
#   trap 'ci_registry_stop; ci_docker_down' EXIT
#   docker tag thoughts-api "$CI_REGISTRY/thoughts-api:ci"
#   docker push "$CI_REGISTRY/thoughts-api:ci"
#
# Functions:
#   ci_registry_start   install docker-registry if missing, write its config,
#                       start it (setsid, PID file), wait until /v2/ answers
#   ci_registry_stop    stop it by PID (bounded wait) and delete its storage
#
# Env read (optional): CI_WORK_DIR, CI_REGISTRY_PORT (default 5000)
# Env exported: CI_REGISTRY=127.0.0.1:$CI_REGISTRY_PORT
# Files: $CI_WORK_DIR/registry/{config.yml,registry.pid,registry.log,storage.*}

if [[ -n "${_CI_REGISTRY_SH:-}" ]]; then return 0; fi
_CI_REGISTRY_SH=1

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

_ci_registry_env() {
  ci_work_dir >/dev/null
  CI_REGISTRY=127.0.0.1:${CI_REGISTRY_PORT:-5000}
  export CI_REGISTRY
  _CI_REGISTRY_DIR=$CI_WORK_DIR/registry
  mkdir -p "$_CI_REGISTRY_DIR"
}

_ci_registry_answers() {
  curl -fsS --noproxy '*' --max-time 2 -o /dev/null "http://$CI_REGISTRY/v2/" 2>/dev/null
}

ci_registry_start() {
  _ci_registry_env
  local dir=$_CI_REGISTRY_DIR storage
  local pidfile=$dir/registry.pid config=$dir/config.yml
  if ci_pid_alive "$pidfile" "$config" && _ci_registry_answers; then
    ci_log "registry already running on $CI_REGISTRY (PID $(<"$pidfile"))"
    return 0
  fi
  ci_stop_pid "$pidfile" "$config" 10
  if _ci_registry_answers; then
    ci_log "something else already answers on $CI_REGISTRY; not starting a registry"
    return 1
  fi
  command -v docker-registry >/dev/null 2>&1 || ci_apt_install docker-registry
  command -v curl >/dev/null 2>&1 || ci_apt_install curl
  _ci_registry_cleanup_storage
  storage=$(mktemp -d "$dir/storage.XXXXXX")
  cat >"$config" <<EOF
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $storage
  delete:
    enabled: true
http:
  addr: $CI_REGISTRY
EOF
  ci_log "starting docker-registry on $CI_REGISTRY (storage $storage)"
  ci_spawn "$pidfile" "$dir/registry.log" docker-registry serve "$config"
  if ! ci_wait_for 30 "registry on $CI_REGISTRY" _ci_registry_answers; then
    tail -n 20 "$dir/registry.log" >&2 || true
    return 1
  fi
  ci_log "registry up on $CI_REGISTRY, PID $(<"$pidfile")"
}

_ci_registry_cleanup_storage() {
  local d
  for d in "$_CI_REGISTRY_DIR"/storage.*; do
    [[ -d "$d" ]] && rm -rf "$d"
  done
  return 0
}

ci_registry_stop() {
  _ci_registry_env
  ci_stop_pid "$_CI_REGISTRY_DIR/registry.pid" "$_CI_REGISTRY_DIR/config.yml" 20 || return 1
  _ci_registry_cleanup_storage
}
