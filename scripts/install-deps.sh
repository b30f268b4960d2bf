#!/usr/bin/env bash
# Install the Debian 12 packages schoolrisk needs: to build it, run it
# and serve it (the README's first command, scripts/run.sh), and with
# --test also to test, fuzz and benchmark it (scripts/test.sh).
# Idempotent: when every package is already installed it does nothing
# (no apt-get update, no network).  Run as root, or with sudo available.
set -euo pipefail

tests=0
case ${1:-} in
--test) tests=1 ;;
"") ;;
*) echo "usage: scripts/install-deps.sh [--test]" >&2; exit 2 ;;
esac

# zlib1g-dev: Debian's libxlsxwriter-dev names -lz in its pkg-config
# Libs but does not depend on zlib1g-dev; list every -dev package whose
# library we link, directly or through a .pc file, here.  (The fresh
# Debian test, tests/fresh/, proves this list on a minimal system.)
# libpq-dev: PostgreSQL's client library, the second store (issue 13);
# its libpq.pc names libssl and libcrypto, which its libssl-dev brings.
packages=(
    build-essential cmake pkg-config
    libxml2-dev libsqlite3-dev libxlsxwriter-dev zlib1g-dev libcjson-dev
    libsodium-dev libmicrohttpd-dev liboath-dev libpq-dev gettext
    sqlite3 python3
)
# The browser pages are built with npm (web/): Debian's nodejs and npm
# when no node is installed.
if ! command -v node >/dev/null 2>&1; then
    packages+=(nodejs npm)
fi
# The tests: cmocka, clang with its sanitizer and fuzzer runtime, the
# workbooks read back with openpyxl, the fresh-Debian test's
# debootstrap, chromium for the browser tests, which brings no
# Chinese font, and PostgreSQL 15's server and psql for the throwaway
# cluster of scripts/pg-cluster.sh.  (On a real system the server's
# package also creates and starts a default cluster on port 5432; in a
# chroot it may not start.  No test uses it: they use their own.)
if [ "$tests" = 1 ]; then
    packages+=(
        libcmocka-dev
        clang libclang-rt-14-dev
        libxml2-utils python3-openpyxl
        debootstrap
        chromium fonts-noto-cjk
        postgresql-15 postgresql-client-15
    )
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
            grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages are installed"
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
