# LOCAL STAND-IN for the official python:3.13-slim-trixie image.
#
# Used only in CI, and only because no container registry can be reached there:
# .ci/lib/standin-images.sh builds it when the tag is missing locally and
# `docker pull` fails. Anywhere the real image can be pulled, the real one is used.
#
# It is Debian trixie's own Python 3.13 laid out like the official image:
#   /usr/local/bin/python3, python, pip, pip3, python3-config, python-config
#   packages installed by pip go to /usr/local/lib/python3.13/site-packages
#   ENV PATH starts with /usr/local/bin, LANG=C.UTF-8, CMD ["python3"]
#   no compiler (like slim): build stages apt-get install their own tools
# Known differences: Python is Debian's build (same 3.13 series, not the same
# patch release), /usr/local is a venv over /usr/bin/python3.13 (that is how it
# gets its own pip and site-packages), and PYTHON_VERSION/GPG_KEY are not set.
#
# BASE_IMAGE is a debootstrap'd trixie rootfs imported by the CI script.
ARG BASE_IMAGE=python:3.13-slim-trixie-base-ish
FROM ${BASE_IMAGE}

ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8

# python3.13-dev brings Python.h and python3.13-config (uWSGI's build needs
# both); libpython3.13 is the shared library uWSGI links against.
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update; \
    apt-get install -y --no-install-recommends \
        ca-certificates libpython3.13 python3.13 python3.13-dev python3.13-venv; \
    rm -rf /var/lib/apt/lists/*

# A venv rooted at /usr/local gives the official paths and a pip that is free
# to install (Debian's system pip refuses: PEP 668 externally-managed).
# python3-config must stay a wrapper: the real script derives its prefix from
# its own location, so a symlink in /usr/local/bin would report /usr/local.
RUN set -eux; \
    python3.13 -m venv /usr/local; \
    printf '#!/bin/sh\nexec /usr/bin/python3.13-config "$@"\n' >/usr/local/bin/python3-config; \
    chmod 0755 /usr/local/bin/python3-config; \
    ln -s python3-config /usr/local/bin/python-config; \
    rm -f /usr/local/bin/activate /usr/local/bin/activate.* /usr/local/bin/Activate.ps1; \
    python3 --version; python --version; pip --version; \
    python3-config --includes; \
    test "$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
        = /usr/local/lib/python3.13/site-packages

CMD ["python3"]
