#!/usr/bin/env bash
# Start the local store servers the end-to-end tests talk to, on 127.0.0.1.
#
#   bash scripts/services.sh [redis|memcached|postgres|mysql|all ...] [--check]
#   bash scripts/services.sh --stop redis|memcached|postgres|mysql ...
#   npm run services -- [same arguments]
#
# Idempotent: a service that already answers is left alone; one that is not installed is
# installed from Debian's packages (apt-get update once, then apt-get install -y); one that
# is installed but stopped is started (apt's policy-rc.d never starts daemons here).
# Then it waits for readiness and creates what the tests need:
#   - PostgreSQL database sessions_test
#   - MariaDB/MySQL database sessions_test
# The URLs that work are printed and written to .e2e-tmp/services.env, which
# test/support/services.ts reads (TEST_REDIS_URL, TEST_MEMCACHED_SERVERS,
# TEST_POSTGRES_URL, TEST_MYSQL_URL; values already set in the environment win there).
#
# --check only reports, starts nothing, and exits 1 if any requested service is down
# (or its sessions_test database is missing).
#
# --stop stops the named services for real (the e2e outage tests use it; start them again
# without --stop) and waits until they no longer answer. It needs explicit service names.
#
# Environment: SERVICES_TIMEOUT (seconds to wait for each service, default 60).

set -euo pipefail

HOST=127.0.0.1
REDIS_PORT=6379
MEMCACHED_PORT=11211
PG_PORT=5432
MYSQL_PORT=3306
DB_NAME=sessions_test
TIMEOUT="${SERVICES_TIMEOUT:-60}"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
ENV_FILE="$REPO_DIR/.e2e-tmp/services.env"
LOG_DIR="${TMPDIR:-/tmp}/create-express-session-app-services"

if [ -t 1 ]; then
  C_OK=$'\033[32m' C_ERR=$'\033[31m' C_DIM=$'\033[2m' C_OFF=$'\033[0m'
else
  C_OK='' C_ERR='' C_DIM='' C_OFF=''
fi

say()  { printf '%s\n' "services: $*"; }
ok()   { printf '%s\n' "services: ${C_OK}ok${C_OFF}   $*"; }
bad()  { printf '%s\n' "services: ${C_ERR}FAIL${C_OFF} $*" >&2; }
info() { printf '%s\n' "services: ${C_DIM}$*${C_OFF}"; }

usage() {
  cat <<'EOF'
usage: bash scripts/services.sh [redis|memcached|postgres|mysql|all ...] [--check]

Starts the requested services on 127.0.0.1 (default: all), installing them with apt-get
when missing, waits until they answer, and creates the sessions_test databases.
  --check   only report status; exit 1 if any requested service is down
  --stop    stop the named services (names required) and wait until they are down
EOF
}

# ---------------------------------------------------------------- arguments
CHECK=0
STOP=0
WANT=()
for arg in "$@"; do
  case "$arg" in
    --check) CHECK=1 ;;
    --stop) STOP=1 ;;
    -h|--help) usage; exit 0 ;;
    all) WANT+=(redis memcached postgres mysql) ;;
    redis|memcached|postgres|mysql) WANT+=("$arg") ;;
    postgresql|pg) WANT+=(postgres) ;;
    mariadb) WANT+=(mysql) ;;
    *) printf 'services: unknown argument: %s\n\n' "$arg" >&2; usage >&2; exit 2 ;;
  esac
done
if [ "$STOP" -eq 1 ] && { [ "$CHECK" -eq 1 ] || [ "${#WANT[@]}" -eq 0 ]; }; then
  printf 'services: --stop needs service names (and no --check)\n\n' >&2; usage >&2; exit 2
fi
[ "${#WANT[@]}" -eq 0 ] && WANT=(redis memcached postgres mysql)
# de-duplicate, keep order
declare -A SEEN=()
SERVICES=()
for s in "${WANT[@]}"; do
  if [ -z "${SEEN[$s]:-}" ]; then SEEN[$s]=1; SERVICES+=("$s"); fi
done

# ---------------------------------------------------------------- helpers
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else bad "need root (or passwordless sudo) to run: $*"; return 1
  fi
}

as_user() { # as_user <user> <cmd...>
  local user="$1"; shift
  if [ "$(id -un)" = "$user" ]; then "$@"
  elif [ "$(id -u)" -eq 0 ]; then runuser -u "$user" -- "$@"
  else sudo -n -u "$user" -- "$@"
  fi
}

APT_UPDATED=0
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    bad "apt-get not found: install $* yourself"; return 1
  fi
  mkdir -p "$LOG_DIR"
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update (once)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$LOG_DIR/apt-update.log" 2>&1 || {
      bad "apt-get update failed; see $LOG_DIR/apt-update.log"; tail -n 20 "$LOG_DIR/apt-update.log" >&2; return 1; }
    APT_UPDATED=1
  fi
  say "apt-get install -y $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >"$LOG_DIR/apt-install.log" 2>&1 || {
    bad "apt-get install $* failed; see $LOG_DIR/apt-install.log"; tail -n 20 "$LOG_DIR/apt-install.log" >&2; return 1; }
}

# wait_for <label> <command...>: poll every 0.25 s until the command succeeds or TIMEOUT.
wait_for() {
  local label="$1"; shift
  local deadline=$((SECONDS + TIMEOUT))
  while ! "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      bad "$label did not become ready within ${TIMEOUT}s"
      return 1
    fi
    sleep 0.25
  done
}

# wait_down <label> <up-command...>: poll until the up-command fails, or TIMEOUT.
wait_down() {
  local label="$1"; shift
  local deadline=$((SECONDS + TIMEOUT))
  while "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      bad "$label still answers ${TIMEOUT}s after being stopped"
      return 1
    fi
    sleep 0.1
  done
}

tcp_open() { # tcp_open <port>
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

show_log() { # show_log <file>
  if [ -f "$1" ]; then printf '%s\n' "--- last lines of $1:" >&2; tail -n 20 "$1" >&2; fi
}

set_env() { # set_env KEY VALUE: record a URL for test/support/services.ts
  mkdir -p "$(dirname "$ENV_FILE")"
  touch "$ENV_FILE"
  local tmp; tmp="$(mktemp)"
  grep -v "^$1=" "$ENV_FILE" >"$tmp" || true
  printf '%s=%s\n' "$1" "$2" >>"$tmp"
  mv "$tmp" "$ENV_FILE"
}

# ---------------------------------------------------------------- redis
redis_up() { [ "$(redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

redis_ensure() {
  if command -v redis-cli >/dev/null 2>&1 && redis_up; then ok "redis     already running on $HOST:$REDIS_PORT"; else
    command -v redis-server >/dev/null 2>&1 || apt_install redis-server
    say "starting redis on $HOST:$REDIS_PORT"
    mkdir -p "$LOG_DIR"
    local log="$LOG_DIR/redis.log" dir=/var/lib/redis
    [ -d "$dir" ] && [ -w "$dir" ] || dir="$LOG_DIR"
    redis-server --daemonize yes --bind "$HOST" --port "$REDIS_PORT" --save "" --appendonly no \
      --dir "$dir" --logfile "$log" </dev/null >>"$log" 2>&1 || { bad "redis-server failed to start"; show_log "$log"; return 1; }
    wait_for "redis (redis-cli ping)" redis_up || { show_log "$log"; return 1; }
    ok "redis     started on $HOST:$REDIS_PORT"
  fi
  set_env TEST_REDIS_URL "redis://$HOST:$REDIS_PORT"
}

redis_check() {
  if command -v redis-cli >/dev/null 2>&1 && redis_up; then ok "redis     up    redis://$HOST:$REDIS_PORT"
  elif ! command -v redis-server >/dev/null 2>&1; then bad "redis     not installed"; return 1
  else bad "redis     down  (nothing answers PING on $HOST:$REDIS_PORT)"; return 1; fi
}

redis_stop() {
  if redis_up; then
    redis-cli -h "$HOST" -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
  wait_down "redis" redis_up
  ok "redis     stopped ($HOST:$REDIS_PORT)"
}

# ---------------------------------------------------------------- memcached
memcached_up() {
  # A real memcached answers "VERSION x.y.z" to "version".
  timeout 3 bash -c "exec 3<>/dev/tcp/$HOST/$MEMCACHED_PORT && printf 'version\r\n' >&3 && IFS= read -r -t 2 line <&3 && [[ \$line == VERSION* ]]" 2>/dev/null
}

memcached_ensure() {
  if memcached_up; then ok "memcached already running on $HOST:$MEMCACHED_PORT"; else
    command -v memcached >/dev/null 2>&1 || apt_install memcached
    say "starting memcached on $HOST:$MEMCACHED_PORT"
    mkdir -p "$LOG_DIR"
    local log="$LOG_DIR/memcached.log" user=memcache
    id "$user" >/dev/null 2>&1 || user=nobody
    local args=(-d -l "$HOST" -p "$MEMCACHED_PORT" -m 64)
    [ "$(id -u)" -eq 0 ] && args+=(-u "$user")
    memcached "${args[@]}" </dev/null >>"$log" 2>&1 || { bad "memcached failed to start"; show_log "$log"; return 1; }
    wait_for "memcached (TCP $HOST:$MEMCACHED_PORT)" memcached_up || { show_log "$log"; return 1; }
    ok "memcached started on $HOST:$MEMCACHED_PORT"
  fi
  set_env TEST_MEMCACHED_SERVERS "$HOST:$MEMCACHED_PORT"
}

memcached_check() {
  if memcached_up; then ok "memcached up    $HOST:$MEMCACHED_PORT"
  elif ! command -v memcached >/dev/null 2>&1; then bad "memcached not installed (bash scripts/services.sh memcached installs it)"; return 1
  else bad "memcached down  (nothing answers on $HOST:$MEMCACHED_PORT)"; return 1; fi
}

memcached_stop() {
  # Only the memcached that listens on our port (others may run on this machine).
  local pid
  pid="$(ss -Hltnp "sport = :$MEMCACHED_PORT" 2>/dev/null | grep -o '"memcached",pid=[0-9]*' | head -n 1 | grep -o '[0-9]*$' || true)"
  if [ -n "$pid" ]; then as_root kill "$pid" || true; fi
  wait_down "memcached" memcached_up
  ok "memcached stopped ($HOST:$MEMCACHED_PORT${pid:+, pid $pid})"
}

# ---------------------------------------------------------------- postgres
pg_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }
pg_up() { pg_isready -q -h "$HOST" -p "$PG_PORT"; }
pg_tcp_postgres() { # psql as postgres over TCP, no password
  PGPASSWORD='' PGCONNECT_TIMEOUT=5 psql -X -w -q -At -h "$HOST" -p "$PG_PORT" -U postgres "$@"
}
pg_admin() { # psql with superuser rights: TCP trust if possible, else the socket as the postgres OS user
  if pg_tcp_postgres -d postgres -c 'select 1' >/dev/null 2>&1; then pg_tcp_postgres -d postgres "$@"
  else as_user postgres psql -X -q -At -p "$PG_PORT" -d postgres "$@"; fi
}
pg_url() {
  if pg_tcp_postgres -d "$DB_NAME" -c 'select 1' >/dev/null 2>&1; then
    echo "postgres://postgres@$HOST:$PG_PORT/$DB_NAME"
  elif PGPASSWORD=sessions PGCONNECT_TIMEOUT=5 psql -X -w -q -At -h "$HOST" -p "$PG_PORT" -U sessions -d "$DB_NAME" -c 'select 1' >/dev/null 2>&1; then
    echo "postgres://sessions:sessions@$HOST:$PG_PORT/$DB_NAME"
  else return 1; fi
}

postgres_ensure() {
  if command -v pg_isready >/dev/null 2>&1 && pg_up; then ok "postgres  already running on $HOST:$PG_PORT"; else
    command -v pg_ctlcluster >/dev/null 2>&1 && [ -n "$(pg_version)" ] || apt_install postgresql postgresql-client
    local v; v="$(pg_version)"
    if [ -z "$v" ]; then bad "postgres  no PostgreSQL version under /etc/postgresql after install"; return 1; fi
    if [ ! -d "/etc/postgresql/$v/main" ]; then
      say "creating PostgreSQL $v cluster 'main'"
      as_root pg_createcluster "$v" main --port "$PG_PORT" >/dev/null
    fi
    say "starting PostgreSQL $v (pg_ctlcluster $v main start)"
    mkdir -p "$LOG_DIR"
    local log="$LOG_DIR/postgres.log"
    as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start </dev/null >>"$log" 2>&1 || {
      # "already running" on a socket-only cluster is not fatal; the readiness wait decides.
      info "pg_ctlcluster exited non-zero; waiting anyway"; }
    wait_for "postgres (pg_isready -h $HOST)" pg_up || { show_log "$log"; show_log "/var/log/postgresql/postgresql-$v-main.log"; return 1; }
    ok "postgres  started on $HOST:$PG_PORT"
  fi
  # the test database
  if [ "$(pg_admin -c "select 1 from pg_database where datname = '$DB_NAME'")" != 1 ]; then
    pg_admin -c "create database $DB_NAME" >/dev/null
    info "postgres  created database $DB_NAME"
  fi
  # Can postgres log in over TCP without a password (trust)? If not, use a password role.
  if ! pg_tcp_postgres -d "$DB_NAME" -c 'select 1' >/dev/null 2>&1; then
    info "postgres  user postgres cannot log in over TCP without a password; creating role sessions"
    pg_admin -c "do \$\$ begin if not exists (select from pg_roles where rolname = 'sessions') then create role sessions login password 'sessions'; else alter role sessions login password 'sessions'; end if; end \$\$;" >/dev/null
    pg_admin -c "alter database $DB_NAME owner to sessions" >/dev/null
    pg_admin -d "$DB_NAME" -c "grant all on schema public to sessions" >/dev/null 2>&1 || true
  fi
  local url
  url="$(pg_url)" || { bad "postgres  cannot connect to $DB_NAME over TCP as postgres or sessions"; return 1; }
  set_env TEST_POSTGRES_URL "$url"
  ok "postgres  $url"
}

postgres_check() {
  if ! command -v pg_isready >/dev/null 2>&1; then bad "postgres  not installed"; return 1; fi
  if ! pg_up; then bad "postgres  down  (pg_isready -h $HOST -p $PG_PORT fails)"; return 1; fi
  local url
  if url="$(pg_url)"; then ok "postgres  up    $url"
  else bad "postgres  up, but database $DB_NAME is missing or not reachable over TCP (run bash scripts/services.sh postgres)"; return 1; fi
}

postgres_stop() {
  local v; v="$(pg_version)"
  if [ -n "$v" ] && pg_up; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$v" main stop -m fast >/dev/null 2>&1 || true
  fi
  wait_down "postgres" pg_up
  ok "postgres  stopped ($HOST:$PG_PORT)"
}

# ---------------------------------------------------------------- mysql / mariadb
mysql_bin() { command -v mariadb || command -v mysql; }
mysql_admin_bin() { command -v mariadb-admin || command -v mysqladmin; }
# mysqladmin ping exits 0 whenever the server answers, even with "access denied".
mysql_up() { "$(mysql_admin_bin)" --protocol=tcp -h "$HOST" -P "$MYSQL_PORT" -u root --connect-timeout=3 ping >/dev/null 2>&1; }
mysql_tcp() { # mysql_tcp <user> <password> args...: client over TCP
  local user="$1" pass="$2"; shift 2
  MYSQL_PWD="$pass" "$(mysql_bin)" --protocol=tcp -h "$HOST" -P "$MYSQL_PORT" -u "$user" --connect-timeout=5 -N -B "$@"
}
mysql_admin() { # superuser: root over TCP if it works, else root over the unix socket
  if mysql_tcp root '' -e 'select 1' >/dev/null 2>&1; then mysql_tcp root '' "$@"
  else as_root "$(mysql_bin)" -u root -N -B "$@"; fi
}
mysql_url() {
  if mysql_tcp root '' "$DB_NAME" -e 'select 1' >/dev/null 2>&1; then
    echo "mysql://root@$HOST:$MYSQL_PORT/$DB_NAME"
  elif mysql_tcp sessions sessions "$DB_NAME" -e 'select 1' >/dev/null 2>&1; then
    echo "mysql://sessions:sessions@$HOST:$MYSQL_PORT/$DB_NAME"
  else return 1; fi
}

mysql_ensure() {
  if [ -n "$(mysql_admin_bin)" ] && mysql_up; then ok "mysql     already running on $HOST:$MYSQL_PORT"; else
    [ -x /usr/sbin/mariadbd ] || [ -x /usr/sbin/mysqld ] || apt_install mariadb-server mariadb-client
    local daemon=/usr/sbin/mariadbd
    [ -x "$daemon" ] || daemon=/usr/sbin/mysqld
    as_root mkdir -p /run/mysqld
    as_root chown mysql:mysql /run/mysqld
    if [ ! -d /var/lib/mysql/mysql ]; then
      say "initialising the MariaDB data directory"
      as_root mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    fi
    mkdir -p "$LOG_DIR"
    local log="$LOG_DIR/mariadb.log"
    say "starting MariaDB on $HOST:$MYSQL_PORT"
    # setsid -f: own session, so it outlives this script and never holds our stdout.
    as_root setsid -f "$daemon" --user=mysql --bind-address="$HOST" --port="$MYSQL_PORT" </dev/null >>"$log" 2>&1 || {
      bad "mariadbd failed to start"; show_log "$log"; return 1; }
    wait_for "mysql (mariadb-admin ping)" mysql_up || { show_log "$log"; return 1; }
    ok "mysql     started on $HOST:$MYSQL_PORT"
  fi
  mysql_admin -e "create database if not exists \`$DB_NAME\`" >/dev/null
  if ! mysql_tcp root '' "$DB_NAME" -e 'select 1' >/dev/null 2>&1; then
    # root here authenticates by unix_socket (or has a password): use a password user over TCP.
    info "mysql     root cannot log in over TCP without a password; creating user sessions"
    local h
    for h in 127.0.0.1 localhost; do
      mysql_admin -e "create user if not exists 'sessions'@'$h' identified by 'sessions'; grant all privileges on \`$DB_NAME\`.* to 'sessions'@'$h';" >/dev/null
    done
    mysql_admin -e "flush privileges" >/dev/null
  fi
  local url
  url="$(mysql_url)" || { bad "mysql     cannot connect to $DB_NAME over TCP as root or sessions"; return 1; }
  set_env TEST_MYSQL_URL "$url"
  ok "mysql     $url"
}

mysql_check() {
  if [ -z "$(mysql_admin_bin)" ]; then bad "mysql     not installed"; return 1; fi
  if ! mysql_up; then bad "mysql     down  (mariadb-admin ping on $HOST:$MYSQL_PORT fails)"; return 1; fi
  local url
  if url="$(mysql_url)"; then ok "mysql     up    $url"
  else bad "mysql     up, but database $DB_NAME is missing or not reachable over TCP (run bash scripts/services.sh mysql)"; return 1; fi
}

mysql_stop() {
  if mysql_up; then
    # root over the unix socket (TCP root may need a password)
    as_root "$(mysql_admin_bin)" -u root shutdown >/dev/null 2>&1 \
      || "$(mysql_admin_bin)" --protocol=tcp -h "$HOST" -P "$MYSQL_PORT" -u root shutdown >/dev/null 2>&1 || true
  fi
  wait_down "mysql" mysql_up
  ok "mysql     stopped ($HOST:$MYSQL_PORT)"
}

# ---------------------------------------------------------------- main
FAILED=()
for s in "${SERVICES[@]}"; do
  if [ "$STOP" -eq 1 ]; then
    "${s}_stop" || FAILED+=("$s")
  elif [ "$CHECK" -eq 1 ]; then
    "${s}_check" || FAILED+=("$s")
  else
    # A subshell, so one service's failure does not stop the others. (Not `( … ) || …`:
    # bash ignores set -e inside a command whose status is tested.)
    set +e
    ( set -e; "${s}_ensure" )
    rc=$?
    set -e
    [ "$rc" -eq 0 ] || { bad "$s could not be started"; FAILED+=("$s"); }
  fi
done

if [ "${#FAILED[@]}" -gt 0 ]; then
  if [ "$STOP" -eq 1 ]; then
    bad "could not stop: ${FAILED[*]}"
  elif [ "$CHECK" -eq 1 ]; then
    bad "down: ${FAILED[*]}; start with: bash scripts/services.sh ${FAILED[*]}   (or: npm run services)"
  else
    bad "not ready: ${FAILED[*]}; logs in $LOG_DIR"
  fi
  exit 1
fi
if [ "$CHECK" -eq 0 ] && [ "$STOP" -eq 0 ]; then
  say "ready: ${SERVICES[*]} (URLs in ${ENV_FILE#"$REPO_DIR"/})"
fi
