#!/bin/sh
# Run once by the stock postgres image's entrypoint, on an empty data volume
# (mounted at /docker-entrypoint-initdb.d). It connects as $POSTGRES_USER over
# the socket of the entrypoint's temporary server.
#
# - pg_trgm in $POSTGRES_DB: the trigram index for search needs it.
# - $POSTGRES_TEST_DB, owned by $POSTGRES_USER, with pg_trgm too: the database
#   of the test-postgresql service. Its name must contain "test", or the tests
#   refuse to run against it.
#
# No `exit` and no `set -u`: the entrypoint sources a script that lost its
# executable bit, and must survive it.
set -e

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE EXTENSION IF NOT EXISTS pg_trgm;
SQL

if [ -n "${POSTGRES_TEST_DB:-}" ]; then
    echo "Creating the test database $POSTGRES_TEST_DB"
    psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
        --set test_db="$POSTGRES_TEST_DB" --set owner="$POSTGRES_USER" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'test_db', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'test_db') \gexec
\connect :"test_db"
CREATE EXTENSION IF NOT EXISTS pg_trgm;
SQL
else
    echo "POSTGRES_TEST_DB is not set: no test database"
fi
