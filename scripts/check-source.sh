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

# The store's one seam to the engine (src/store/db.h): outside db.h,
# store.c (opening, migrating, the statement cache) and backup.c
# (SQLite's online backup), no file calls SQLite's API.  And nothing
# outside src/store/ includes sqlite3.h.
if grep -nE 'sqlite3_[a-z_0-9]+[[:space:]]*\(|SQLITE_[A-Z]' src/store/*.c src/store/*.h |
        grep -vE '^src/store/(db\.h|store\.c|backup\.c):'; then
    echo "check-source: SQLite's API used past the seam (src/store/db.h)" >&2
    exit 1
fi
if grep -rln '#include <sqlite3.h>' src include | grep -vE '^src/store/(db\.h|store_int\.h|store\.c|backup\.c)$'; then
    echo "check-source: sqlite3.h included outside src/store/" >&2
    exit 1
fi
echo "check-source: SQLite stays behind the seam"
