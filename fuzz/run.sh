#!/usr/bin/env bash
# Run one libFuzzer target for a bounded time on a scratch copy of its
# seed corpus, so the source tree is never written.
# usage: fuzz/run.sh TARGET SEED_DIR SECONDS WORK_DIR
set -euo pipefail
target=$1 seeds=$2 seconds=$3 work=$4
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts" "$work/tmp"
cp "$seeds"/* "$work/corpus/"
# The whole log is kept; a failure shows what led to it (the target's
# own message comes well before libFuzzer's summary).
status=0
export TMPDIR="$work/tmp"   # the target's scratch files stay in the work dir
"$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    "$work/corpus" >"$work/log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
    grep -vE '^#[0-9]+' "$work/log" | tail -n 60
else
    tail -n 12 "$work/log"
fi
exit "$status"
