#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests (issue 13):
#
#   scripts/pg-cluster.sh start DIR PORT   make a cluster in DIR, start it
#                                           on 127.0.0.1:PORT, print its URI
#   scripts/pg-cluster.sh start DIR auto   the same on the first free port
#                                           from a random one in 55500-55999
#   scripts/pg-cluster.sh standby DIR PORT|auto PRIMARY
#                                           make a streaming-replication
#                                           standby of the cluster of
#                                           PRIMARY (a DIR `start` made) in
#                                           DIR, start it, print its URI
#   scripts/pg-cluster.sh uri DIR          print the URI again
#   scripts/pg-cluster.sh stop DIR         stop it (fast) and remove DIR; an
#                                           empty or absent DIR (a start that
#                                           failed) is removed or left alone
#
# The URI is postgresql://postgres@127.0.0.1:PORT/postgres: superuser
# `postgres`, trusted without a password from local sockets and
# 127.0.0.1 only, the server listening on 127.0.0.1 alone, its Unix
# socket in DIR (never /var/run/postgresql), fsync off (a test cluster
# need not survive a power cut).  The default cluster Debian's package
# may run on port 5432 is never used.
#
# SR_PG_CONF, when set, is more lines for the new cluster's
# postgresql.conf: the benchmarks' server as deploy.md §13 tunes one,
#   SR_PG_CONF=$'shared_buffers = 6GB\nhuge_pages = on' (after
#   sysctl -w vm.nr_hugepages=3300 as root; the server then refuses to
#   start without them, and its log says so).
#
# DIR must be empty or absent (a mktemp -d is right); `stop` removes
# only a directory `start` made.  A failed `start` leaves DIR empty.  As root the server runs as the unprivileged `postgres` user
# (initdb refuses root) and DIR is given to that user, so DIR must be
# somewhere it can reach (under /tmp, not /root); as anyone else it runs
# as that user.  The binaries are Debian's, in /usr/lib/postgresql/15/bin
# (pg_config --bindir may name another version's), or $SR_PG_BINDIR.
#
# Exit status: 0 done, 1 error, 2 usage, 3 the port is in use (`start`
# with a PORT: the caller may try another).
set -euo pipefail

bindir=${SR_PG_BINDIR:-/usr/lib/postgresql/15/bin}
marker=.schoolrisk-pg-cluster

say() { printf 'pg-cluster: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
usage() {
    echo "usage: scripts/pg-cluster.sh start DIR PORT|auto | standby DIR PORT|auto PRIMARY | uri DIR | stop DIR" >&2
    exit 2
}

# Run a command as the cluster's owner: `postgres` when we are root.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

need_binaries() {
    local b
    for b in initdb pg_ctl postgres; do
        [ -x "$bindir/$b" ] ||
            die "$bindir/$b not found: install Debian's postgresql-15 (scripts/install-deps.sh --test)"
    done
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        die "running as root but there is no 'postgres' user to run the server (Debian's postgresql-15 creates it)"
    fi
}

# Something accepts connections on 127.0.0.1:PORT (ours or another's).
port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Make the cluster in DIR (initdb: most of the time of a start).
make_cluster() {
    local dir=$1
    mkdir "$dir/data" "$dir/socket"
    : >"$dir/server.log"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres: "$dir"
    fi
    # Locale C with UTF-8: text sorts by bytes and upper()/lower() touch
    # ASCII only, as SQLite's BINARY collation and functions do.
    if ! as_owner "$bindir/initdb" -D "$dir/data" -U postgres -E UTF8 \
            --locale=C --auth=trust --no-sync >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        say "initdb failed"
        return 1
    fi
    # Trust from local sockets and 127.0.0.1 only (initdb's file also
    # trusts ::1), replication included for the standby of issue 13.
    cat >"$dir/data/pg_hba.conf" <<EOF
local all         all                trust
host  all         all  127.0.0.1/32  trust
local replication all                trust
host  replication all  127.0.0.1/32  trust
EOF
    # The port is the last line: start_on sets it.
    cat >>"$dir/data/postgresql.conf" <<EOF

# scripts/pg-cluster.sh: a throwaway test cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/socket'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    # The caller's settings (SR_PG_CONF), then the port, last.
    if [ -n "${SR_PG_CONF:-}" ]; then
        printf '%s\n' "$SR_PG_CONF" >>"$dir/data/postgresql.conf"
    fi
    echo "port = 0" >>"$dir/data/postgresql.conf"
}

# Start the cluster of DIR on PORT, making it first if need be; 3 when
# the port is taken.  (The port is checked before the initdb, so that a
# port in use costs nothing; a server that grabs it in between is
# caught when ours binds.)
start_on() {
    local dir=$1 port=$2
    if port_busy "$port"; then
        return 3
    fi
    if [ ! -e "$dir/data/PG_VERSION" ]; then
        make_cluster "$dir" || return 1
    fi
    as_owner sed -i "\$s/^port = .*/port = $port/" "$dir/data/postgresql.conf"
    echo "$port" >"$dir/port"
    if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
            -w -t 60 start >/dev/null 2>&1; then
        if grep -q 'Address already in use' "$dir/server.log"; then
            return 3
        fi
        tail -n 20 "$dir/server.log" >&2
        say "the server did not start (log above, from $dir/server.log)"
        return 1
    fi
}

# Empty DIR again after a failed start (it was empty before).
undo_start() {
    local dir=$1
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop \
        >/dev/null 2>&1 || true
    find "$dir" -mindepth 1 -delete
}

# Start the cluster of DIR on PORT, or with TRIES > 1 on the next ports
# while PORT is taken; mark DIR as ours and print its URI.  A start that
# fails leaves DIR empty.
start_trying() {
    local dir=$1 port=$2 tries=$3 rc
    while :; do
        rc=0
        start_on "$dir" "$port" || rc=$?
        [ "$rc" -eq 0 ] && break
        if [ "$rc" -ne 3 ]; then
            undo_start "$dir"
            exit 1
        fi
        tries=$((tries - 1))
        if [ "$tries" -le 0 ]; then
            undo_start "$dir"
            say "port $port on 127.0.0.1 is in use: choose another (or 'auto')"
            exit 3
        fi
        port=$((port >= 55999 ? 55500 : port + 1))
    done
    : >"$dir/$marker"
    cmd_uri "$dir"
}

cmd_start() {
    local dir=$1 port=$2 tries=1
    case $port in
    auto) port=$((55500 + RANDOM % 500)); tries=20 ;;
    *[!0-9]* | "") usage ;;
    esac
    if [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then
        die "port $port: choose one in 1024-65535"
    fi
    need_binaries
    mkdir -p "$dir"
    dir=$(realpath "$dir")
    [ -z "$(ls -A "$dir")" ] || die "$dir is not empty: give an empty or new directory"
    # The socket's path must fit a sockaddr_un (107 bytes).
    [ ${#dir} -le 80 ] || die "$dir is too long a path for the server's Unix socket: use a shorter one (e.g. mktemp -d)"
    cd /        # the server user may not be allowed into our directory
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir"
        runuser -u postgres -- test -w "$dir" ||
            die "the postgres user cannot write to $dir (is a parent directory private, like /root?): use one under /tmp"
    fi
    start_trying "$dir" "$port" "$tries"
}

# A hot standby of the cluster in primary, in DIR: a base backup
# streamed from it (pg_basebackup -R writes standby.signal and the
# primary's conninfo), its own socket directory, started on PORT.
cmd_standby() {
    local dir=$1 port=$2 primary tries=1
    primary=$(cluster_dir "$3")
    case $port in
    auto) port=$((55500 + RANDOM % 500)); tries=20 ;;
    *[!0-9]* | "") usage ;;
    esac
    need_binaries
    [ -x "$bindir/pg_basebackup" ] ||
        die "$bindir/pg_basebackup not found: install Debian's postgresql-15"
    mkdir -p "$dir"
    dir=$(realpath "$dir")
    [ -z "$(ls -A "$dir")" ] || die "$dir is not empty: give an empty or new directory"
    [ ${#dir} -le 80 ] || die "$dir is too long a path for the server's Unix socket: use a shorter one (e.g. mktemp -d)"
    cd /
    mkdir "$dir/socket"
    : >"$dir/server.log"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres: "$dir"
    fi
    if ! as_owner "$bindir/pg_basebackup" -h 127.0.0.1 -p "$(cat "$primary/port")"             -U postgres -D "$dir/data" -R -X stream --no-sync             >"$dir/basebackup.log" 2>&1; then
        cat "$dir/basebackup.log" >&2
        find "$dir" -mindepth 1 -delete
        die "pg_basebackup from $primary failed"
    fi
    # The copied configuration names the primary's socket directory; the
    # port stays the last line (start_on sets it).
    as_owner sed -i "s|^unix_socket_directories = .*|unix_socket_directories = '$dir/socket'|" \
        "$dir/data/postgresql.conf"
    start_trying "$dir" "$port" "$tries"
}

cluster_dir() {
    if [ ! -e "$1/$marker" ]; then
        die "$1 is not a cluster made by scripts/pg-cluster.sh start"
    fi
    realpath "$1"
}

cmd_uri() {
    local dir
    dir=$(cluster_dir "$1")
    echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/postgres"
}

cmd_stop() {
    local dir
    # After a start that failed, or none: nothing to stop (a trap may
    # call stop whatever happened).
    if [ ! -e "$1" ]; then
        return 0
    fi
    if [ -d "$1" ] && [ -z "$(ls -A "$1")" ]; then
        rmdir "$1"
        return 0
    fi
    dir=$(cluster_dir "$1")
    cd /
    if [ -x "$bindir/pg_ctl" ] &&
            as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        # Fast: roll back open transactions and disconnect the clients;
        # a server that does not stop in 30 s is stopped at once.
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop \
            >/dev/null 2>&1 ||
            as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop \
                >/dev/null ||
            die "could not stop the server of $dir (its log: $dir/server.log)"
    fi
    rm -rf --one-file-system "$dir"
}

case ${1:-} in
start) [ $# -eq 3 ] || usage; cmd_start "$2" "$3" ;;
standby) [ $# -eq 4 ] || usage; cmd_standby "$2" "$3" "$4" ;;
uri) [ $# -eq 2 ] || usage; cmd_uri "$2" ;;
stop) [ $# -eq 2 ] || usage; cmd_stop "$2" ;;
*) usage ;;
esac
