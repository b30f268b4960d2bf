#!/usr/bin/python3
"""Dump every cell value of every workbook in a directory, for the floor
of bench_reports (the same cells written by libxlsxwriter alone).

usage: xlsx_cells.py DIR >cells.txt

One line per workbook ("W name.xlsx"), per sheet ("S name") and per
non-empty cell: "n ROW COL NUMBER" or "s ROW COL TEXT" (tab-separated,
rows and columns from 0; in TEXT a backslash, tab, newline or carriage
return is written \\\\, \\t, \\n, \\r).  Needs python3-openpyxl.
"""
import os
import sys

import openpyxl


def esc(s):
    return (s.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\n", "\\n").replace("\r", "\\r"))


def main():
    out = sys.stdout
    d = sys.argv[1]
    for name in sorted(os.listdir(d)):
        if not name.endswith(".xlsx"):
            continue
        wb = openpyxl.load_workbook(os.path.join(d, name), read_only=True)
        out.write("W\t%s\n" % esc(name))
        for ws in wb.worksheets:
            out.write("S\t%s\n" % esc(ws.title))
            for r, row in enumerate(ws.iter_rows(values_only=True)):
                for c, v in enumerate(row):
                    if v is None:
                        continue
                    if isinstance(v, (int, float)):
                        out.write("n\t%d\t%d\t%r\n" % (r, c, float(v)))
                    else:
                        out.write("s\t%d\t%d\t%s\n" % (r, c, esc(str(v))))
        wb.close()


if __name__ == "__main__":
    main()
