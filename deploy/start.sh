#!/bin/sh
# Starts the vault the way the container runs it (and the way Vault.Tests/Deploy runs it):
#   1. the volume has no database but the replica has one (a new machine, a lost volume):
#      restore it first, so the vault never starts empty in front of a backup;
#   2. run the vault as a child of `litestream replicate`, which ships every commit to object
#      storage within its sync interval and forwards SIGINT/SIGTERM to the vault on shutdown.
# With no replica bucket configured the vault runs alone, and says so once. On PostgreSQL the vault
# runs alone too: Litestream replicates a SQLite file, and PostgreSQL has its own backups.
# With arguments (fly.postgres.toml's release_command `migrate`, or `check-config`) it runs that
# command once instead of serving.
# The paths default to the image's layout; the tests point them elsewhere.
set -eu

database="${VAULT_DATABASE:-/data/vault.db}"
config="${LITESTREAM_CONFIG:-/etc/litestream.yml}"
app="${VAULT_APP:-/app/Vault.Api.dll}"

if [ "$#" -gt 0 ]; then
  exec dotnet "$app" "$@"
fi

# The same test as the vault's own (VaultStoreFactory.IsPostgres): a postgres:// or postgresql://
# URI, or a key/value string with a Host= key.
case "$(printf '%s' "$database" | tr '[:upper:]' '[:lower:]' | tr -d ' ')" in
  postgres://*|postgresql://*|host=*|*\;host=*)
    if [ -n "${LITESTREAM_BUCKET:-}" ]; then
      echo "start: VAULT_DATABASE is PostgreSQL, so LITESTREAM_BUCKET is ignored: Litestream replicates a SQLite file only" >&2
    fi
    exec dotnet "$app"
    ;;
esac

if [ -z "${LITESTREAM_BUCKET:-}" ]; then
  echo "start: LITESTREAM_BUCKET is not set: the vault runs without Litestream, so a SQLite database lives only on its volume" >&2
  exec dotnet "$app"
fi

if [ ! -f "$database" ]; then
  # A -wal or -shm file without its database belongs to a database that is gone: SQLite would
  # replay those old frames over the restored file.
  rm -f "$database-wal" "$database-shm"
  # No replica yet (first deploy) exits 0 and the vault creates a new database. A replica that
  # cannot be read (credentials, network) fails here on purpose: an empty vault would start a new
  # generation that later restores would prefer to the real one.
  litestream restore -if-replica-exists -config "$config" "$database"
fi

exec litestream replicate -config "$config" -exec "dotnet $app"
