#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback for the test suites, installing Debian's
# PostgreSQL first when it is missing. Prints the DATABASE_URL to use on its last line.
#   infra/postgres/test-server.sh start [DIR] [PORT]   (defaults: /tmp/channel-pilot-pg, 55432)
#   infra/postgres/test-server.sh stop  [DIR]
set -euo pipefail

action=${1:-start}
dir=${2:-/tmp/channel-pilot-pg}
port=${3:-55432}

find_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [[ -n "$found" && -x "$found/initdb" ]] && echo "$found"
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bin=$(find_bin || true)
if [[ -z "$bin" ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "PostgreSQL is not installed and this user cannot install it: run 'apt-get install -y postgresql' as root" >&2
    exit 1
  fi
  echo "installing PostgreSQL from Debian's packages..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bin=$(find_bin)
fi

case "$action" in
  start)
    if [[ ! -f "$dir/PG_VERSION" ]]; then
      mkdir -p "$dir"
      [[ $(id -u) -eq 0 ]] && chown postgres "$dir"
      as_owner "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=off" start >&2
    fi
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir" -m fast stop >&2 || true
    ;;
  *)
    echo "usage: $0 start|stop [DIR] [PORT]" >&2
    exit 2
    ;;
esac
