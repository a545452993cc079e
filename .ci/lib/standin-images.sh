# shellcheck shell=bash
# .ci/lib/standin-images.sh - local stand-ins for the official base images.
#
# CI cannot reach any container registry, so `FROM python:3.13-slim-trixie` and
# `image: postgres:17-trixie` would fail. For each tag this lib does nothing when
# the tag is already present, uses the real image when `docker pull` works, and
# only otherwise builds a stand-in from .ci/standins/*.standin.Dockerfile on top
# of a Debian trixie rootfs made with debootstrap from the host's own apt mirror.
#
# Usage (from .ci/run, after ci_docker_up from docker-engine.sh):
#   set -euo pipefail
#   source .ci/lib/docker-engine.sh
#   source .ci/lib/standin-images.sh
#   ci_docker_up
#   ci_standins_ensure          # python:3.13-slim-trixie and postgres:17-trixie
#
# Functions:
#   ci_debian_mirror           print the Debian mirror URL configured for the host's
#                              apt (or $CI_DEBIAN_MIRROR when set)
#   ci_trixie_rootfs_tar       print the path of a cached debootstrap (minbase,
#                              trixie) rootfs tarball, creating it if missing
#   ci_standin_ensure TAG DOCKERFILE
#                              present -> skip; pull works -> real image; else
#                              import the rootfs as TAG-base-ish and build TAG.
#                              A stand-in carries the label thoughts.ci.standin=
#                              <hash of .ci/standins>; on a hash change it is rebuilt
#   ci_standins_ensure         ci_standin_ensure for both images used by the project
#
# Env read (all optional):
#   CI_WORK_DIR                work dir (default /var/tmp/thoughts-ci)
#   CI_DEBIAN_MIRROR           Debian mirror URL, overrides the host's apt sources
#   CI_STANDIN_PULL_TIMEOUT    seconds allowed for the `docker pull` try (default 60)
#   CI_STANDIN_BUILD_TIMEOUT   seconds allowed for debootstrap and for each build
#                              (default 1200)
# Files: $CI_WORK_DIR/standins/trixie-minbase.tar (cached rootfs, reused)

if [[ -n "${_CI_STANDIN_IMAGES_SH:-}" ]]; then return 0; fi
_CI_STANDIN_IMAGES_SH=1

# shellcheck source-path=SCRIPTDIR source=docker-engine.sh
source "$(dirname "${BASH_SOURCE[0]}")/docker-engine.sh"

_CI_STANDIN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../standins" && pwd)

# Reads one-line (*.list) and deb822 (*.sources) apt sources on stdin and prints
# the first http(s) URI whose suite is a plain Debian release (not -security).
_ci_parse_apt_sources() {
  awk '
    function codename(s) {
      return s ~ /^(buster|bullseye|bookworm|trixie|forky|duke|sid|oldoldstable|oldstable|stable|testing|unstable)(-updates|-backports)?$/
    }
    function pick(types, uris, suites,   t, u, s, nt, nu, ns, i, j) {
      nt = split(types, t, /[ \t]+/); ns = split(suites, s, /[ \t]+/)
      nu = split(uris, u, /[ \t]+/)
      for (i = 1; i <= nt; i++) if (t[i] == "deb") break
      if (i > nt) return
      for (i = 1; i <= ns; i++) if (codename(s[i])) break
      if (i > ns) return
      for (j = 1; j <= nu; j++) if (u[j] ~ /^https?:\/\//) {
        sub(/\/+$/, "", u[j]); print u[j]; found = 1; exit
      }
    }
    function flush() {
      if (!found && enabled != "no" && uris != "") pick(types, uris, suites)
      types = uris = suites = last = ""; enabled = ""
    }
    /^[ \t]*#/ { next }
    # one-line format: deb [options] URI SUITE COMPONENT...
    /^[ \t]*deb[ \t]/ {
      line = $0; sub(/^[ \t]*deb[ \t]+/, "", line)
      if (line ~ /^\[/) sub(/^\[[^]]*\][ \t]*/, "", line)
      split(line, f, /[ \t]+/); pick("deb", f[1], f[2]); next
    }
    # deb822 format: "Field: value" stanzas separated by blank lines
    /^[ \t]*$/ { flush(); next }
    /^[ \t]/ { if (last == "uris") uris = uris " " $1; next }
    {
      key = tolower($1); sub(/:$/, "", key); val = $0; sub(/^[^:]*:[ \t]*/, "", val)
      last = key
      if (key == "types") types = val
      else if (key == "uris") uris = val
      else if (key == "suites") suites = val
      else if (key == "enabled") enabled = tolower(val)
    }
    END { flush() }
  '
}

ci_debian_mirror() {
  if [[ -n "${CI_DEBIAN_MIRROR:-}" ]]; then
    printf '%s\n' "${CI_DEBIAN_MIRROR%/}"
    return 0
  fi
  local files=() f mirror
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && files+=("$f")
  done
  # A blank line between files ends any open deb822 stanza.
  mirror=$(for f in "${files[@]}"; do cat "$f"; echo; done | _ci_parse_apt_sources)
  if [[ -z "$mirror" ]]; then
    ci_log "no Debian mirror found in the apt sources; set CI_DEBIAN_MIRROR"
    return 1
  fi
  printf '%s\n' "$mirror"
}

ci_trixie_rootfs_tar() {
  ci_docker_env
  local cache=$CI_WORK_DIR/standins tar rootfs mirror
  tar=$cache/trixie-minbase.tar
  if [[ -s "$tar" ]]; then
    printf '%s\n' "$tar"
    return 0
  fi
  mkdir -p "$cache"
  ci_apt_install debootstrap debian-archive-keyring gpgv >&2
  mirror=$(ci_debian_mirror)
  rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
  ci_log "debootstrap --variant=minbase trixie from the host's mirror"
  if ! timeout "${CI_STANDIN_BUILD_TIMEOUT:-1200}" debootstrap --variant=minbase \
    trixie "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1; then
    tail -n 30 "$cache/debootstrap.log" >&2 || true
    ci_umount_under "$rootfs"
    rm -rf "$rootfs"
    return 1
  fi
  ci_umount_under "$rootfs"
  # Docker supplies /dev, /proc and /sys at run time; drop apt's caches.
  rm -rf "${rootfs:?}"/dev/* "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/var/lib/apt/lists/*
  # Write to a temp name first so an interrupted run never leaves a bad cache.
  tar -C "$rootfs" --numeric-owner -cf "$tar.part" .
  mv "$tar.part" "$tar"
  rm -rf "$rootfs"
  printf '%s\n' "$tar"
}

# Label value for stand-ins: a hash of .ci/standins, so edits there cause a rebuild.
_ci_standin_hash() {
  (cd "$_CI_STANDIN_DIR" && find . -type f -print0 | LC_ALL=C sort -z |
    xargs -0 sha256sum | sha256sum | cut -c1-16)
}

_ci_image_present() {
  docker image inspect "$1" >/dev/null 2>&1
}

ci_standin_ensure() {
  local tag=$1 dockerfile=$2 base tar log want have old_id=
  ci_docker_env
  mkdir -p "$CI_WORK_DIR/standins"
  log=$CI_WORK_DIR/standins/${dockerfile%.Dockerfile}.build.log
  want=$(_ci_standin_hash)
  if _ci_image_present "$tag"; then
    have=$(docker image inspect -f '{{index .Config.Labels "thoughts.ci.standin"}}' "$tag")
    # A real image (no label) or an up-to-date stand-in is kept as it is.
    if [[ -z "$have" || "$have" == "<no value>" || "$have" == "$want" ]]; then
      ci_log "$tag present, nothing to do"
      return 0
    fi
    ci_log "$tag is a stand-in from older .ci/standins files: rebuilding"
    old_id=$(docker image inspect -f '{{.Id}}' "$tag")
  elif timeout "${CI_STANDIN_PULL_TIMEOUT:-60}" docker pull -q "$tag" >/dev/null 2>&1; then
    ci_log "$tag pulled from its registry (real image)"
    return 0
  else
    ci_log "$tag cannot be pulled: building the local stand-in"
  fi
  base=$tag-base-ish
  if ! _ci_image_present "$base"; then
    # Installed here, not inside $(...), so apt-get update still runs only once.
    ci_apt_install debootstrap debian-archive-keyring gpgv
    tar=$(ci_trixie_rootfs_tar)
    # Same tarball for every stand-in, so docker stores its layer only once.
    docker import - "$base" <"$tar" >/dev/null
  fi
  # The legacy builder is enough for these Dockerfiles and needs no buildx.
  if ! DOCKER_BUILDKIT=0 timeout "${CI_STANDIN_BUILD_TIMEOUT:-1200}" docker build \
    --build-arg "BASE_IMAGE=$base" \
    --label "thoughts.ci.standin=$want" \
    -t "$tag" -f "$_CI_STANDIN_DIR/$dockerfile" "$_CI_STANDIN_DIR" >"$log" 2>&1; then
    tail -n 40 "$log" >&2 || true
    return 1
  fi
  # Drop the outdated stand-in unless a container still uses it.
  if [[ -n "$old_id" ]]; then docker image rm "$old_id" >/dev/null 2>&1 || true; fi
  ci_log "$tag stand-in built"
}

ci_standins_ensure() {
  ci_standin_ensure python:3.13-slim-trixie python-3.13-slim-trixie.standin.Dockerfile
  ci_standin_ensure postgres:17-trixie postgres-17-trixie.standin.Dockerfile
}
