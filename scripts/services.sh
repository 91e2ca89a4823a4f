#!/usr/bin/env bash
# Start the local store servers the end-to-end tests talk to, on 127.0.0.1.
#
#   bash scripts/services.sh [redis|memcached|postgres|mysql|redis-cluster|redis-sentinel|pgbouncer|haproxy|all ...] [--check]
#
# The services of `all` (and the default) come from the store catalogue: each descriptor's
# `server` in src/stores (the managed store servers, then the several-instances servers built
# on them), printed by scripts/catalogue-services.mjs; then the harness's own (haproxy).
# Without node or node_modules (a fresh clone before `npm ci`) the copy of that list below is
# used; test/unit/catalogue.test.ts fails when the copy and the catalogue disagree. Starting a
# server is each service's own <name>_ensure / _check / _stop functions below.
#   bash scripts/services.sh --stop <service> ...
#   npm run services -- [same arguments]
#
# Idempotent: a service that already answers is left alone; one that is not installed is
# installed from Debian's packages (apt-get update once, then apt-get install -y); one that
# is installed but stopped is started (apt's policy-rc.d never starts daemons here).
# Then it waits for readiness and creates what the tests need:
#   - PostgreSQL database sessions_test
#   - MariaDB/MySQL database sessions_test
#
# For the several-instances tests (test/e2e/instances.test.ts) it also runs, as daemons of
# its own with their config and data under $LOG_DIR (never touching the shared ones above):
#   redis-cluster   Redis Cluster, 3 masters + 3 replicas on 127.0.0.1:7001-7006
#                   (cluster-node-timeout 5 s). Ready: cluster_state ok on every node, 3
#                   masters each with a replica whose link is up. A killed node is started
#                   again and rejoins (as a replica if it was failed over); a cluster that
#                   cannot heal is reset and created again (its data are test sessions).
#   redis-sentinel  Sentinel group "cesa-master": 1 master + 2 replicas on 6381-6383 (the
#                   master is 6381 at first, wherever the sentinels say later), 3 sentinels
#                   on 26381-26383 (quorum 2, down-after 3 s). Ready: every sentinel names
#                   the same master, which has 2 replicas with their links up.
#   pgbouncer       PgBouncer on 6432 in transaction pooling mode in front of the PostgreSQL
#                   above (database sessions_test). Ready: SELECT 1 through it, pool_mode
#                   transaction. Runs as the postgres OS user (PgBouncer refuses root).
#   haproxy         HAProxy on 8090, round robin without stickiness over app instances on
#                   127.0.0.1:3181 and 127.0.0.1:3182 (TCP checks every second; the tests
#                   start the apps there), answer header X-Served-By, stats (CSV) on
#                   http://127.0.0.1:8091/stats;csv. Ready: both ports listening.
#
# The URLs that work are printed and written to .e2e-tmp/services.env, which
# test/support/services.ts reads (TEST_REDIS_URL, TEST_MEMCACHED_SERVERS,
# TEST_POSTGRES_URL, TEST_MYSQL_URL, TEST_REDIS_CLUSTER_NODES, TEST_REDIS_SENTINELS,
# TEST_REDIS_SENTINEL_NAME, TEST_PGBOUNCER_URL, TEST_HAPROXY_URL, TEST_HAPROXY_BACKENDS,
# TEST_HAPROXY_STATS; values already set in the environment win there).
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
CLUSTER_PORTS=(7001 7002 7003 7004 7005 7006)
CLUSTER_NODE_TIMEOUT=5000
SENTINEL_NAME=cesa-master
SENTINEL_REDIS_PORTS=(6381 6382 6383)
SENTINEL_PORTS=(26381 26382 26383)
SENTINEL_DOWN_AFTER=3000
PGBOUNCER_PORT=6432
HAPROXY_PORT=8090
HAPROXY_STATS_PORT=8091
HAPROXY_BACKENDS=(3181 3182)
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

# The catalogue's services when node can read it, else this copy (kept equal by test/unit/catalogue.test.ts).
CATALOGUE_SERVICES_FALLBACK=(redis memcached postgres mysql redis-cluster redis-sentinel pgbouncer)
# Servers of the test harness itself, not of any store.
HARNESS_SERVICES=(haproxy)
catalogue_services() {
  local out
  if command -v node >/dev/null 2>&1 && out="$(node "$SCRIPT_DIR/catalogue-services.mjs" 2>/dev/null)" && [ -n "$out" ]; then
    printf '%s\n' "$out"
  else
    printf '%s\n' "${CATALOGUE_SERVICES_FALLBACK[@]}"
  fi
}
mapfile -t ALL_SERVICES < <(catalogue_services)
ALL_SERVICES+=("${HARNESS_SERVICES[@]}")

is_service() { local s; for s in "${ALL_SERVICES[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

usage() {
  cat <<EOF
usage: bash scripts/services.sh [SERVICE|all ...] [--check]
SERVICE: ${ALL_SERVICES[*]}

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
    all) WANT+=("${ALL_SERVICES[@]}") ;;
    postgresql|pg) WANT+=(postgres) ;;
    mariadb) WANT+=(mysql) ;;
    *)
      if is_service "$arg"; then WANT+=("$arg")
      else printf 'services: unknown argument: %s\n\n' "$arg" >&2; usage >&2; exit 2; fi ;;
  esac
done
if [ "$STOP" -eq 1 ] && { [ "$CHECK" -eq 1 ] || [ "${#WANT[@]}" -eq 0 ]; }; then
  printf 'services: --stop needs service names (and no --check)\n\n' >&2; usage >&2; exit 2
fi
[ "${#WANT[@]}" -eq 0 ] && WANT=("${ALL_SERVICES[@]}")
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

# Once per run, also across the subshells each service runs in.
APT_STAMP="$LOG_DIR/.apt-updated-$$"
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    bad "apt-get not found: install $* yourself"; return 1
  fi
  mkdir -p "$LOG_DIR"
  if [ ! -f "$APT_STAMP" ]; then
    say "apt-get update (once)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$LOG_DIR/apt-update.log" 2>&1 || {
      bad "apt-get update failed; see $LOG_DIR/apt-update.log"; tail -n 20 "$LOG_DIR/apt-update.log" >&2; return 1; }
    touch "$APT_STAMP"
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

# ---------------------------------------------------------------- redis (own daemons)
# The Cluster and Sentinel processes are ours: started with a config file in a directory of
# their own under $LOG_DIR, found again through their pid files.
rcli() { redis-cli -h "$HOST" -p "$@"; } # rcli <port> <command...>
redis_port_up() { [ "$(rcli "$1" ping 2>/dev/null)" = PONG ]; }
need_redis() { command -v redis-server >/dev/null 2>&1 || apt_install redis-server; }

# stop_pidfile <label> <pidfile> <port>: SIGTERM the daemon of that pid file (SIGKILL after 10 s).
stop_pidfile() {
  local label="$1" pidfile="$2" port="$3" pid=''
  [ -f "$pidfile" ] && pid="$(cat "$pidfile" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  wait_down "$label" tcp_open "$port"
}

# ---------------------------------------------------------------- redis-cluster
CLUSTER_DIR="$LOG_DIR/redis-cluster"

cluster_start_node() { # cluster_start_node <port>: a cluster node with its own dir (nodes.conf survives restarts)
  local port="$1" dir="$CLUSTER_DIR/$1"
  mkdir -p "$dir"
  cat >"$dir/redis.conf" <<CONF
bind $HOST
port $port
daemonize yes
dir $dir
pidfile $dir/redis.pid
logfile $dir/redis.log
cluster-enabled yes
cluster-config-file nodes.conf
cluster-node-timeout $CLUSTER_NODE_TIMEOUT
save ""
appendonly no
CONF
  redis-server "$dir/redis.conf" </dev/null >>"$dir/redis.log" 2>&1 || { bad "redis-server on $port failed to start"; show_log "$dir/redis.log"; return 1; }
  wait_for "redis cluster node $port" redis_port_up "$port" || { show_log "$dir/redis.log"; return 1; }
}

cluster_info_field() { rcli "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"; }

# Healthy: every node up and sees state ok, 3 masters with slots, 3 replicas with their link
# up, each master with one of them, nothing flagged fail.
cluster_healthy() {
  local p
  for p in "${CLUSTER_PORTS[@]}"; do
    redis_port_up "$p" || return 1
    [ "$(cluster_info_field "$p" cluster_state)" = ok ] || return 1
    [ "$(cluster_info_field "$p" cluster_known_nodes)" = 6 ] || return 1
  done
  local nodes; nodes="$(rcli "${CLUSTER_PORTS[0]}" cluster nodes 2>/dev/null | tr -d '\r')"
  echo "$nodes" | grep -q 'fail' && return 1
  local masters replicas_of
  masters="$(echo "$nodes" | awk '$3 ~ /master/ && NF >= 9 { print $1 }' | sort)"
  replicas_of="$(echo "$nodes" | awk '$3 ~ /slave/ { print $4 }' | sort -u)"
  [ "$(echo "$masters" | grep -c .)" = 3 ] && [ "$masters" = "$replicas_of" ] || return 1
  [ "$(echo "$nodes" | awk '$3 ~ /slave/' | grep -c .)" = 3 ] || return 1
  for p in $(echo "$nodes" | awk '$3 ~ /slave/ { split($2, a, "[:@]"); print a[2] }'); do
    rcli "$p" info replication 2>/dev/null | tr -d '\r' | grep -qx 'master_link_status:up' || return 1
  done
}

# A node whose nodes.conf was lost comes back with a new id; the others still know its old id,
# failed at the same address or with no address at all. Every node forgets that id.
cluster_forget_stale() {
  local nodes id p
  nodes="$(rcli "${CLUSTER_PORTS[0]}" cluster nodes 2>/dev/null | tr -d '\r')"
  for id in $(echo "$nodes" | awk '{ split($2, a, "@"); addr[$1] = a[1]; flags[$1] = $3 }
      END { for (id in flags) {
              if (flags[id] ~ /noaddr/) print id
              else if (flags[id] ~ /fail/) for (o in flags) if (o != id && addr[o] == addr[id] && flags[o] !~ /fail|noaddr/) print id } }' | sort -u); do
    for p in "${CLUSTER_PORTS[@]}"; do rcli "$p" cluster forget "$id" >/dev/null 2>&1 || true; done
  done
}

cluster_create() {
  local p nodes=()
  for p in "${CLUSTER_PORTS[@]}"; do nodes+=("$HOST:$p"); done
  say "redis-cluster: creating the cluster (3 masters, 3 replicas)"
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$CLUSTER_DIR/create.log" 2>&1 || {
    bad "redis-cli --cluster create failed"; show_log "$CLUSTER_DIR/create.log"; return 1; }
}

cluster_reset() { # forget everything (these nodes hold only test sessions) and create again
  local p
  info "redis-cluster: cannot heal; resetting every node and creating the cluster again"
  for p in "${CLUSTER_PORTS[@]}"; do
    rcli "$p" flushall >/dev/null 2>&1 || true
    rcli "$p" cluster reset hard >/dev/null 2>&1 || true
  done
  cluster_create
}

redis_cluster_ensure() {
  need_redis
  mkdir -p "$CLUSTER_DIR"
  local p started=0
  for p in "${CLUSTER_PORTS[@]}"; do
    if ! redis_port_up "$p"; then cluster_start_node "$p"; started=1; fi
  done
  [ "$started" -eq 1 ] && info "redis-cluster: started the nodes that were down"
  if ! cluster_healthy; then
    local fresh=1
    for p in "${CLUSTER_PORTS[@]}"; do
      [ "$(cluster_info_field "$p" cluster_known_nodes)" = 1 ] && [ "$(cluster_info_field "$p" cluster_slots_assigned)" = 0 ] || fresh=0
    done
    if [ "$fresh" -eq 1 ]; then cluster_create
    else
      # Nodes that know only themselves (their nodes.conf is gone) meet the others; they then
      # replicate a master that has none.
      for p in "${CLUSTER_PORTS[@]}"; do
        if [ "$(cluster_info_field "$p" cluster_known_nodes)" = 1 ] && [ "$(cluster_info_field "$p" cluster_slots_assigned)" = 0 ]; then
          local peer
          for peer in "${CLUSTER_PORTS[@]}"; do [ "$peer" != "$p" ] && rcli "$peer" cluster meet "$HOST" "$p" >/dev/null 2>&1 && break; done
        fi
      done
    fi
    # A restarted node needs a few node timeouts to rejoin; a lone master gets a replica.
    local deadline=$((SECONDS + TIMEOUT))
    while ! cluster_healthy && [ "$SECONDS" -lt "$deadline" ]; do
      local nodes orphan spare
      nodes="$(rcli "${CLUSTER_PORTS[0]}" cluster nodes 2>/dev/null | tr -d '\r')"
      orphan="$(awk 'NR == FNR { if ($3 ~ /slave/ && $3 !~ /fail|noaddr/) has[$4] = 1; next } $3 ~ /master/ && $3 !~ /fail/ && NF >= 9 && !has[$1] { print $1; exit }' <(echo "$nodes") <(echo "$nodes"))"
      spare="$(echo "$nodes" | awk '$3 ~ /master/ && $3 !~ /fail/ && NF == 8 { split($2, a, "[:@]"); print a[2]; exit }')"
      if [ -n "$orphan" ] && [ -n "$spare" ]; then rcli "$spare" cluster replicate "$orphan" >/dev/null 2>&1 || true; fi
      cluster_forget_stale
      sleep 0.5
    done
    if ! cluster_healthy; then cluster_reset; fi
  fi
  wait_for "redis-cluster (state ok, 3 masters + 3 replicas)" cluster_healthy || {
    rcli "${CLUSTER_PORTS[0]}" cluster nodes >&2 || true; return 1; }
  local urls=()
  for p in "${CLUSTER_PORTS[@]}"; do urls+=("redis://$HOST:$p"); done
  set_env TEST_REDIS_CLUSTER_NODES "$(IFS=,; echo "${urls[*]}")"
  ok "redis-cluster ready on $HOST:${CLUSTER_PORTS[0]}-${CLUSTER_PORTS[5]} (3 masters, 3 replicas)"
}

redis_cluster_check() {
  if ! command -v redis-server >/dev/null 2>&1; then bad "redis-cluster not installed"; return 1; fi
  if cluster_healthy; then ok "redis-cluster up    $HOST:${CLUSTER_PORTS[0]}-${CLUSTER_PORTS[5]}"
  else bad "redis-cluster not healthy (nodes down, state not ok, or not 3 masters + 3 replicas)"; return 1; fi
}

redis_cluster_stop() {
  local p
  for p in "${CLUSTER_PORTS[@]}"; do stop_pidfile "redis cluster node $p" "$CLUSTER_DIR/$p/redis.pid" "$p"; done
  ok "redis-cluster stopped"
}

# ---------------------------------------------------------------- redis-sentinel
SENTINEL_DIR="$LOG_DIR/redis-sentinel"

sentinel_master_port() { # the master's port according to the first sentinel that answers
  local s addr
  for s in "${SENTINEL_PORTS[@]}"; do
    addr="$(rcli "$s" sentinel get-master-addr-by-name "$SENTINEL_NAME" 2>/dev/null | tr -d '\r' | sed -n 2p)"
    if [ -n "$addr" ]; then echo "$addr"; return 0; fi
  done
  return 1
}

redis_role() { rcli "$1" info replication 2>/dev/null | tr -d '\r' | sed -n 's/^role://p'; }

sentinel_start_node() { # sentinel_start_node <port> <master port>
  local port="$1" master="$2" dir="$SENTINEL_DIR/node-$1"
  mkdir -p "$dir"
  {
    printf 'bind %s\nport %s\ndaemonize yes\ndir %s\npidfile %s/redis.pid\nlogfile %s/redis.log\nsave ""\nappendonly no\n' \
      "$HOST" "$port" "$dir" "$dir" "$dir"
    [ "$port" != "$master" ] && printf 'replicaof %s %s\n' "$HOST" "$master"
  } >"$dir/redis.conf"
  redis-server "$dir/redis.conf" </dev/null >>"$dir/redis.log" 2>&1 || { bad "redis-server on $port failed to start"; show_log "$dir/redis.log"; return 1; }
  wait_for "redis (sentinel group) $port" redis_port_up "$port" || { show_log "$dir/redis.log"; return 1; }
}

sentinel_start() { # sentinel_start <port> <master port>: a fresh config that monitors the master (its id kept)
  local port="$1" master="$2" dir="$SENTINEL_DIR/sentinel-$1" myid=''
  mkdir -p "$dir"
  [ -f "$dir/sentinel.conf" ] && myid="$(grep -m1 '^sentinel myid ' "$dir/sentinel.conf" || true)"
  {
    printf 'bind %s\nport %s\ndaemonize yes\ndir %s\npidfile %s/sentinel.pid\nlogfile %s/sentinel.log\n' "$HOST" "$port" "$dir" "$dir" "$dir"
    [ -n "$myid" ] && printf '%s\n' "$myid"
    printf 'sentinel monitor %s %s %s 2\n' "$SENTINEL_NAME" "$HOST" "$master"
    printf 'sentinel down-after-milliseconds %s %s\n' "$SENTINEL_NAME" "$SENTINEL_DOWN_AFTER"
    printf 'sentinel failover-timeout %s 10000\n' "$SENTINEL_NAME"
    printf 'sentinel parallel-syncs %s 1\n' "$SENTINEL_NAME"
  } >"$dir/sentinel.conf"
  redis-sentinel "$dir/sentinel.conf" </dev/null >>"$dir/sentinel.log" 2>&1 || { bad "redis-sentinel on $port failed to start"; show_log "$dir/sentinel.log"; return 1; }
  wait_for "sentinel $port" redis_port_up "$port" || { show_log "$dir/sentinel.log"; return 1; }
}

# Ready: every sentinel names the same master, sees the 2 replicas (not down) and the 2 other
# sentinels; the master has 2 replicas with their links up.
sentinel_healthy() {
  local master s p
  master="$(sentinel_master_port)" || return 1
  for s in "${SENTINEL_PORTS[@]}"; do
    redis_port_up "$s" || return 1
    [ "$(rcli "$s" sentinel get-master-addr-by-name "$SENTINEL_NAME" 2>/dev/null | tr -d '\r' | sed -n 2p)" = "$master" ] || return 1
    [ "$(rcli "$s" sentinel replicas "$SENTINEL_NAME" 2>/dev/null | tr -d '\r' | grep -A1 -x flags | grep -cx 'slave')" = 2 ] || return 1
    [ "$(rcli "$s" sentinel sentinels "$SENTINEL_NAME" 2>/dev/null | tr -d '\r' | grep -A1 -x flags | grep -cx 'sentinel')" = 2 ] || return 1
    rcli "$s" sentinel ckquorum "$SENTINEL_NAME" >/dev/null 2>&1 || return 1
  done
  [ "$(redis_role "$master")" = master ] || return 1
  for p in "${SENTINEL_REDIS_PORTS[@]}"; do
    [ "$p" = "$master" ] && continue
    rcli "$p" info replication 2>/dev/null | tr -d '\r' | grep -qx "master_port:$master" || return 1
    rcli "$p" info replication 2>/dev/null | tr -d '\r' | grep -qx 'master_link_status:up' || return 1
  done
}

redis_sentinel_ensure() {
  need_redis
  command -v redis-sentinel >/dev/null 2>&1 || apt_install redis-sentinel
  mkdir -p "$SENTINEL_DIR"
  local master p
  # The master: the sentinels' if any answers, else a running master, else the first port.
  if ! master="$(sentinel_master_port)"; then
    master=''
    for p in "${SENTINEL_REDIS_PORTS[@]}"; do
      if redis_port_up "$p" && [ "$(redis_role "$p")" = master ]; then master="$p"; break; fi
    done
    master="${master:-${SENTINEL_REDIS_PORTS[0]}}"
  fi
  # The master first: the replicas need it.
  if ! redis_port_up "$master"; then sentinel_start_node "$master" "$master"; fi
  for p in "${SENTINEL_REDIS_PORTS[@]}"; do
    [ "$p" = "$master" ] && continue
    if ! redis_port_up "$p"; then sentinel_start_node "$p" "$master"
    elif ! rcli "$p" info replication 2>/dev/null | tr -d '\r' | grep -qx "master_port:$master"; then
      rcli "$p" replicaof "$HOST" "$master" >/dev/null
    fi
  done
  for p in "${SENTINEL_PORTS[@]}"; do
    redis_port_up "$p" || sentinel_start "$p" "$master"
  done
  wait_for "redis-sentinel ($SENTINEL_NAME: master and 2 replicas known to 3 sentinels)" sentinel_healthy || {
    for p in "${SENTINEL_PORTS[@]}"; do rcli "$p" sentinel master "$SENTINEL_NAME" 2>&1 | tr '\n' ' ' >&2; echo >&2; done; return 1; }
  local list=()
  for p in "${SENTINEL_PORTS[@]}"; do list+=("$HOST:$p"); done
  set_env TEST_REDIS_SENTINELS "$(IFS=,; echo "${list[*]}")"
  set_env TEST_REDIS_SENTINEL_NAME "$SENTINEL_NAME"
  ok "redis-sentinel ready: $SENTINEL_NAME master on $HOST:$(sentinel_master_port), sentinels on ${SENTINEL_PORTS[*]}"
}

redis_sentinel_check() {
  if ! command -v redis-sentinel >/dev/null 2>&1; then bad "redis-sentinel not installed"; return 1; fi
  if sentinel_healthy; then ok "redis-sentinel up    $SENTINEL_NAME master on $HOST:$(sentinel_master_port)"
  else bad "redis-sentinel not healthy (a node or sentinel down, or the sentinels disagree)"; return 1; fi
}

redis_sentinel_stop() {
  local p
  for p in "${SENTINEL_PORTS[@]}"; do stop_pidfile "sentinel $p" "$SENTINEL_DIR/sentinel-$p/sentinel.pid" "$p"; done
  for p in "${SENTINEL_REDIS_PORTS[@]}"; do stop_pidfile "redis $p" "$SENTINEL_DIR/node-$p/redis.pid" "$p"; done
  ok "redis-sentinel stopped"
}

# ---------------------------------------------------------------- pgbouncer
PGBOUNCER_DIR="$LOG_DIR/pgbouncer"

pgbouncer_url() { # the PostgreSQL URL with PgBouncer's port
  local url; url="$(pg_url)" || return 1
  echo "$url" | sed "s/:$PG_PORT\//:$PGBOUNCER_PORT\//"
}
pgbouncer_select1() {
  local url; url="$(pgbouncer_url)" || return 1
  [ "$(PGCONNECT_TIMEOUT=3 psql -X -w -q -At "$url" -c 'select 1' 2>/dev/null)" = 1 ]
}
pgbouncer_transaction_mode() { # the admin console's SHOW CONFIG
  local user; user="$(pgbouncer_url | sed -E 's|^postgres://([^:@]+).*|\1|')"
  PGPASSWORD='' PGCONNECT_TIMEOUT=3 psql -X -w -q -At -h "$HOST" -p "$PGBOUNCER_PORT" -U "$user" -d pgbouncer -c 'show config' 2>/dev/null \
    | grep -q '^pool_mode|transaction|'
}
pgbouncer_ready() { pgbouncer_select1 && pgbouncer_transaction_mode; }

pgbouncer_ensure() {
  local url; url="$(pg_url)" || { bad "pgbouncer needs PostgreSQL with $DB_NAME first: bash scripts/services.sh postgres"; return 1; }
  if pgbouncer_ready; then ok "pgbouncer already running on $HOST:$PGBOUNCER_PORT (transaction pooling)"; else
    if tcp_open "$PGBOUNCER_PORT"; then bad "pgbouncer: $HOST:$PGBOUNCER_PORT answers, but not as a PgBouncer in transaction mode in front of $DB_NAME"; return 1; fi
    command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || apt_install pgbouncer
    local bin; bin="$(command -v pgbouncer || echo /usr/sbin/pgbouncer)"
    # The user and password PostgreSQL takes (trust: postgres; else the sessions role).
    local user pass
    user="$(echo "$url" | sed -E 's|^postgres://([^:@]+).*|\1|')"
    pass="$(echo "$url" | sed -nE 's|^postgres://[^:@]+:([^@]*)@.*|\1|p')"
    mkdir -p "$PGBOUNCER_DIR"
    cat >"$PGBOUNCER_DIR/pgbouncer.ini" <<CONF
[databases]
$DB_NAME = host=$HOST port=$PG_PORT dbname=$DB_NAME user=$user${pass:+ password=$pass}

[pgbouncer]
listen_addr = $HOST
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $PGBOUNCER_DIR/userlist.txt
admin_users = $user
pool_mode = transaction
default_pool_size = 20
max_client_conn = 500
ignore_startup_parameters = extra_float_digits
logfile = $PGBOUNCER_DIR/pgbouncer.log
pidfile = $PGBOUNCER_DIR/pgbouncer.pid
CONF
    printf '"%s" ""\n' "$user" >"$PGBOUNCER_DIR/userlist.txt"
    # PgBouncer refuses to run as root.
    local runas=postgres
    id "$runas" >/dev/null 2>&1 || runas=nobody
    rm -f "$PGBOUNCER_DIR/pgbouncer.pid"
    [ "$(id -u)" -eq 0 ] && chown -R "$runas" "$PGBOUNCER_DIR"
    say "starting pgbouncer on $HOST:$PGBOUNCER_PORT (transaction pooling, as $runas)"
    if [ "$(id -u)" -eq 0 ]; then as_user "$runas" "$bin" -d "$PGBOUNCER_DIR/pgbouncer.ini" </dev/null >>"$PGBOUNCER_DIR/start.log" 2>&1
    else "$bin" -d "$PGBOUNCER_DIR/pgbouncer.ini" </dev/null >>"$PGBOUNCER_DIR/start.log" 2>&1; fi || {
      bad "pgbouncer failed to start"; show_log "$PGBOUNCER_DIR/start.log"; show_log "$PGBOUNCER_DIR/pgbouncer.log"; return 1; }
    wait_for "pgbouncer (SELECT 1 in transaction pooling mode)" pgbouncer_ready || { show_log "$PGBOUNCER_DIR/pgbouncer.log"; return 1; }
    ok "pgbouncer started on $HOST:$PGBOUNCER_PORT"
  fi
  set_env TEST_PGBOUNCER_URL "$(pgbouncer_url)"
  ok "pgbouncer $(pgbouncer_url)"
}

pgbouncer_check() {
  if pgbouncer_ready; then ok "pgbouncer up    $(pgbouncer_url) (transaction pooling)"
  elif ! command -v pgbouncer >/dev/null 2>&1 && [ ! -x /usr/sbin/pgbouncer ]; then bad "pgbouncer not installed"; return 1
  else bad "pgbouncer down  (no SELECT 1 through $HOST:$PGBOUNCER_PORT in transaction mode)"; return 1; fi
}

pgbouncer_stop() { stop_pidfile "pgbouncer" "$PGBOUNCER_DIR/pgbouncer.pid" "$PGBOUNCER_PORT"; ok "pgbouncer stopped ($HOST:$PGBOUNCER_PORT)"; }

# ---------------------------------------------------------------- haproxy
HAPROXY_DIR="$LOG_DIR/haproxy"
haproxy_up() { tcp_open "$HAPROXY_PORT" && tcp_open "$HAPROXY_STATS_PORT"; }

haproxy_ensure() {
  if haproxy_up; then ok "haproxy   already running on $HOST:$HAPROXY_PORT"; else
    command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || apt_install haproxy
    local bin; bin="$(command -v haproxy || echo /usr/sbin/haproxy)"
    mkdir -p "$HAPROXY_DIR"
    {
      cat <<CONF
# Round robin over the app instances, no stickiness: any instance serves any request.
global
  daemon
  pidfile $HAPROXY_DIR/haproxy.pid
  maxconn 2000

defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 10s

frontend apps
  bind $HOST:$HAPROXY_PORT
  default_backend apps

backend apps
  balance roundrobin
  http-response set-header X-Served-By %s
CONF
      local i=1 port
      for port in "${HAPROXY_BACKENDS[@]}"; do
        printf '  server app%s %s:%s check inter 1s fall 2 rise 1\n' "$i" "$HOST" "$port"
        i=$((i + 1))
      done
      cat <<CONF

listen stats
  bind $HOST:$HAPROXY_STATS_PORT
  stats enable
  stats uri /stats
  stats refresh 5s
CONF
    } >"$HAPROXY_DIR/haproxy.cfg"
    "$bin" -c -q -f "$HAPROXY_DIR/haproxy.cfg" >"$HAPROXY_DIR/haproxy.log" 2>&1 || { bad "haproxy: invalid configuration"; show_log "$HAPROXY_DIR/haproxy.log"; return 1; }
    say "starting haproxy on $HOST:$HAPROXY_PORT (round robin over ${HAPROXY_BACKENDS[*]})"
    "$bin" -f "$HAPROXY_DIR/haproxy.cfg" </dev/null >>"$HAPROXY_DIR/haproxy.log" 2>&1 || { bad "haproxy failed to start"; show_log "$HAPROXY_DIR/haproxy.log"; return 1; }
    wait_for "haproxy (listening on $HAPROXY_PORT)" haproxy_up || { show_log "$HAPROXY_DIR/haproxy.log"; return 1; }
    ok "haproxy   started on $HOST:$HAPROXY_PORT"
  fi
  local backends=() port
  for port in "${HAPROXY_BACKENDS[@]}"; do backends+=("$HOST:$port"); done
  set_env TEST_HAPROXY_URL "http://$HOST:$HAPROXY_PORT"
  set_env TEST_HAPROXY_BACKENDS "$(IFS=,; echo "${backends[*]}")"
  set_env TEST_HAPROXY_STATS "http://$HOST:$HAPROXY_STATS_PORT/stats;csv"
}

haproxy_check() {
  if haproxy_up; then ok "haproxy   up    http://$HOST:$HAPROXY_PORT → ${HAPROXY_BACKENDS[*]}"
  elif ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then bad "haproxy   not installed"; return 1
  else bad "haproxy   down  (nothing listens on $HOST:$HAPROXY_PORT)"; return 1; fi
}

haproxy_stop() { stop_pidfile "haproxy" "$HAPROXY_DIR/haproxy.pid" "$HAPROXY_PORT"; ok "haproxy   stopped ($HOST:$HAPROXY_PORT)"; }

# ---------------------------------------------------------------- main
FAILED=()
for s in "${SERVICES[@]}"; do
  if [ "$STOP" -eq 1 ]; then
    "${s//-/_}_stop" || FAILED+=("$s")
  elif [ "$CHECK" -eq 1 ]; then
    "${s//-/_}_check" || FAILED+=("$s")
  else
    # A subshell, so one service's failure does not stop the others. (Not `( … ) || …`:
    # bash ignores set -e inside a command whose status is tested.)
    set +e
    ( set -e; "${s//-/_}_ensure" )
    rc=$?
    set -e
    [ "$rc" -eq 0 ] || { bad "$s could not be started"; FAILED+=("$s"); }
  fi
done

rm -f "$APT_STAMP"
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
