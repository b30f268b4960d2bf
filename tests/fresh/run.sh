#!/usr/bin/env bash
# The fresh-Debian test: the README's first command, `./scripts/run.sh`,
# in a minimal Debian 12 chroot, as a new user would run it.  Catches a
# package missing from scripts/install-deps.sh (a -dev package named only
# by another package's .pc file, a tool the scripts call, ...).
#
#   tests/fresh/run.sh SOURCE_DIR SCRATCH_DIR
#
# 1. the base: `debootstrap --variant=minbase bookworm`, cached as a
#    tarball of debootstrap's result alone in $SCHOOLRISK_FRESH_CACHE
#    (default /var/cache/schoolrisk-fresh), restored from it when present;
# 2. SCRATCH_DIR/root: the base, the apt sources of a stock bookworm
#    (main, bookworm-updates, bookworm-security on deb.debian.org), the
#    host's resolv.conf and local CA certificates, and a `git clone` of
#    SOURCE_DIR's committed HEAD in /root/schoolrisk;
# 3. in the chroot, as root: `apt-get update`, then
#    `./scripts/run.sh --no-serve`; the test passes when it exits 0 and
#    its last section, the demo city's, has the "wrote 17 workbooks" line.
#
# Every chroot step runs in its own mount namespace (unshare --mount,
# propagation slave): /proc, /sys, /dev and /dev/pts are mounted there
# only, never on the host, and vanish with the namespace even when the
# step is killed; a trap also unmounts them.  Each step runs under
# `timeout` so that the whole test ends within $SCHOOLRISK_FRESH_TIMEOUT
# seconds (default 1380), below the ctest TIMEOUT.
#
# Needs root.  Not root: exit 77 (ctest: skipped), or 1 when CI=true.
# SCRATCH_DIR is removed on success; kept on failure, or always with
# SCHOOLRISK_FRESH_KEEP=1.
set -euo pipefail

suite=bookworm
mirror=http://deb.debian.org/debian
security_mirror=http://deb.debian.org/debian-security
chroot_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Microseconds since the epoch, and durations in seconds.
now() { local t=$EPOCHREALTIME; echo "${t/[.,]/}"; }
secs() { # MICROSECONDS -> "12.3 s (0m12s)"
    local us=$1 s
    s=$((us / 1000000))
    printf '%d.%d s (%dm%02ds)' "$s" $(((us % 1000000) / 100000)) $((s / 60)) $((s % 60))
}

# ---------------------------------------------------------------------
# Inner mode: run one command in the chroot, in a private mount
# namespace.  Called as `run.sh --in-chroot ROOT LOG -- CMD...` by the
# outer mode below through `unshare --mount`.
if [ "${1:-}" = --in-chroot ]; then
    root=$2 log=$3
    shift 4
    # shellcheck disable=SC2317  # called from the EXIT trap
    umount_all() {
        local m
        for m in "$root/dev" "$root/sys" "$root/proc"; do
            if mountpoint -q "$m"; then
                umount -R "$m" || umount -R -l "$m" || true
            fi
        done
    }
    trap 'rc=$?; umount_all; exit "$rc"' EXIT
    trap 'exit 143' TERM
    trap 'exit 130' INT
    trap 'exit 129' HUP
    # Belt and braces: unshare --propagation slave already keeps our
    # mounts from reaching the host.
    mount --make-rslave /
    mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
    mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
    mount --rbind /dev "$root/dev"          # with /dev/pts and /dev/shm
    mount --make-rslave "$root/dev"
    # A clean environment, as after a login: root's login shell reads
    # /etc/profile and sets PATH.
    # The output goes to LOG; LOG.mark gets the time of the first line
    # that starts with "== " (run.sh prints it once the build is done).
    chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb PATH="$chroot_path" \
            /bin/bash -l -c "$*" </dev/null 2>&1 |
        {
            marked=
            while IFS= read -r line || [ -n "$line" ]; do
                printf '%s\n' "$line"
                if [ -z "$marked" ] && [[ $line == "== "* ]]; then
                    now >"$log.mark"
                    marked=1
                fi
            done
        } >>"$log"
    exit 0
fi

# ---------------------------------------------------------------------
# Outer mode.
if [ $# -ne 2 ]; then
    echo "usage: tests/fresh/run.sh SOURCE_DIR SCRATCH_DIR" >&2
    exit 2
fi
src=$1
work=$2
cache_dir=${SCHOOLRISK_FRESH_CACHE:-/var/cache/schoolrisk-fresh}
budget=${SCHOOLRISK_FRESH_TIMEOUT:-1380}
keep=${SCHOOLRISK_FRESH_KEEP:-0}

say() { printf 'fresh_debian: %s\n' "$*"; }

# Not being able to run is a skip for a developer, a failure in CI.
cannot_run() {
    if [ "${CI:-}" = true ]; then
        say "FAIL: $* (CI=true: the fresh-Debian test must run in CI)"
        exit 1
    fi
    say "SKIP: $*"
    exit 77
}

if [ "$(id -u)" -ne 0 ]; then
    cannot_run "needs root (debootstrap, chroot and mount); run ctest as root, e.g. sudo ctest -R fresh_debian"
fi
for tool in debootstrap unshare chroot mount umount mountpoint git tar timeout flock; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        cannot_run "'$tool' not found (scripts/install-deps.sh installs debootstrap)"
    fi
done

# The other tests run beside this one (ctest -j): let them go first.
lowprio=(nice -n 10)
if command -v ionice >/dev/null 2>&1; then
    lowprio+=(ionice -c 2 -n 7)
fi

t0=$(now)
deadline=$((SECONDS + budget))
remaining() {
    local r=$((deadline - SECONDS))
    if [ "$r" -le 0 ]; then
        say "FAIL: out of time (SCHOOLRISK_FRESH_TIMEOUT=$budget s)" >&2
        exit 1
    fi
    echo "$r"
}

# Compressor for the cache: zstd when the host has it, else gzip.
if command -v zstd >/dev/null 2>&1; then
    tarball=$cache_dir/$suite-minbase.tar.zst
    compress=(zstd -q -T0 -6)
    decompress=(zstd -q -d -c)
else
    tarball=$cache_dir/$suite-minbase.tar.gz
    compress=(gzip -6)
    decompress=(gzip -d -c)
fi

mkdir -p "$work"
work=$(realpath "$work")
root=$work/root
log=$work/run.log
case $work in
/ | /dev* | /proc* | /sys* | /run* | /usr* | /etc* | /var/cache*)
    say "FAIL: refusing scratch directory $work"
    exit 1 ;;
esac

# Mount points at or under $work in this namespace (none, unless an
# inner step escaped its namespace).
mounts_under() {
    local mnt rest
    while read -r _ _ _ _ mnt rest; do
        mnt=$(printf '%b' "${mnt//\\/\\0}")    # \040 etc.
        case $mnt/ in "$work"/*) echo "$mnt" ;; esac
    done </proc/self/mountinfo
}
sweep_mounts() {
    local m
    for m in $(mounts_under | sort -r); do
        say "unmounting leftover $m"
        umount -R "$m" 2>/dev/null || umount -R -l "$m" || true
    done
    if [ -n "$(mounts_under)" ]; then
        say "FAIL: mounts left under $work:"
        mounts_under
        return 1
    fi
}
remove_work() {
    sweep_mounts || return 1
    # --one-file-system: never descend into anything mounted there.
    rm -rf --one-file-system "$work"
}

status=fail
phase=setup
cleanup() {
    local rc=$?
    trap - EXIT
    set +e
    sweep_mounts
    if [ "$status" = pass ] && [ "$rc" -eq 0 ]; then
        if [ "$keep" = 1 ]; then
            say "kept $work (SCHOOLRISK_FRESH_KEEP=1)"
        else
            local tr
            tr=$(now)
            if remove_work; then
                say "removed $work in $(secs $(($(now) - tr)))"
            else
                rc=1
            fi
        fi
    else
        [ "$rc" -eq 0 ] && rc=1
        if [ -s "$log" ]; then
            say "---- last 60 lines of $log ----"
            tail -n 60 "$log"
            say "---- end of $log ----"
        fi
        say "FAIL in phase '$phase' after $(secs $(($(now) - t0))); scratch directory kept: $work"
        say "(remove it with: rm -rf --one-file-system '$work')"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# A previous run's scratch directory (kept on failure): remove it, but
# only a directory this script made (it has the marker) or an empty one.
if [ -n "$(ls -A "$work")" ] && [ ! -e "$work/.schoolrisk-fresh" ]; then
    say "FAIL: $work is not empty and was not made by this test; not touching it"
    status=refused
    trap - EXIT
    exit 1
fi
if [ -e "$work/.schoolrisk-fresh" ]; then
    t=$(now)
    remove_work
    say "removed the previous run's $work in $(secs $(($(now) - t)))"
fi
mkdir -p "$work"
: >"$work/.schoolrisk-fresh"

avail_kb=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
if [ "$avail_kb" -lt $((4 * 1024 * 1024)) ]; then
    say "FAIL: less than 4 GiB free under $work"
    exit 1
fi

commit=$(git -C "$src" -c safe.directory='*' rev-parse HEAD)
say "testing commit $commit of $src"
say "scratch directory $work, cache $tarball, time budget ${budget} s"

# ---------------------------------------------------------------------
# Phase 1: the base system, from the cache or from debootstrap.
phase=base
t=$(now)
mkdir -p "$cache_dir"
exec 9>"$cache_dir/.lock"
if ! flock -w "$(remaining)" 9; then
    say "FAIL: could not lock $cache_dir/.lock"
    exit 1
fi
rm -f "$tarball".tmp.*          # a run killed while writing the cache
how=
if [ -s "$tarball" ]; then
    mkdir "$root"
    if timeout "$(remaining)" "${decompress[@]}" "$tarball" |
            tar -C "$root" --numeric-owner --xattrs --xattrs-include='*' -xpf -; then
        how="restored from $tarball"
    else
        say "cache $tarball unreadable: removing it and running debootstrap"
        rm -f "$tarball"
        rm -rf --one-file-system "$root"
    fi
fi
if [ -z "$how" ]; then
    # In its own mount namespace: debootstrap mounts /proc and /sys in
    # the target and would leave them behind if killed.
    say "debootstrap --variant=minbase $suite $root $mirror"
    if ! timeout --kill-after=30 "$(remaining)" "${lowprio[@]}" \
            unshare --mount --propagation slave -- \
            debootstrap --variant=minbase "$suite" "$root" "$mirror" \
            >"$work/debootstrap.log" 2>&1; then
        say "---- last 40 lines of $work/debootstrap.log ----"
        tail -n 40 "$work/debootstrap.log"
        [ -f "$root/debootstrap/debootstrap.log" ] &&
            tail -n 40 "$root/debootstrap/debootstrap.log"
        say "FAIL: debootstrap"
        exit 1
    fi
    # The cache holds debootstrap's result and nothing else.
    tmp=$(mktemp "$tarball.tmp.XXXXXX")
    tar -C "$root" --numeric-owner --xattrs --xattrs-include='*' -cf - . |
        "${compress[@]}" >"$tmp"
    chmod 644 "$tmp"
    mv -f "$tmp" "$tarball"
    how="debootstrap, cached as $tarball ($(du -h "$tarball" | cut -f1))"
fi
exec 9>&-
t_base=$(($(now) - t))
say "phase base: $(secs "$t_base"): $how"

# ---------------------------------------------------------------------
# Phase 2: the apt sources of a stock bookworm, resolv.conf, the clone.
phase=prepare
t=$(now)
rm -f "$root/etc/apt/sources.list"
mkdir -p "$root/etc/apt/sources.list.d"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security_mirror
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
# dpkg without an fsync per unpacked file: the same packages and the
# same files, only not durable across a power cut, which a throwaway
# tree does not need; much faster on a disk other jobs keep busy.
echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/schoolrisk-fresh-unsafe-io"
# The host's network settings, as a new machine on the same network would
# have them: its resolver, and the certificate authorities it adds to
# Debian's (/usr/local/share/ca-certificates, e.g. a proxy's that
# re-signs HTTPS: without it npm and the like cannot reach their
# registries); ca-certificates adds those when apt installs it.
# rm first: a symlink there would make cp write through it.
rm -f "$root/etc/resolv.conf"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
local_cas=0
if [ -d /usr/local/share/ca-certificates ]; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    while IFS= read -r -d '' crt; do
        rel=${crt#/usr/local/share/ca-certificates/}
        mkdir -p "$(dirname "$root/usr/local/share/ca-certificates/$rel")"
        cp -L "$crt" "$root/usr/local/share/ca-certificates/$rel"
        local_cas=$((local_cas + 1))
    done < <(find -L /usr/local/share/ca-certificates -type f -name '*.crt' -print0)
fi
# Only what is committed: a clean clone of HEAD.
git -c safe.directory='*' clone --quiet --no-hardlinks "$src" "$root/root/schoolrisk"
git -C "$root/root/schoolrisk" checkout --quiet --detach "$commit"
say "phase prepare: $(secs $(($(now) - t))): apt sources, dpkg force-unsafe-io, resolv.conf, $local_cas local CA certificate(s), clone of $commit"

# One command in the chroot, in its own mount namespace, under timeout,
# at a lower CPU and I/O priority than the tests ctest runs beside it.
in_chroot() {
    timeout --kill-after=30 "$(remaining)" "${lowprio[@]}" \
        unshare --mount --propagation slave -- \
        "$BASH" "${BASH_SOURCE[0]}" --in-chroot "$root" "$log" -- "$@"
}

# ---------------------------------------------------------------------
# Phase 3: apt-get update, as a new user would first.
phase="apt-get update"
t=$(now)
: >"$log"
echo "# apt-get update" >>"$log"
in_chroot apt-get update
t_update=$(($(now) - t))
say "phase apt-get update: $(secs "$t_update")"

# ---------------------------------------------------------------------
# Phase 4: ./scripts/run.sh --no-serve (install-deps.sh, build, run).
phase="scripts/run.sh --no-serve"
echo "# cd /root/schoolrisk && ./scripts/run.sh --no-serve" >>"$log"
t=$(now)
set +e
in_chroot 'cd /root/schoolrisk && ./scripts/run.sh --no-serve'
rc=$?
set -e
t_end=$(now)
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    say "FAIL: run.sh timed out (exit $rc; SCHOOLRISK_FRESH_TIMEOUT=$budget s)"
    exit 1
fi
# Where the time went: apt's history.log is written when the install
# ends; the build is silent and ends before run.sh's first "== " line.
apt_end=
if [ -f "$root/var/log/apt/history.log" ]; then
    apt_end=$(($(stat -c %Y "$root/var/log/apt/history.log") * 1000000))
fi
build_end=
if [ -s "$log.mark" ]; then
    build_end=$(cat "$log.mark")
fi
if [ -n "$apt_end" ]; then
    say "phase apt install (install-deps.sh): $(secs $((apt_end - t)))"
    if [ -n "$build_end" ] && [ "$build_end" -ge "$apt_end" ]; then
        say "phase build: $(secs $((build_end - apt_end)))"
        say "phase run (samples, database, demo city): $(secs $((t_end - build_end)))"
    else
        say "phase build + run: $(secs $((t_end - apt_end)))"
    fi
fi
say "phase scripts/run.sh --no-serve in all: $(secs $((t_end - t)))"

if [ "$rc" -ne 0 ]; then
    if grep -qE 'cannot find -l|No package .* found|Could NOT find|E: Unable to locate package|command not found' "$log"; then
        say "a package seems to be missing from scripts/install-deps.sh:"
        grep -E 'cannot find -l|No package .* found|Could NOT find|E: Unable to locate package|command not found' "$log" | head -n 10
    fi
    say "FAIL: ./scripts/run.sh --no-serve exited $rc"
    exit 1
fi
# The demo city's section is the last "== " section of --no-serve; it
# must end its build with "wrote 17 workbooks" (the demo prints its
# accounts after that line).
wrote=$(awk '/^== / { section = $0 } /^wrote 17 workbooks / { line = $0; in_section = section }
             END { if (line != "" && in_section ~ /^== the demo city/) print line }' "$log")
if [ -z "$wrote" ]; then
    say "FAIL: run.sh exited 0 but its demo city section has no 'wrote 17 workbooks' line; its last lines:"
    grep -v '^[[:space:]]*$' "$log" | tail -n 5
    exit 1
fi
printf '%s\n' "$wrote"
# The pages were built, and with Debian's own Node.js (bookworm: 18), the
# oldest the front end's tools must support (web/package.json).
web=$(grep -m1 '^== web front end: built web/dist' "$log" || true)
if [ -z "$web" ]; then
    say "FAIL: run.sh exited 0 but did not build the pages (no '== web front end: built web/dist' line)"
    exit 1
fi
printf '%s\n' "$web"
case $web in
*"node v18."*) ;;
*)
    say "FAIL: the pages were not built with Debian 12's Node.js 18: $web"
    exit 1 ;;
esac
status=pass
say "PASS in $(secs $((t_end - t0))) (base $(secs "$t_base"), apt-get update $(secs "$t_update"), run.sh $(secs $((t_end - t))))"
