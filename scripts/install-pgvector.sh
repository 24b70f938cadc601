#!/usr/bin/env bash
# Build and install pgvector for the machine's PostgreSQL from Debian's source package (about 20 s).
# Debian bookworm ships no postgresql-15-pgvector binary, so: deb-src for trixie's pgvector, built against
# postgresql-server-dev-<major>. Needs root. Does nothing if the server already has the extension.
set -euo pipefail
major=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
if [ -z "$major" ]; then echo "install-pgvector: no PostgreSQL server installed" >&2; exit 1; fi
if ls "/usr/share/postgresql/$major/extension/vector.control" >/dev/null 2>&1; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
cat > /etc/apt/sources.list.d/recallr-pgvector-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
apt-get update -qq
apt-get install -y -qq "postgresql-server-dev-$major" dpkg-dev make gcc >/dev/null
work=$(mktemp -d)
cd "$work"
apt-get source -qq pgvector >/dev/null 2>&1
cd pgvector-*/
make -s PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config" OPTFLAGS="" >/dev/null
make -s install PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config" >/dev/null
rm -rf "$work"
echo "install-pgvector: pgvector installed for PostgreSQL $major"
