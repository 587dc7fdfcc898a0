"""A suppressed report as a file: CSV (every table one after another, each under its title) or
an OpenDocument spreadsheet (one sheet per table, and a first sheet saying what it is). Both
take a report that has already been suppressed (`reading.read_report`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table as Sheet
from odf.table import TableCell, TableRow
from odf.text import P

from nestguard.reporting.registry import Report
from nestguard.reporting.tables import Cell

LEGEND = (
    "[c] confidential: a count from 1 to 4, or a count withheld so that it cannot be worked "
    "out from a total"
)


def filename(report: Report, extension: str) -> str:
    return f"{report.name}-{report.start.isoformat()}-to-{report.end.isoformat()}.{extension}"


def heading_lines(report: Report) -> list[list[str]]:
    return [
        [report.title],
        [f"From {report.start:%-d %B %Y} to {report.end:%-d %B %Y} (inclusive)"],
        [LEGEND],
    ]


def figure_lines(report: Report) -> list[list[Cell]]:
    return [["Figure", "Value"], *([key, value] for key, value in report.figures.items())]


def _text(cell: Cell) -> str:
    """A cell as text; text a spreadsheet would run as a formula (= + - @ first: an agency's
    name, say) is quoted so that it stays text."""
    if cell is None:
        return ""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return str(cell)


def _lines(report: Report) -> Iterator[Sequence[Cell]]:
    yield from heading_lines(report)
    for table in report.tables:
        yield []
        yield [table.title]
        yield table.headings
        yield from table.rows
        for note in table.notes:
            yield [f"Note: {note}"]
    yield []
    yield ["Figures"]
    yield from figure_lines(report)


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in _lines(report):
        writer.writerow([_text(cell) for cell in line])
    return out.getvalue()


def _sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name spreadsheets accept: no []*?:/\\ and at most 31 characters, unique."""
    base = re.sub(r"[\[\]*?:/\\]", "", title)[:31].strip() or "Table"
    name, n = base, 2
    while name in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _cell(value: Cell) -> TableCell:
    if isinstance(value, bool) or value is None:
        return TableCell()
    if isinstance(value, int | Decimal):
        cell = TableCell(valuetype="float", value=str(value))
    else:
        cell = TableCell(valuetype="string")
    cell.addElement(P(text=str(value)))
    return cell


def _sheet(name: str, lines: Sequence[Sequence[Cell]]) -> Sheet:
    sheet = Sheet(name=name)
    for line in lines:
        row = TableRow()
        for value in line:
            row.addElement(_cell(value))
        sheet.addElement(row)
    return sheet


def to_ods(report: Report) -> bytes:
    document = OpenDocumentSpreadsheet()
    taken: set[str] = set()
    about: list[Sequence[Cell]] = [*heading_lines(report), [], *figure_lines(report)]
    document.spreadsheet.addElement(_sheet(_sheet_name("About this report", taken), about))
    for table in report.tables:
        lines: list[Sequence[Cell]] = [[table.title], table.headings, *table.rows]
        lines += [[f"Note: {note}"] for note in table.notes]
        document.spreadsheet.addElement(_sheet(_sheet_name(table.title, taken), lines))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()
