#!/usr/bin/env bash
# Install the Debian 12 packages schoolrisk needs to build, test, fuzz
# and benchmark.  Idempotent: when every package is already installed it
# does nothing (no apt-get update, no network).  Run as root, or with
# sudo available.
set -euo pipefail

# zlib1g-dev: Debian's libxlsxwriter-dev names -lz in its pkg-config
# Libs but does not depend on zlib1g-dev; list every -dev package whose
# library we link, directly or through a .pc file, here.
packages=(
    build-essential cmake pkg-config
    libxml2-dev libsqlite3-dev libxlsxwriter-dev zlib1g-dev libcjson-dev
    libsodium-dev libmicrohttpd-dev liboath-dev gettext
    sqlite3
    libcmocka-dev
    clang libclang-rt-14-dev
    libxml2-utils python3 python3-openpyxl
    debootstrap
    chromium fonts-noto-cjk
)
# The browser pages are built with npm (web/); the browser tests drive
# chromium, which brings no Chinese font.  Debian's nodejs and npm when
# no node is installed.
if ! command -v node >/dev/null 2>&1; then
    packages+=(nodejs npm)
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
