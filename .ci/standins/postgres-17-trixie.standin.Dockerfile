# LOCAL STAND-IN for the official postgres:17-trixie image.
#
# Used only in CI, and only because no container registry can be reached there:
# .ci/lib/standin-images.sh builds it when the tag is missing locally and
# `docker pull` fails. Anywhere the real image can be pulled, the real one is used.
#
# Debian trixie's postgresql-17 with the official image's interface:
#   POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB / PGDATA / POSTGRES_INITDB_ARGS /
#   POSTGRES_HOST_AUTH_METHOD (and *_FILE), /docker-entrypoint-initdb.d/*.sql|*.sh run
#   once on an empty data dir, listen on *:5432, scram-sha-256 for host
#   connections, postgres as PID 1 via gosu, `postgres -c ...` as the command.
# Known differences: no nss_wrapper (so no arbitrary `--user` uid), and only the
# en_US.UTF-8 locale is generated (as in the official image).
#
# BASE_IMAGE is a debootstrap'd trixie rootfs imported by the CI script.
ARG BASE_IMAGE=postgres:17-trixie-base-ish
FROM ${BASE_IMAGE}

ENV PG_MAJOR=17

# postgresql-common goes first so that installing postgresql-17 does not create
# a "main" cluster; the entrypoint makes its own in $PGDATA.
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update; \
    apt-get install -y --no-install-recommends locales postgresql-common; \
    sed -ri 's/^#?[[:space:]]*create_main_cluster[[:space:]]*=.*/create_main_cluster = false/' \
        /etc/postgresql-common/createcluster.conf; \
    grep -qx 'create_main_cluster = false' /etc/postgresql-common/createcluster.conf; \
    apt-get install -y --no-install-recommends "postgresql-$PG_MAJOR" gosu; \
    rm -rf /var/lib/apt/lists/*; \
    echo 'en_US.UTF-8 UTF-8' >>/etc/locale.gen; \
    locale-gen; \
    locale -a | grep -qx 'en_US.utf8'; \
    test ! -e "/etc/postgresql/$PG_MAJOR/main"

ENV LANG=en_US.utf8

# Listen on all addresses, via the sample file that initdb copies (as official).
RUN set -eux; \
    sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" \
        "/usr/share/postgresql/$PG_MAJOR/postgresql.conf.sample"; \
    grep -F "listen_addresses = '*'" "/usr/share/postgresql/$PG_MAJOR/postgresql.conf.sample"; \
    ln -s "$PG_MAJOR/postgresql.conf.sample" /usr/share/postgresql/postgresql.conf.sample; \
    mkdir -p /var/run/postgresql /docker-entrypoint-initdb.d; \
    chown -R postgres:postgres /var/run/postgresql; \
    chmod 3777 /var/run/postgresql

# Debian keeps initdb, pg_ctl and postgres here (psql, pg_isready are in /usr/bin too).
ENV PATH=$PATH:/usr/lib/postgresql/17/bin \
    PGDATA=/var/lib/postgresql/data
RUN set -eux; \
    mkdir -p "$PGDATA"; \
    chown -R postgres:postgres "$PGDATA"; \
    chmod 1777 "$PGDATA"
VOLUME /var/lib/postgresql/data

COPY postgres-docker-entrypoint.standin.sh /usr/local/bin/docker-entrypoint.sh
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh
ENTRYPOINT ["docker-entrypoint.sh"]

# SIGINT = postgres "fast shutdown", as in the official image.
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
