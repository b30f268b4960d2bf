#!/bin/sh
# schoolrisk-backup.sh - the nightly backup (schoolrisk-backup.service):
# copy the database with `schoolrisk backup` to
# $SCHOOLRISK_BACKUP_DIR/schoolrisk-YYYYMMDD.db, named by the day in
# China Standard Time, then keep the newest $SCHOOLRISK_BACKUP_KEEP of
# those files and delete the older ones.
#
# `schoolrisk backup` checks the copy with PRAGMA integrity_check and
# only then renames it into place, so a file named schoolrisk-*.db here
# is always a complete, checked copy.  Run again on the same day, it
# replaces that day's copy (atomically: the old one stays until the new
# one has passed).  Old copies are deleted only after a backup
# succeeded, so a failing backup never eats the good ones.  Leftovers
# of a run killed in the middle (*.tmp-XXXXXX) older than a day go too.
#
# The evidence files (photos, PDFs) are not in the database: after the
# database, the files of the evidence directory that are not yet in
# $SCHOOLRISK_BACKUP_DIR/evidence are copied there.  They are stored
# by content (the name is the hash), so a file never changes and one
# copy of each is enough; nothing is deleted from that copy.  Copying
# after the database means every file the copied database names is
# there.
#
# Environment (defaults in brackets):
#   SCHOOLRISK_DB          the database [/var/lib/schoolrisk/schoolrisk.db]
#   SCHOOLRISK_BACKUP_DIR  where the copies go [/var/backups/schoolrisk]
#   SCHOOLRISK_BACKUP_KEEP how many to keep [30]
#   SCHOOLRISK_BIN         the program [/usr/local/bin/schoolrisk]
#   SCHOOLRISK_EVIDENCE_DIR the evidence files [the database's name
#                          without .db, then -evidence, beside it];
#                          skipped when the directory does not exist
# Exit status: schoolrisk's when the backup fails, else 0.
set -eu
export LC_ALL=C

db=${SCHOOLRISK_DB:-/var/lib/schoolrisk/schoolrisk.db}
dir=${SCHOOLRISK_BACKUP_DIR:-/var/backups/schoolrisk}
keep=${SCHOOLRISK_BACKUP_KEEP:-30}
bin=${SCHOOLRISK_BIN:-/usr/local/bin/schoolrisk}
evidence=${SCHOOLRISK_EVIDENCE_DIR:-${db%.db}-evidence}

case $keep in
'' | *[!0-9]*) echo "schoolrisk-backup: SCHOOLRISK_BACKUP_KEEP must be a number, not '$keep'" >&2; exit 2 ;;
esac
if [ "$keep" -lt 1 ]; then
    echo "schoolrisk-backup: SCHOOLRISK_BACKUP_KEEP must be at least 1" >&2
    exit 2
fi

day=$(TZ=Asia/Shanghai date +%Y%m%d)
dest=$dir/schoolrisk-$day.db

status=0
"$bin" backup --db "$db" --force "$dest" || status=$?
if [ "$status" -ne 0 ]; then
    echo "schoolrisk-backup: the backup to '$dest' failed (exit $status); older copies kept" >&2
    exit "$status"
fi

# A glob expands sorted by name, which is by date, oldest first; all
# but the newest $keep go.
set -- "$dir"/schoolrisk-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9].db
[ -e "$1" ] || set --
while [ "$#" -gt "$keep" ]; do
    rm -f -- "$1"
    echo "schoolrisk-backup: removed '$1'"
    shift
done

if [ -d "$evidence" ]; then
    copied=0
    # Names are hashes (no spaces, newlines or wildcards: set -f is only
    # a guard); each file goes through a .part name so that a copy cut
    # short is never taken for a whole one.  An upload still being
    # written (.upload-XXXXXX beside its final name, src/evidence.c), or
    # one a crash left behind, is not evidence: it is never copied.
    set -f
    for f in $(cd "$evidence" && find . -type f ! -name '*.part' ! -name '.upload-*'); do
        [ -e "$dir/evidence/$f" ] && continue
        mkdir -p "$dir/evidence/$(dirname "$f")"
        cp -p "$evidence/$f" "$dir/evidence/$f.part"
        mv "$dir/evidence/$f.part" "$dir/evidence/$f"
        copied=$((copied + 1))
    done
    set +f
    # On disk before the next night relies on them.
    sync -f "$dir/evidence"
    echo "schoolrisk-backup: $copied new evidence files copied to '$dir/evidence'"
fi

find "$dir" -maxdepth 1 -name 'schoolrisk-*.db.tmp-*' -mmin +1440 -delete
