#!/usr/bin/env bash
# Refuse the C library functions that invite overflows or hide errors
# (curl's checksrc list): sprintf, strcpy, strcat, strtok, atoi, atol,
# gets.  Use snprintf, memcpy with a checked length, strtol with checks.
set -euo pipefail
cd "$(dirname "$0")/.."
if grep -rnE '(^|[^_a-z])(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|gets)[[:space:]]*\(' \
        src include tests/unit bench fuzz --include='*.c' --include='*.h'; then
    echo "check-source: banned function used (see above)" >&2
    exit 1
fi
echo "check-source: no banned functions"
