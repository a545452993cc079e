# shellcheck shell=bash
# .ci/lib/postgres.sh - a throw-away PostgreSQL cluster on a loopback port,
# for the host test run against a real server.
#
# Usage (from .ci/run):
#   set -euo pipefail
#   source .ci/lib/postgres.sh
#   ci_postgres_up                 # install if needed, initdb, start, create role + db
#   trap 'ci_postgres_down' EXIT   # stop the server by PID
#   DATABASE_URL=$CI_POSTGRES_URL pytest ...
#
# Functions:
#   ci_postgres_up     install Debian's postgresql when missing, make a fresh
#                      cluster under $CI_WORK_DIR/postgres, start it on
#                      127.0.0.1:$CI_POSTGRES_PORT, create the role and the
#                      test database
#   ci_postgres_down   stop the server by the PID it was started with, remove the cluster
#
# Env read: CI_WORK_DIR, CI_POSTGRES_PORT (default 55432).
# Env exported: CI_POSTGRES_URL (postgresql://thoughts:...@127.0.0.1:PORT/thoughts_test).

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

_ci_postgres_bin() {
  # The newest installed server version.
  local dir
  dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$dir" && -x "$dir/postgres" ]] && printf '%s\n' "$dir"
}

ci_postgres_up() {
  local work bin port=${CI_POSTGRES_PORT:-55432} password=ci-only-password
  work="$(ci_work_dir)/postgres"
  bin=$(_ci_postgres_bin) || { ci_apt_install postgresql; bin=$(_ci_postgres_bin); }

  rm -rf "$work"
  mkdir -p "$work/data" "$work/socket"
  printf '%s\n' "$password" >"$work/password"
  chown -R postgres:postgres "$work"
  # initdb and postgres refuse to run as root; setpriv execs, so the PID stays exact.
  setpriv --reuid=postgres --regid=postgres --init-groups \
    "$bin/initdb" -D "$work/data" -U postgres --pwfile="$work/password" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$work/initdb.log"

  ci_spawn "$work/postgres.pid" "$work/server.log" \
    setpriv --reuid=postgres --regid=postgres --init-groups \
    "$bin/postgres" -D "$work/data" -p "$port" -k "$work/socket" -c listen_addresses=127.0.0.1
  ci_wait_for 30 "PostgreSQL on 127.0.0.1:$port" "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q ||
    { tail -n 20 "$work/server.log" >&2; return 1; }

  "$bin/psql" -h "$work/socket" -p "$port" -U postgres -v ON_ERROR_STOP=1 -q <<SQL
CREATE ROLE thoughts LOGIN PASSWORD '$password';
CREATE DATABASE thoughts_test OWNER thoughts;
SQL
  export CI_POSTGRES_URL="postgresql://thoughts:$password@127.0.0.1:$port/thoughts_test"
  ci_log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') up on 127.0.0.1:$port"
}

ci_postgres_down() {
  local work
  work="$(ci_work_dir)/postgres"
  ci_stop_pid "$work/postgres.pid" "postgres" 30
  rm -rf "$work"
}
