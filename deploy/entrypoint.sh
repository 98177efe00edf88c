#!/bin/sh
# The image's entrypoint. A Fly volume is mounted owned by root, so the container starts as root
# only long enough to hand /data to the unprivileged `app` user (from the aspnet base image), then
# drops to it for good: Litestream and the vault never run as root.
set -eu

if [ "$(id -u)" = 0 ]; then
  # The volume's path is fixed here, never derived from VAULT_DATABASE: that may be a PostgreSQL
  # connection string, whose "directory" would be the working directory.
  chown -R app:app /data
  export HOME=/home/app
  exec setpriv --reuid=app --regid=app --init-groups --inh-caps=-all --no-new-privs -- /app/deploy/start.sh "$@"
fi

# Already unprivileged (docker run --user, Kubernetes runAsNonRoot): the volume is the operator's to prepare.
exec /app/deploy/start.sh "$@"
