#!/usr/bin/python3
"""Dump an .xlsx as lines for test_report_xlsx.c (run with Debian's
/usr/bin/python3, which has python3-openpyxl).

One line per fact: 'sheets=...', per sheet the print and view settings
and the heights set on rows 1..6 (SHEET:heightR=POINTS), then every non-empty cell as SHEET!A1=VALUE, numbers with their format
in [brackets], the fill of column A as SHEET!A1.fill=RRGGBB, and the
document properties.  Newlines in a value are written as \\n.
"""
import sys

import openpyxl


def show(v):
    if isinstance(v, bool):
        return repr(v)
    if isinstance(v, (int, float)):
        if float(v).is_integer():
            return str(int(v))
        return '%.10g' % v
    return str(v).replace('\n', '\\n')


def main(path):
    wb = openpyxl.load_workbook(path)
    out = ['sheets=' + ','.join(wb.sheetnames)]
    for ws in wb.worksheets:
        n = ws.title
        ps = ws.page_setup
        out.append('%s:freeze=%s' % (n, ws.freeze_panes))
        out.append('%s:filter=%s' % (n, ws.auto_filter.ref))
        out.append('%s:print=%s paper=%s fitw=%s fith=%s fit=%s' % (
            n, ps.orientation, ps.paperSize,
            ps.fitToWidth if ps.fitToWidth is not None else 1,
            ps.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage))
        out.append('%s:titles=%s' % (n, ws.print_title_rows))
        out.append('%s:footer=%s' % (n, ws.oddFooter.center.text))
        out.append('%s:header=%s|%s|%s' % (n, ws.oddHeader.left.text,
                                          ws.oddHeader.center.text,
                                          ws.oddHeader.right.text))
        out.append('%s:charts=%d' % (n, len(ws._charts)))
        # The rows after which a page ends (manual breaks), 1-based.
        out.append('%s:breaks=%s' % (n, ','.join(
            str(b.id) for b in ws.row_breaks.brk)))
        for r in range(1, 7):
            h = ws.row_dimensions[r].height
            if h is not None:
                out.append('%s:height%d=%s' % (n, r, show(h)))
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                line = '%s!%s=%s' % (n, c.coordinate, show(c.value))
                if isinstance(c.value, (int, float)) and \
                        not isinstance(c.value, bool):
                    line += ' [%s]' % c.number_format
                if c.data_type == 'f':
                    line += ' [formula]'
                out.append(line)
                if c.column == 1 and c.fill is not None and \
                        c.fill.fill_type == 'solid':
                    rgb = c.fill.fgColor.rgb
                    out.append('%s!%s.fill=%s' % (n, c.coordinate,
                                                  str(rgb)[-6:]))
    p = wb.properties
    out.append('props:title=%s' % p.title)
    out.append('props:creator=%s' % p.creator)
    out.append('props:subject=%s' % p.subject)
    print('\n'.join(out))


if __name__ == '__main__':
    main(sys.argv[1])
