#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL and Redis for the integration tests.
#
#   eval "$(tools/scripts/testenv.sh start)"   # prints export lines on stdout
#   TDKT_TEST_REQUIRE_SERVICES=1 go test ./...
#   tools/scripts/testenv.sh stop
#
# Commands: start (default), stop, env (print the env of a running testenv).
# State (data, logs, pid files, env) lives in ${TDKT_TESTENV_DIR:-/tmp/tdkt-testenv}.
# Both servers listen on 127.0.0.1 only, on free ports; PostgreSQL trusts
# loopback connections and runs with fsync off: never put data you want in it.
# PostgreSQL refuses to run as root, so as root the script runs it as the
# `postgres` system user (or creates a `tdkt` system user when there is none).
# Missing server packages are installed with apt-get when running as root.
# Progress goes to stderr, so that only the env reaches stdout.
set -euo pipefail

state=${TDKT_TESTENV_DIR:-/tmp/tdkt-testenv}
pg_root=$state/pg # owned by the PostgreSQL user: data, socket, log
redis_dir=$state/redis
env_file=$state/env

log() { printf 'testenv: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

apt_updated=
apt_install() {
  [[ $(id -u) == 0 ]] || die "$1 is missing; install it (apt-get install $1) or run as root"
  export DEBIAN_FRONTEND=noninteractive
  if [[ -z $apt_updated ]]; then
    log "apt-get update"
    apt-get update -qq >&2
    apt_updated=1
  fi
  log "apt-get install $*"
  apt-get install -y -qq --no-install-recommends "$@" >&2
}

pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [[ -n $d && -x $d/initdb && -x $d/pg_ctl ]] && echo "$d"
}

# pg_user prints the unprivileged user that runs PostgreSQL ("" when we are not root).
pg_user() {
  [[ $(id -u) == 0 ]] || return 0
  if id -u postgres >/dev/null 2>&1; then
    echo postgres
    return
  fi
  if ! id -u tdkt >/dev/null 2>&1; then
    log "creating system user tdkt"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tdkt >&2
  fi
  echo tdkt
}

# as_pg runs a command as the PostgreSQL user, from a directory it can read.
as_pg() {
  local user
  user=$(pg_user)
  if [[ -n $user ]]; then
    (cd "$state" && runuser -u "$user" -- "$@")
  else
    (cd "$state" && "$@")
  fi
}

port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q . && return 0
  fi
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 40000))
    port_in_use "$p" || {
      echo "$p"
      return
    }
  done
  die "no free port found"
}

redis_ping() {
  if command -v redis-cli >/dev/null 2>&1; then
    [[ $(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]
  else
    local reply
    exec 3<>"/dev/tcp/127.0.0.1/$1" 2>/dev/null || return 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 1 reply <&3 || true
    exec 3<&-
    [[ $reply == +PONG* ]]
  fi
}

pg_running() {
  local bin
  bin=$(pg_bindir) || return 1
  [[ -f $pg_root/data/PG_VERSION ]] || return 1
  as_pg "$bin/pg_ctl" -D "$pg_root/data" status >/dev/null 2>&1
}

redis_running() {
  [[ -f $state/redis.pid ]] || return 1
  kill -0 "$(cat "$state/redis.pid")" 2>/dev/null
}

start_postgres() {
  local bin user port i
  bin=$(pg_bindir) || {
    apt_install postgresql
    bin=$(pg_bindir) || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  }
  user=$(pg_user)
  mkdir -p "$pg_root/sock"
  [[ -n $user ]] && chown -R "$user:" "$pg_root"
  chmod 700 "$pg_root"
  log "initdb ($bin, user ${user:-$(id -un)})"
  as_pg "$bin/initdb" -D "$pg_root/data" -U postgres --auth=trust --encoding=UTF8 \
    --no-locale --no-sync >"$state/initdb.log" 2>&1 || {
    cat "$state/initdb.log" >&2
    die "initdb failed"
  }
  cat >>"$pg_root/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$pg_root/sock'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  for ((i = 0; i < 5; i++)); do
    port=$(free_port)
    if as_pg "$bin/pg_ctl" -D "$pg_root/data" -l "$pg_root/postgres.log" -w -t 60 \
      -o "-p $port" start >&2; then
      echo "$port" >"$state/pg.port"
      log "PostgreSQL listening on 127.0.0.1:$port"
      return
    fi
    log "PostgreSQL did not start on port $port; retrying"
  done
  tail -n 30 "$pg_root/postgres.log" >&2 || true
  die "PostgreSQL failed to start"
}

start_redis() {
  local port i j
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  mkdir -p "$redis_dir"
  for ((i = 0; i < 5; i++)); do
    port=$(free_port)
    rm -f "$state/redis.pid"
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
      --dir "$redis_dir" --daemonize yes --pidfile "$state/redis.pid" \
      --logfile "$state/redis.log" >&2 || true
    for ((j = 0; j < 100; j++)); do
      if redis_ping "$port"; then
        echo "$port" >"$state/redis.port"
        log "Redis listening on 127.0.0.1:$port"
        return
      fi
      redis_running || [[ $j -lt 10 ]] || break
      sleep 0.1
    done
    stop_redis
    log "Redis did not start on port $port; retrying"
  done
  tail -n 30 "$state/redis.log" >&2 || true
  die "Redis failed to start"
}

stop_postgres() {
  local bin
  bin=$(pg_bindir) || return 0
  if pg_running; then
    log "stopping PostgreSQL"
    as_pg "$bin/pg_ctl" -D "$pg_root/data" -m fast -w stop >&2 || true
  fi
}

stop_redis() {
  local pid i
  redis_running || return 0
  pid=$(cat "$state/redis.pid")
  log "stopping Redis (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

write_env() {
  cat >"$env_file" <<EOF
export TDKT_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:$(cat "$state/pg.port")/postgres?sslmode=disable'
export TDKT_TEST_REDIS_ADDR='127.0.0.1:$(cat "$state/redis.port")'
EOF
}

cmd_start() {
  if [[ -f $env_file ]] && pg_running && redis_running; then
    log "already running (state in $state)"
    cat "$env_file"
    return
  fi
  cmd_stop
  mkdir -p "$state"
  chmod 755 "$state"
  : >"$state/.tdkt-testenv"
  start_postgres
  start_redis
  write_env
  log "started; stop with: $0 stop"
  cat "$env_file"
}

cmd_stop() {
  [[ -d $state ]] || return 0
  stop_redis
  stop_postgres
  # Remove only what this script created, never a directory it did not make.
  if [[ -f $state/.tdkt-testenv ]]; then
    rm -rf "$state"
  else
    rm -rf "$pg_root" "$redis_dir" "$env_file" "$state"/{pg.port,redis.port,redis.pid,redis.log,initdb.log}
  fi
}

cmd_env() {
  [[ -f $env_file ]] && pg_running && redis_running || die "not running (state dir $state)"
  cat "$env_file"
}

case ${1:-start} in
start) cmd_start ;;
stop) cmd_stop ;;
env) cmd_env ;;
*) die "usage: $0 [start|stop|env]" ;;
esac
