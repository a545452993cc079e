#!/usr/bin/env bash
# CI: the Docker way, for real. Lints, builds the images, runs db -> seed -> api,
# talks to the API through its published port, runs both test services, stops
# the API with requests in flight, tags and pushes the images to a throw-away
# registry, pulls them back and runs them, and tears everything down.
#
# Every step is the user's own command (the invoke tasks, or docker compose where
# no task exists), with `--pull never` because CI cannot reach Docker Hub: the
# base images are the local stand-ins when the real ones cannot be pulled.
#
# Usage: bash .ci/docker-e2e.sh   (from .ci/run; needs root, as CI has)
# Env (optional): API_PORT, IMAGE_TAG...: as in .env; PIP_CA_FILE: CA bundle for
# pip inside builds (default: the host's, when it has one).
# Starts dockerd and a registry on 127.0.0.1:5000, and stops both by PID.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source-path=SCRIPTDIR source=lib/docker-engine.sh
source .ci/lib/docker-engine.sh
# shellcheck source-path=SCRIPTDIR source=lib/standin-images.sh
source .ci/lib/standin-images.sh
# shellcheck source-path=SCRIPTDIR source=lib/registry.sh
source .ci/lib/registry.sh

INVOKE=.venv/bin/invoke
PUSH_TAG=ci
STOP_LOAD_THREADS=8
STOP_LOAD_SECONDS=20
# docker's SIGKILL comes after stop_grace_period; a graceful stop is far quicker.
MAX_GRACEFUL_STOP_SECONDS=5
# Changed for a moment by the build-cache step, and restored whatever happens.
CODE_FILE=services/api/thoughts_api/__init__.py

# The stack as .env and docker-compose.yml define it, whatever this shell set.
unset JWT_PRIVATE_KEY_FILE COMPOSE_PROJECT_NAME COMPOSE_FILE COMPOSE_PROFILES

dotenv() { # the value .env gives NAME, unless the environment overrides it
  local name=$1 value
  if [[ -n "${!name:-}" ]]; then printf '%s\n' "${!name}"; return; fi
  value=$(sed -n "s/^$name=//p" .env | tail -n 1)
  printf '%s\n' "$value"
}
API_PORT=$(dotenv API_PORT)
API_IMAGE=$(dotenv API_IMAGE)
SEED_IMAGE=$(dotenv SEED_IMAGE)
IMAGE_TAG=$(dotenv IMAGE_TAG)
BASE_URL=http://127.0.0.1:$API_PORT
WORK=$(mktemp -d "${TMPDIR:-/tmp}/thoughts-e2e.XXXXXX")

step() {
  ci_log "== $*"
}

cleanup() {
  local status=$?
  set +e
  if ((status != 0)); then
    ci_log "FAILED (exit $status); containers and their last log lines:"
    docker compose --profile test ps --all
    docker compose --profile test logs --tail 40
  fi
  if [[ -f "$WORK/code-file.orig" ]]; then cp "$WORK/code-file.orig" "$CODE_FILE"; fi
  docker compose --profile test down --volumes --remove-orphans >/dev/null 2>&1
  ci_registry_stop
  ci_docker_down
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

# curl through the published port; fails unless the status is the expected one.
expect() {
  local want=$1 method=$2 path=$3 got
  shift 3
  got=$(curl --noproxy '*' -sS --max-time 10 -o "$WORK/body" -w '%{http_code}' -X "$method" "$@" "$BASE_URL$path")
  if [[ "$got" != "$want" ]]; then
    ci_log "$method $path: HTTP $got, expected $want: $(head -c 300 "$WORK/body")"
    return 1
  fi
  printf '  %s %s -> %s %s\n' "$method" "$path" "$got" "$(head -c 120 "$WORK/body" | tr -d '\n')"
}

thought_count() {
  # shellcheck disable=SC2016  # expanded by the db container's shell
  docker compose exec -T db sh -c \
    'psql -qtAX -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "SELECT count(*) FROM thought_model"'
}

step "engine, base images, tools"
ci_docker_up
ci_standins_ensure
if [[ -z "${PIP_CA_FILE:-}" && -s /etc/ssl/certs/ca-certificates.crt ]]; then
  export PIP_CA_FILE=/etc/ssl/certs/ca-certificates.crt
fi
make install

step "invoke lint: ruff, hadolint on every Dockerfile, docker compose config"
"$INVOKE" lint

step "invoke build"
started=$SECONDS
"$INVOKE" build
ci_log "build took $((SECONDS - started)) s"

step "build cache: a code-only change rebuilds only the image's last layer"
layers() { docker image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' "$API_IMAGE:$IMAGE_TAG" | sed '/^$/d'; }
cp "$CODE_FILE" "$WORK/code-file.orig"
layers >"$WORK/layers.before"
printf '# a code change\n' >>"$CODE_FILE"
started_ns=$(date +%s%N)
"$INVOKE" build --service api
rebuild_ms=$((($(date +%s%N) - started_ns) / 1000000))
cp "$WORK/code-file.orig" "$CODE_FILE"
layers >"$WORK/layers.after"
changed=$(diff "$WORK/layers.before" "$WORK/layers.after" | grep -c '^>' || true)
ci_log "$(wc -l <"$WORK/layers.after") layers, $changed changed; the rebuild took $rebuild_ms ms"
# The same count, and only the last layer (the package) differs.
[[ $(wc -l <"$WORK/layers.before") == $(wc -l <"$WORK/layers.after") ]]
[[ "$changed" == 1 ]]
diff <(head -n -1 "$WORK/layers.before") <(head -n -1 "$WORK/layers.after")
"$INVOKE" build --service api # back to the committed code, from the cache

step "invoke up: db, then seed, then api, until healthy"
started=$SECONDS
"$INVOKE" up --pull never
ci_log "up took $((SECONDS - started)) s"
docker compose ps --all

step "smoke requests through $BASE_URL"
user_token=$("$INVOKE" token alice)
admin_token=$("$INVOKE" token root --admin)
expect 200 GET /healthz
expect 200 GET /readyz
expect 200 GET '/api/thoughts/'
expect 200 GET '/api/thoughts/?search=FINAL%20cut'
grep -q '"Waiting for the final cut"' "$WORK/body"
expect 401 POST /api/me/thoughts/ -H 'Content-Type: application/json' -d '{"text": "no token"}'
expect 201 POST /api/me/thoughts/ -H "Authorization: Bearer $user_token" \
  -H 'Content-Type: application/json' -d '{"text": "Posted through the published port"}'
new_id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$WORK/body")
expect 200 GET "/api/me/thoughts/" -H "Authorization: Bearer $user_token"
expect 403 DELETE "/admin/thoughts/$new_id/" -H "Authorization: Bearer $user_token"
expect 204 DELETE "/admin/thoughts/$new_id/" -H "Authorization: Bearer $admin_token"
expect 404 GET "/api/thoughts/$new_id/"

step "invoke seed: --count 1000, then again (changes nothing)"
before=$(thought_count)
"$INVOKE" seed --pull never --count 1000
after_count=$(thought_count)
"$INVOKE" seed --pull never
after_rerun=$(thought_count)
ci_log "thoughts: $before before, $after_count after --count 1000, $after_rerun after a plain second run"
((after_count == before + 1000 && after_rerun == after_count))

step "invoke test (SQLite, in the test-sqlite container)"
"$INVOKE" test --pull never

step "invoke test --pg (PostgreSQL, in the test-postgresql container)"
"$INVOKE" test --pg --pull never

step "graceful stop: docker compose stop api with $STOP_LOAD_THREADS clients in flight"
marker=$WORK/stop-asked
python3 .ci/graceful_stop_load.py "$BASE_URL" "$user_token" "$STOP_LOAD_THREADS" "$STOP_LOAD_SECONDS" "$marker" \
  >"$WORK/load.json" &
load_pid=$!
sleep 3 # let every client get going
python3 -c 'import time; print(time.time())' >"$marker"
started_ns=$(date +%s%N)
docker compose stop api
stop_ms=$((($(date +%s%N) - started_ns) / 1000000))
load_status=0
wait "$load_pid" || load_status=$?
cat "$WORK/load.json"
exit_code=$(docker inspect -f '{{.State.ExitCode}}' "$(docker compose ps --all -q api)")
ci_log "api stopped in ${stop_ms} ms with exit code $exit_code (load check exit $load_status)"
docker compose logs api | grep -F 'Caught SIGTERM: asking uWSGI to stop gracefully through the master fifo'
docker compose logs api | grep -F 'graceful shutdown triggered'
((load_status == 0 && exit_code == 143 && stop_ms < MAX_GRACEFUL_STOP_SECONDS * 1000))

step "no secret in any layer"
python3 .ci/check_image_layers.py python:3.13-slim-trixie \
  "$API_IMAGE:$IMAGE_TAG" "$SEED_IMAGE:$IMAGE_TAG" "$API_IMAGE-test-sqlite:$IMAGE_TAG" \
  -- "${PIP_CA_FILE:-/dev/null}" var/keys/jwt-private.pem var/keys/jwt-public.pem .env
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^($API_IMAGE|$SEED_IMAGE)"

step "invoke tag and invoke push to a local registry"
ci_registry_start
"$INVOKE" tag --tag "$PUSH_TAG"
"$INVOKE" push --registry "$CI_REGISTRY" --tag "$PUSH_TAG"
declare -A pushed_id
for image in "$API_IMAGE" "$SEED_IMAGE"; do
  pushed_id[$image]=$(docker image inspect -f '{{.Id}}' "$image:$IMAGE_TAG")
  curl --noproxy '*' -fsS --max-time 10 "http://$CI_REGISTRY/v2/$image/tags/list"
  echo
done

step "pull back: builder cache and every local copy gone first"
"$INVOKE" down --volumes
docker builder prune -af >/dev/null
# By ID, every tag at once: local, registry-prefixed, and <none> (an image that
# lost its tag to a rebuild but keeps a registry digest).
for image in "$API_IMAGE" "$SEED_IMAGE" "$API_IMAGE-test-sqlite" "$API_IMAGE-test-postgresql"; do
  docker image ls --format '{{.ID}} {{.Repository}}' | awk -v name="$image" \
    '$2 == name || substr($2, length($2) - length(name)) == "/" name { print $1 }' |
    sort -u | xargs -r docker image rm -f >/dev/null
done
# Untagged leftovers of earlier builds would still hold the same layers.
docker image prune -f >/dev/null
for image in "$API_IMAGE" "$SEED_IMAGE"; do
  docker pull "$CI_REGISTRY/$image:$PUSH_TAG"
  pulled=$(docker image inspect -f '{{.Id}}' "$CI_REGISTRY/$image:$PUSH_TAG")
  [[ "$pulled" == "${pushed_id[$image]}" ]] || { ci_log "$image: pulled $pulled, pushed ${pushed_id[$image]}"; exit 1; }
  docker tag "$CI_REGISTRY/$image:$PUSH_TAG" "$image:$IMAGE_TAG"
done

step "the pulled images run: invoke up --no-build"
"$INVOKE" up --pull never --no-build
expect 200 GET /readyz
expect 200 GET '/api/thoughts/?search=final'

step "invoke down --volumes"
"$INVOKE" down --volumes
if [[ -n "$(docker compose --profile test ps --all -q)" ]] || docker volume inspect thoughts_db-data >/dev/null 2>&1; then
  ci_log "containers or the data volume are still there"
  exit 1
fi
ci_log "docker end-to-end: all steps passed"
