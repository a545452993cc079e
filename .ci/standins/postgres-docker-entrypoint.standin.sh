#!/usr/bin/env bash
# LOCAL STAND-IN for the official postgres image's docker-entrypoint.sh, used
# only by the CI stand-in image (postgres-17-trixie.standin.Dockerfile) because
# no container registry can be reached in CI. It honours the same interface:
#
#   POSTGRES_USER (default postgres), POSTGRES_PASSWORD, POSTGRES_DB (default
#   = user), PGDATA (default /var/lib/postgresql/data), POSTGRES_INITDB_ARGS,
#   POSTGRES_INITDB_WALDIR, POSTGRES_HOST_AUTH_METHOD (default: the server's
#   password_encryption, i.e. scram-sha-256), each also as VAR_FILE.
#   On an empty $PGDATA: initdb, then /docker-entrypoint-initdb.d/* in sorted
#   order against a socket-only temporary server: *.sh executed if executable,
#   else sourced; *.sql, *.sql.gz, *.sql.xz, *.sql.zst fed to psql. Once only.
#   The command is `postgres [args...]` (or just `-c ...` flags); anything else
#   is exec'd as is. Runs postgres as the postgres user via gosu, as PID 1.
set -Eeo pipefail

# VAR_FILE support: read VAR from the file named by VAR_FILE.
file_env() {
  local var=$1 def=${2:-} fvar="${1}_FILE" val
  if [[ -n "${!var:-}" && -n "${!fvar:-}" ]]; then
    printf >&2 'error: both %s and %s are set (but are exclusive)\n' "$var" "$fvar"
    exit 1
  fi
  val=$def
  if [[ -n "${!var:-}" ]]; then
    val=${!var}
  elif [[ -n "${!fvar:-}" ]]; then
    val=$(<"${!fvar}")
  fi
  export "$var"="$val"
  unset "$fvar"
}

want_help() {
  local arg
  for arg; do
    case "$arg" in
      -'?' | --help | --describe-config | -V | --version | -C) return 0 ;;
    esac
  done
  return 1
}

setup_env() {
  : "${PGDATA:=/var/lib/postgresql/data}"
  export PGDATA
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  : "${POSTGRES_HOST_AUTH_METHOD:=}"
  DATABASE_ALREADY_EXISTS=
  if [[ -s "$PGDATA/PG_VERSION" ]]; then DATABASE_ALREADY_EXISTS=true; fi
}

create_db_directories() {
  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA" || :
  mkdir -p /var/run/postgresql || :
  chmod 03775 /var/run/postgresql || :
  if [[ -n "${POSTGRES_INITDB_WALDIR:-}" ]]; then
    mkdir -p "$POSTGRES_INITDB_WALDIR"
    chmod 700 "$POSTGRES_INITDB_WALDIR"
  fi
  if [[ "$(id -u)" == 0 ]]; then
    find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
    find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
    if [[ -n "${POSTGRES_INITDB_WALDIR:-}" ]]; then
      find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres '{}' +
    fi
  fi
}

verify_minimum_env() {
  if [[ -z "$POSTGRES_PASSWORD" && "$POSTGRES_HOST_AUTH_METHOD" != trust ]]; then
    cat >&2 <<'EOM'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".
       (Or POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a
       password; not recommended.)
EOM
    exit 1
  fi
}

init_database_dir() {
  local args=()
  if [[ -n "${POSTGRES_INITDB_WALDIR:-}" ]]; then
    args+=(--waldir "$POSTGRES_INITDB_WALDIR")
  fi
  # POSTGRES_INITDB_ARGS is a word list on purpose (as in the official image).
  # shellcheck disable=SC2086
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    "${args[@]}" $POSTGRES_INITDB_ARGS
}

setup_hba_conf() {
  if [[ "${1:-}" == postgres ]]; then shift; fi
  local auth
  auth=$(postgres -C password_encryption "$@")
  : "${POSTGRES_HOST_AUTH_METHOD:=$auth}"
  {
    printf '\n'
    if [[ "$POSTGRES_HOST_AUTH_METHOD" == trust ]]; then
      printf '# warning trust is enabled for all connections\n'
    fi
    printf 'host all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD"
  } >>"$PGDATA/pg_hba.conf"
}

# psql as the init scripts of the official image see it.
docker_process_sql() {
  local runner=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
  if [[ -n "$POSTGRES_DB" ]]; then runner+=(--dbname "$POSTGRES_DB"); fi
  PGHOST='' PGHOSTADDR='' "${runner[@]}" "$@"
}

temp_server_start() {
  if [[ "${1:-}" == postgres ]]; then shift; fi
  # Socket only: nothing outside the container can connect during init.
  set -- "$@" -c listen_addresses='' -p "${PGPORT:-5432}"
  NOTIFY_SOCKET='' PGUSER="${PGUSER:-$POSTGRES_USER}" \
    pg_ctl -D "$PGDATA" -o "$(printf '%q ' "$@")" -w start
}

temp_server_stop() {
  PGUSER="${PGUSER:-postgres}" pg_ctl -D "$PGDATA" -m fast -w stop
}

setup_db() {
  local exists db=$POSTGRES_DB
  # POSTGRES_DB may not exist yet, so these two run against "postgres".
  exists=$(POSTGRES_DB='' docker_process_sql --dbname postgres --set db="$db" \
    --tuples-only <<<"SELECT 1 FROM pg_database WHERE datname = :'db' ;")
  if [[ -z "${exists//[[:space:]]/}" ]]; then
    POSTGRES_DB='' docker_process_sql --dbname postgres --set db="$db" \
      <<<'CREATE DATABASE :"db" ;'
    printf '\n'
  fi
}

process_init_files() {
  local f
  # Sourced scripts written for the official image may use "${psql[@]}".
  # shellcheck disable=SC2034
  local psql=(docker_process_sql)
  printf '\n'
  for f; do
    case "$f" in
      *.sh)
        if [[ -x "$f" ]]; then
          printf '%s: running %s\n' "$0" "$f"
          "$f"
        else
          printf '%s: sourcing %s\n' "$0" "$f"
          # shellcheck disable=SC1090
          . "$f"
        fi
        ;;
      *.sql) printf '%s: running %s\n' "$0" "$f"; docker_process_sql -f "$f"; printf '\n' ;;
      *.sql.gz) printf '%s: running %s\n' "$0" "$f"; gunzip -c "$f" | docker_process_sql; printf '\n' ;;
      *.sql.xz) printf '%s: running %s\n' "$0" "$f"; xzcat "$f" | docker_process_sql; printf '\n' ;;
      *.sql.zst) printf '%s: running %s\n' "$0" "$f"; zstd -dc "$f" | docker_process_sql; printf '\n' ;;
      *) printf '%s: ignoring %s\n' "$0" "$f" ;;
    esac
    printf '\n'
  done
}

main() {
  # `docker run image -c foo=bar` means `postgres -c foo=bar`.
  if [[ "${1:0:1}" == - ]]; then set -- postgres "$@"; fi

  if [[ "$1" == postgres ]] && ! want_help "$@"; then
    setup_env
    create_db_directories
    if [[ "$(id -u)" == 0 ]]; then
      # Start over as the postgres user; init scripts then run as postgres too.
      exec gosu postgres "${BASH_SOURCE[0]}" "$@"
    fi

    if [[ -z "$DATABASE_ALREADY_EXISTS" ]]; then
      verify_minimum_env
      # Fail early if the init dir is unreadable (as the official image does).
      ls /docker-entrypoint-initdb.d/ >/dev/null
      init_database_dir
      setup_hba_conf "$@"
      # Needed by psql when local connections also require a password.
      export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
      temp_server_start "$@"
      setup_db
      shopt -s nullglob
      process_init_files /docker-entrypoint-initdb.d/*
      shopt -u nullglob
      temp_server_stop
      unset PGPASSWORD
      printf '\nPostgreSQL init process complete; ready for start up.\n\n'
    else
      printf '\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n'
    fi
  fi
  exec "$@"
}

main "$@"
