#!/usr/bin/env bash
# Run one libFuzzer target for a bounded time on a scratch copy of its
# seed corpus, so the source tree is never written.
# usage: fuzz/run.sh TARGET SEED_DIR SECONDS WORK_DIR
set -euo pipefail
target=$1 seeds=$2 seconds=$3 work=$4
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
cp "$seeds"/* "$work/corpus/"
"$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    "$work/corpus" 2>&1 | tail -n 12
