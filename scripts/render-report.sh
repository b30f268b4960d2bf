#!/usr/bin/env bash
# Render workbooks as a reader sees them on paper: each .xlsx to PDF with
# LibreOffice headless (the print setup of every sheet: A4, orientation,
# fit to width, repeated header rows), then every PDF page to a PNG with
# pdftoppm, so that a maintainer can look at each page.
#
# usage: scripts/render-report.sh [-r DPI] OUT_DIR FILE.xlsx...
#   e.g. scripts/render-report.sh /tmp/pages build/demo-city/reports/历下区-2026.xlsx
#
# Needs LibreOffice Calc and poppler-utils (not installed by
# install-deps.sh; they are not needed to run or test schoolrisk):
#   apt-get install --no-install-recommends libreoffice-calc-nogui poppler-utils fonts-noto-cjk
# Prints one line per workbook: its PDF, its page count and the PNG files.
set -euo pipefail

dpi=60
if [ "${1:-}" = -r ]; then
    dpi=$2
    shift 2
fi
if [ $# -lt 2 ]; then
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
out=$1
shift
for tool in soffice pdftoppm pdfinfo; do
    if ! command -v "$tool" >/dev/null; then
        echo "render-report: $tool is missing: apt-get install --no-install-recommends libreoffice-calc-nogui poppler-utils" >&2
        exit 1
    fi
done
mkdir -p "$out"
# A profile of its own: no clash with a LibreOffice the user has open,
# and nothing written to the user's home.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

for xlsx in "$@"; do
    if [ ! -f "$xlsx" ]; then
        echo "render-report: $xlsx: no such file" >&2
        exit 1
    fi
    name=$(basename "$xlsx" .xlsx)
    soffice -env:UserInstallation="file://$profile" --headless \
        --convert-to pdf --outdir "$out" "$xlsx" >/dev/null 2>&1
    pdf=$out/$name.pdf
    if [ ! -s "$pdf" ]; then
        echo "render-report: LibreOffice wrote no PDF for $xlsx" >&2
        exit 1
    fi
    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
    pdftoppm -r "$dpi" -png "$pdf" "$out/$name"
    echo "$pdf: $pages pages, $out/$name-*.png"
done
