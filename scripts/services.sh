#!/usr/bin/env bash
# Sets up what the test suite needs on a test machine, for CI (.ci/run) and
# developers alike: Debian packages, the services on their usual loopback
# ports, the Python test tools in a venv under the repository, and the Go
# modules of test/interop. Idempotent: on a machine where everything is
# already installed and running it changes nothing and prints nothing.
#
# This is for test machines only. It gives PostgreSQL trust authentication on
# loopback and MariaDB's root an empty password on loopback, which is what the
# tests expect (see test/helpers/services.ts). Never run it on a server that
# holds real data.
#
#   Redis       127.0.0.1:6379   no persistence (tests that need AOF start their own)
#   PostgreSQL  127.0.0.1:5432   user postgres, trust on loopback, database `test`
#   MariaDB     127.0.0.1:3306   user root, empty password on loopback, database `test`
#   .venv-test/                  moto (S3 server with versioning), schemathesis
#   test/interop/                Go modules, pinned by go.sum
#   test/witness/bin/            litewitness and witnessctl (filippo.io/torchwood, pinned by
#                                test/witness/tools/go.sum), the C2SP witness the log is tested against
#
# Needs root (apt-get, service start). Set SERVICES_QUIET=0 to see each step.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(redis-server postgresql mariadb-server chromium poppler-utils qpdf openssh-client fonts-dejavu-core zbar-tools)
VENV=.venv-test

say() { if [ "${SERVICES_QUIET:-1}" = 0 ]; then printf '[services] %s\n' "$*" >&2; fi; }
act() { printf '[services] %s\n' "$*" >&2; } # what changes the machine is always printed
die() { printf '[services] error: %s\n' "$*" >&2; exit 1; }

wait_for() { # name, seconds, command...
  local name=$1 secs=$2; shift 2
  for _ in $(seq 1 "$secs"); do
    if "$@" >/dev/null 2>&1; then say "$name is up"; return 0; fi
    sleep 1
  done
  die "$name did not answer within ${secs}s"
}

install_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing Debian packages (${missing[*]}); run this script as root"
  act "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Package scripts must not start services through init scripts: this script
  # starts each one itself, with the options the tests need.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=1; fi
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/shredproof-apt.log 2>&1 \
    || { [ $created_policy = 1 ] && rm -f "$policy"; tail -20 /tmp/shredproof-apt.log >&2; die "apt-get install failed (log: /tmp/shredproof-apt.log)"; }
  [ $created_policy = 1 ] && rm -f "$policy"
  return 0
}

start_redis() {
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return 0
  act "starting Redis on 127.0.0.1:6379"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --maxmemory-policy noeviction --dir /var/lib/redis --logfile /var/log/redis/shredproof-test.log
  wait_for Redis 30 redis-cli -h 127.0.0.1 -p 6379 ping
}

pg_version() { ls /usr/lib/postgresql | sort -V | tail -1; }

start_postgres() {
  local v; v=$(pg_version)
  [ -n "$v" ] || die "no PostgreSQL under /usr/lib/postgresql"
  if [ ! -d "/etc/postgresql/$v/main" ]; then
    act "creating PostgreSQL $v cluster main"
    pg_createcluster "$v" main >/dev/null
  fi
  local hba="/etc/postgresql/$v/main/pg_hba.conf"
  if ! grep -q '^# shredproof-test' "$hba"; then
    act "PostgreSQL: trust on loopback for the tests ($hba)"
    { printf '# shredproof-test: trust on loopback (scripts/services.sh; test machines only)\n'
      printf 'host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n'
      cat "$hba"; } >"$hba.new"
    chown --reference="$hba" "$hba.new"; chmod --reference="$hba" "$hba.new"; mv "$hba.new" "$hba"
    pg_isready -q -h 127.0.0.1 -p 5432 && pg_ctlcluster "$v" main reload
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    act "starting PostgreSQL $v on 127.0.0.1:5432"
    pg_ctlcluster --skip-systemctl-redirect "$v" main start
  fi
  wait_for PostgreSQL 60 pg_isready -h 127.0.0.1 -p 5432
  if ! psql -h 127.0.0.1 -U postgres -Atqc "select 1 from pg_database where datname='test'" | grep -q 1; then
    act "PostgreSQL: creating database test"
    psql -h 127.0.0.1 -U postgres -qc 'create database test' >/dev/null
  fi
}

mariadb_root_ok() { mariadb -h 127.0.0.1 -P 3306 -uroot -e 'select 1' >/dev/null 2>&1; }

start_mariadb() {
  if ! mariadb-admin -h 127.0.0.1 -P 3306 ping >/dev/null 2>&1 && ! mariadb-admin --protocol=socket ping >/dev/null 2>&1; then
    act "starting MariaDB on 127.0.0.1:3306"
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
    [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    # mariadbd-safe restarts the server if it dies; its output goes to the error log.
    (setsid mariadbd-safe --user=mysql --bind-address=127.0.0.1 --port=3306 >/dev/null 2>&1 &)
  fi
  wait_for MariaDB 60 mariadb-admin --protocol=socket ping
  if ! mariadb_root_ok; then
    act "MariaDB: root with an empty password on loopback (test machines only)"
    mariadb --protocol=socket -uroot <<'SQL'
ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
  fi
  mariadb_root_ok || die "MariaDB: root cannot connect over TCP on 127.0.0.1:3306"
  mariadb -h 127.0.0.1 -uroot -e 'CREATE DATABASE IF NOT EXISTS test' >/dev/null
}

python_venv() {
  local stamp="$VENV/.requirements.sha256" want
  want=$(sha256sum requirements-test.txt | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/moto_server" ] && return 0
  act "installing requirements-test.txt into $VENV"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-input -r requirements-test.txt
  echo "$want" >"$stamp"
}

go_modules() {
  [ -f test/interop/go.mod ] || return 0
  command -v go >/dev/null || die "go is not installed (test/interop needs it)"
  local want; want=$(sed -n 's/^go //p' test/interop/go.mod) # golang.org/x/mod v0.43.0 needs Go 1.26
  # -mod=readonly: go.sum must already pin every module; nothing is added here.
  # Downloads each module go.mod requires: github.com/transparency-dev/merkle
  # and golang.org/x/mod (its sumdb/note checks the log's signed notes).
  (cd test/interop && GOFLAGS=-mod=readonly go mod download) \
    || die "go mod download failed in test/interop (it needs Go $want or later; this is $(go env GOVERSION))"
  # Then every package test/interop imports must build from the module cache alone.
  (cd test/interop && GOFLAGS=-mod=readonly GOPROXY=off go list -deps ./... >/dev/null) \
    || die "test/interop: a module it imports is not in the module cache after go mod download"
}

witness_tools() {
  [ -f test/witness/tools/go.mod ] || return 0
  command -v ssh-agent >/dev/null || die "ssh-agent is not installed (litewitness keeps its key in one; Debian's openssh-client has it)"
  local stamp=test/witness/bin/.built want
  want=$(sha256sum test/witness/tools/go.sum | cut -d' ' -f1)
  if [ -x test/witness/bin/litewitness ] && [ -x test/witness/bin/witnessctl ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  act "building litewitness and witnessctl into test/witness/bin (filippo.io/torchwood, pinned by go.sum)"
  (cd test/witness/tools && GOFLAGS=-mod=readonly go build -o ../bin/ filippo.io/torchwood/cmd/litewitness filippo.io/torchwood/cmd/witnessctl) \
    || die "could not build litewitness from test/witness/tools (Go $(go env GOVERSION))"
  echo "$want" >"$stamp"
}

install_packages
start_redis
start_postgres
start_mariadb
python_venv
go_modules
witness_tools
say "all services up"
