#!/usr/bin/env bash
# Every test, from a fresh clone: install the Debian packages, check that
# the code builds warning-free with gcc (-Wall -Wextra -Werror), then
# build with clang under AddressSanitizer + UndefinedBehaviorSanitizer,
# with the libFuzzer targets, and run the whole suite with ctest: unit
# tests (cmocka), end-to-end CLI tests, and each fuzz target for
# SR_FUZZ_SECONDS (default 30) seconds; the PostgreSQL tests on a
# throwaway cluster (scripts/pg-cluster.sh) started for the run; then
# the suite a second time on that cluster (the pgsuite label).
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

# The suite under the sanitizers, on SQLite; the second registrations
# of the suite's tests (label pgsuite) are the PostgreSQL pass below.
cd build-san
ctest --output-on-failure -j"$(nproc)" -LE pgsuite

# The suite again on PostgreSQL (SR_TEST_STORE=pg: each test takes a
# fresh database of the cluster above where it took a SQLite file), in
# the gcc build: the pgweb_*, pgcli_* and pgunit_* tests.
echo "== the suite on PostgreSQL"
cd ../build
SR_TEST_STORE=pg ctest --output-on-failure -j"$(nproc)" -L pgsuite
