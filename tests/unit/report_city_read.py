#!/usr/bin/python3
"""Read a city workbook back for test_report_city_xlsx.c (run with
Debian's /usr/bin/python3, which has python3-openpyxl).

  report_city_read.py dump PATH
      every fact report_xlsx_read.py prints (sheets, print and view
      settings, charts per sheet, every non-empty cell, properties),
      then per chart SHEET:chart=TYPE|TITLE and SHEET:chartinfo=... (its
      direction, value axis, category order, labels and ranges).
  report_city_read.py big PATH SHEET
      a streaming count of the sheet: 'inline=N' (cells stored as
      inline strings, as libxlsxwriter's constant_memory mode writes
      them), 'max_row=N', 'rows=N' (rows holding a value), and the first
      and last data rows as 'first=A|B|...' and 'last=...'.
"""
import os
import sys
import zipfile

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_xlsx_read  # noqa: E402


def chart_title(ch):
    try:
        rich = ch.title.tx.rich
        return ''.join(r.t for p in rich.p for r in (p.r or []))
    except AttributeError:
        return ''


def chart_info(ch):
    """TITLE|dir=bar|min=..|max=..|unit=..|fmt=..|catrev=..|labels=..|
    cats=REF|vals=REF (the first series): what makes the districts
    differ on paper."""
    val, cat = ch.y_axis, ch.x_axis
    sc = val.scaling
    ser = ch.series[0] if ch.series else None
    labels = '-'
    if ser is not None and ser.dLbls is not None:
        labels = ser.dLbls.numFmt or 'General'
    return '%s|dir=%s|min=%s|max=%s|unit=%s|fmt=%s|catrev=%s|labels=%s|' \
        'cats=%s|vals=%s' % (
            chart_title(ch), getattr(ch, 'barDir', '-'), sc.min, sc.max,
            val.majorUnit, val.numFmt.formatCode if val.numFmt else '-',
            cat.scaling.orientation, labels,
            ser.cat.numRef.f if ser is not None and ser.cat.numRef
            else ser.cat.strRef.f if ser is not None and ser.cat.strRef
            else '-',
            ser.val.numRef.f if ser is not None else '-')


def dump(path):
    report_xlsx_read.main(path)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for ch in ws._charts:
            print('%s:chart=%s|%s' % (ws.title, ch.tagname,
                                      chart_title(ch)))
            print('%s:chartinfo=%s' % (ws.title, chart_info(ch)))


def big(path, sheet):
    wb = openpyxl.load_workbook(path)
    index = wb.sheetnames.index(sheet) + 1
    with zipfile.ZipFile(path) as z:
        xml = z.read('xl/worksheets/sheet%d.xml' % index).decode('utf-8')
    print('inline=%d' % xml.count('t="inlineStr"'))
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb[sheet]
    rows = 0
    first = last = None
    for row in ws.iter_rows(values_only=True):
        if all(v is None for v in row):
            continue
        rows += 1
        line = '|'.join('' if v is None else report_xlsx_read.show(v)
                        for v in row)
        if rows == 2:
            first = line
        last = line
    print('max_row=%d' % ws.max_row)
    print('rows=%d' % rows)
    print('first=%s' % first)
    print('last=%s' % last)


if __name__ == '__main__':
    if sys.argv[1] == 'dump':
        dump(sys.argv[2])
    else:
        big(sys.argv[2], sys.argv[3])
