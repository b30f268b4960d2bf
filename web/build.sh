#!/usr/bin/env bash
# Build the browser pages into web/dist for `schoolrisk serve`, from the
# committed package-lock.json (npm ci: exact versions, offline from npm's
# cache once it is filled).  Skips `npm ci` while node_modules matches the
# lockfile, and the build while web/dist matches the sources.  Prints one
# line: what web/dist holds.  Used by scripts/run.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")"

lock_sum=$(sha256sum package-lock.json package.json | sha256sum | cut -c1-64)
if [ ! -f node_modules/.sr-lock-sum ] || [ "$(cat node_modules/.sr-lock-sum)" != "$lock_sum" ]; then
    npm ci --no-audit --no-fund --prefer-offline --loglevel=error >/dev/null
    echo "$lock_sum" > node_modules/.sr-lock-sum
fi

src_sum=$( (echo "$lock_sum"; find index.html vite.config.js src -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-64)
if [ ! -f dist/.sr-src-sum ] || [ "$(cat dist/.sr-src-sum)" != "$src_sum" ]; then
    npm run --silent build >/dev/null
    # Compressed copies beside the text files: `schoolrisk serve` sends
    # FILE.gz to a browser that accepts gzip (src/web/static.c).
    find dist -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' \
        -o -name '*.svg' -o -name '*.json' \) -exec gzip -9 -k -f {} +
    echo "$src_sum" > dist/.sr-src-sum
fi

files=$(find dist -type f ! -name '.sr-src-sum' ! -name '*.gz' | wc -l)
gz=0
for f in $(find dist -type f ! -name '.sr-src-sum' ! -name '*.gz'); do
    gz=$((gz + $(gzip -9c "$f" | wc -c)))
done
echo "== web front end: built web/dist ($files files, $((gz / 1024)) KB gzip), node $(node --version)"
