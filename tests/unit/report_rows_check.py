#!/usr/bin/python3
"""Find wrapped text that would print over the rows below it, without a
renderer (run with Debian's /usr/bin/python3, which has python3-openpyxl).

usage: report_rows_check.py FILE.xlsx...

A spreadsheet does not always grow a row to the text wrapped in it
(LibreOffice does not), so every cell whose format wraps must sit in a
row at least as tall as its text needs: the lines the text takes at the
column's width (the width of a merged range is the sum of its columns),
times the height of a line of its font.  Counted here on its own terms,
not with the writer's code: a character of East Asian width W or F is two
units wide, any other one unit; the text has the column's width less the
cell's padding (5 pixels, a unit being 7); a line
breaks where the next character does not fit (a space there takes no
room) and at every newline.  That is a lower bound of what a renderer
needs (words wrap whole, punctuation moves), so a row shorter than it
certainly overprints.  A line is 1.45 em, the height of Noto Sans CJK
(ascent + descent), the font LibreOffice sets Chinese text in when SimSun
is missing; a row is at most 409 points (Excel's limit).

Prints one line per cell that does not fit,
'overprint SHEET!A1: N lines need H pt, the row has R pt', then per file
'cells=C wrapped=W', 'multiline=M' (wrapped cells needing two lines or
more) and 'overprinted=O'.
"""
import sys
import unicodedata

import openpyxl
from openpyxl.utils import get_column_letter

LINE_EM = 1.45
ROW_MAX = 409.0
DEFAULT_WIDTH = 8.43


def lines_needed(text, width):
    # The width in the file includes the cell's padding, 5 pixels of 7 a
    # unit (Excel's, and libxlsxwriter adds it); a little slack for the
    # rounding to whole pixels.
    room = max(width - 5.0 / 7 + 0.02, 1)
    lines, used = 1, 0
    for ch in text:
        if ch == '\n':
            lines, used = lines + 1, 0
            continue
        if ch == '\r':
            continue
        w = 2 if unicodedata.east_asian_width(ch) in ('W', 'F') else 1
        if used > 0 and used + w > room:
            if ch == ' ':
                continue
            lines, used = lines + 1, 0
        used += w
    return lines


def col_width(ws, col):
    d = ws.column_dimensions.get(get_column_letter(col))
    # openpyxl groups equal adjacent columns under the first one's letter
    if d is None or d.width is None:
        for cd in ws.column_dimensions.values():
            if cd.min and cd.max and cd.min <= col <= cd.max and cd.width:
                return cd.width
        return DEFAULT_WIDTH
    return d.width


def row_height(ws, row, default):
    d = ws.row_dimensions.get(row)
    return d.height if d is not None and d.height is not None else default


def check(path):
    wb = openpyxl.load_workbook(path)
    cells = wrapped = multi = bad = 0
    for ws in wb.worksheets:
        default = ws.sheet_format.defaultRowHeight or 15.0
        merged = {}
        for rng in ws.merged_cells.ranges:
            merged[(rng.min_row, rng.min_col)] = rng
        for row in ws.iter_rows():
            for c in row:
                if not isinstance(c.value, str) or not c.value:
                    continue
                cells += 1
                if not c.alignment or not c.alignment.wrap_text:
                    continue
                wrapped += 1
                rng = merged.get((c.row, c.column))
                r1, r2 = (rng.min_row, rng.max_row) if rng else (c.row,
                                                                  c.row)
                c1, c2 = (rng.min_col, rng.max_col) if rng else (c.column,
                                                                  c.column)
                width = sum(col_width(ws, k) for k in range(c1, c2 + 1))
                height = sum(row_height(ws, k, default)
                             for k in range(r1, r2 + 1))
                n = lines_needed(c.value, width)
                multi += n > 1
                size = c.font.sz if c.font and c.font.sz else 11
                need = min(n * size * LINE_EM, ROW_MAX)
                if height + 0.01 < need:
                    bad += 1
                    print('overprint %s!%s: %d lines need %.1f pt, the row '
                          'has %.1f pt' % (ws.title, c.coordinate, n, need,
                                           height))
    print('cells=%d wrapped=%d' % (cells, wrapped))
    print('multiline=%d' % multi)
    print('overprinted=%d' % bad)


if __name__ == '__main__':
    for p in sys.argv[1:]:
        check(p)
