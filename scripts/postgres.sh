#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks, on 127.0.0.1 and a free port.
#   scripts/postgres.sh start <folder>   initdb into <folder>, start, print the connection string
#   scripts/postgres.sh stop <folder>    stop the server and remove <folder>
# Installs PostgreSQL with apt-get when no server binaries are found. PostgreSQL refuses to run as
# root, so as root the server runs as the `postgres` user.
set -euo pipefail

find_bin() {
    local dir
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return 0
    fi
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

ensure_installed() {
    if find_bin >/dev/null; then
        return 0
    fi
    echo "postgres.sh: PostgreSQL server not found; installing it with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >&2
    $sudo apt-get install -y -qq postgresql >&2
    find_bin >/dev/null || { echo "postgres.sh: PostgreSQL installation failed" >&2; exit 1; }
}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

start() {
    local folder="$1"
    ensure_installed
    local bin
    bin="$(find_bin)"
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    mkdir -p "$folder"
    [ "$(id -u)" -ne 0 ] || chown postgres "$folder"
    chmod 700 "$folder"
    as_owner "$bin/initdb" -D "$folder/data" -U postgres -A trust -E UTF8 --no-locale >"$folder/initdb.log" 2>&1 ||
        { cat "$folder/initdb.log" >&2; exit 1; }
    local port attempt
    for attempt in 1 2 3 4 5; do
        port="$(free_port)"
        # Tests commit thousands of small transactions: more connections than the default and a larger
        # WAL keep checkpoints out of the way; fsync stays on (a commit must be durable, as in production).
        if as_owner "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 60 \
            -o "-h 127.0.0.1 -p $port -k $folder -c max_connections=300 -c max_wal_size=4GB -c shared_buffers=512MB" start >/dev/null; then
            echo "$port" >"$folder/port"
            echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
            return 0
        fi
    done
    cat "$folder/server.log" >&2
    exit 1
}

stop() {
    local folder="$1"
    local bin
    if [ -d "$folder/data" ] && bin="$(find_bin)"; then
        as_owner "$bin/pg_ctl" -D "$folder/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$folder"
}

case "${1:-}" in
    start) start "${2:?folder}" ;;
    stop) stop "${2:?folder}" ;;
    *) echo "usage: $0 start|stop <folder>" >&2; exit 2 ;;
esac
