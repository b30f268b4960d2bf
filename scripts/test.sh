#!/usr/bin/env bash
# Every test, from a fresh clone: install the Debian packages, check that
# the code builds warning-free with gcc (-Wall -Wextra -Werror), then
# build with clang under AddressSanitizer + UndefinedBehaviorSanitizer,
# with the libFuzzer targets, and run there the unit tests (cmocka) on
# SQLite and again on a throwaway PostgreSQL cluster
# (scripts/pg-cluster.sh) started for the run, each fuzz target for
# SR_FUZZ_SECONDS (default 30) seconds, the service's and the browser's
# tests; then in the gcc build the CLI's tests, and the end-to-end tests
# on the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh --test

./scripts/check-source.sh

echo "== gcc build (-Wall -Wextra -Werror)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSR_TESTS=ON >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

# The browser tests (tests/browser/) need the built pages.
./web/build.sh

echo "== clang build with ASan + UBSan + libFuzzer"
cmake -S . -B build-san -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
    -DSR_SANITIZE=ON -DSR_FUZZ=ON \
    -DSR_FUZZ_SECONDS="${SR_FUZZ_SECONDS:-30}" >/dev/null
cmake --build build-san -j"$(nproc)" >/dev/null

# Tests run Python helpers; keep their bytecode out of the source tree.
export PYTHONDONTWRITEBYTECODE=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# The PostgreSQL tests (issue 13) run on a throwaway cluster of their own
# on a free loopback port, its URI in SR_TEST_PG; it is stopped and
# removed when this script ends, whether the suite passed or not.
pg_cluster=$PWD/scripts/pg-cluster.sh
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/sr-pg.XXXXXX")
stop_pg() {
    local rc=$?
    trap - EXIT
    if ! "$pg_cluster" stop "$pg_dir"; then
        echo "== the PostgreSQL test cluster in $pg_dir did not stop" >&2
        [ "$rc" -eq 0 ] && rc=1
    fi
    exit "$rc"
}
trap stop_pg EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP
SR_TEST_PG=$("$pg_cluster" start "$pg_dir" auto)
export SR_TEST_PG
echo "== PostgreSQL test cluster: $SR_TEST_PG ($pg_dir)"

# Under the sanitizers: the C tests on both stores (unit_* on SQLite,
# pgunit_* on the cluster above), the fuzz targets, the service's tests
# and the browser's on SQLite, and the fresh-Debian test.
cd build-san
ctest --output-on-failure -j"$(nproc)" -LE '^(cli|pg|pgsuite)$'

# In the gcc build, the end-to-end tests that run a process a step: the
# CLI's on SQLite (cli_*), and on PostgreSQL the tests of tests/pg/
# (pg_*) and each CLI and service test again (pgcli_*, pgweb_*), where
# SR_TEST_STORE=pg makes it take a fresh database of the cluster above
# where it took a SQLite file.  (Under ASan every process costs about
# three times its CPU; the code they run is the C tests' and the
# service's too.)
echo "== the CLI's tests, and the end-to-end tests on PostgreSQL"
cd ../build
ctest --output-on-failure -j"$(nproc)" -L '^(cli|pg|pgsuite)$'
