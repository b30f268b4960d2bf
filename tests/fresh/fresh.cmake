# The fresh-Debian test (tests/fresh/run.sh, docs/testing.md): the
# README's first command, ./scripts/run.sh --no-serve, in a minimal
# Debian 12 chroot (debootstrap --variant=minbase bookworm), so that a
# package missing from scripts/install-deps.sh fails CI.  Needs root and
# the network; skipped (exit 77) when not root, a failure when CI=true.
# The debootstrapped base is cached in $SCHOOLRISK_FRESH_CACHE (default
# /var/cache/schoolrisk-fresh).  Run it alone: ctest -R fresh_debian.
set(SR_FRESH_TIMEOUT 1500 CACHE STRING
    "ctest TIMEOUT of the fresh_debian test, in seconds")
# The script's own budget: every step runs under timeout(1) within it,
# leaving two minutes to unmount and clean up before ctest kills it.
math(EXPR SR_FRESH_BUDGET "${SR_FRESH_TIMEOUT} - 120")
add_test(NAME fresh_debian
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run.sh ${CMAKE_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/fresh)
# COST: with ctest -j, start it first (it is the longest test by far, and
# half of it waits on the network) so that the other tests run beside it
# instead of after it; without it, a build directory with no timing
# history (a CI run from a fresh clone) starts it last.
set_tests_properties(fresh_debian PROPERTIES
  COST 100000
  TIMEOUT ${SR_FRESH_TIMEOUT}
  LABELS fresh
  SKIP_RETURN_CODE 77
  ENVIRONMENT "SCHOOLRISK_FRESH_TIMEOUT=${SR_FRESH_BUDGET}")
