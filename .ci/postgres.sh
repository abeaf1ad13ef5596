#!/usr/bin/env bash
# Install (if needed) and start Debian's PostgreSQL on 127.0.0.1 with a test database.
# Prints the URL the PostgreSQL store tests read from ROLEPLAY_TEST_POSTGRES_URL.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
pg_lsclusters -h | awk '{print $2}' | grep -qx main || pg_createcluster "$version" main >&2
pg_ctlcluster "$version" main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -q && break
  sleep 0.5
done
as_postgres() { su postgres -c "$1" >&2; }
as_postgres "psql -qtc \"SELECT 1 FROM pg_roles WHERE rolname='roleplay'\" | grep -q 1 \
  || psql -qc \"CREATE ROLE roleplay LOGIN PASSWORD 'roleplay' CREATEDB\""
# The privacy test flushes the server's buffers to read its files for forgotten text.
as_postgres "psql -qc 'GRANT pg_checkpoint TO roleplay'"
as_postgres "psql -qtc \"SELECT 1 FROM pg_database WHERE datname='roleplay_test'\" | grep -q 1 \
  || createdb -O roleplay roleplay_test"
echo "postgresql+psycopg://roleplay:roleplay@127.0.0.1:5432/roleplay_test"
