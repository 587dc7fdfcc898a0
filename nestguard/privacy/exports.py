"""The DPO's records as files: an OpenDocument spreadsheet (odfpy) and a PDF (fpdf2).

Each document is a list of sections (a heading, paragraphs, and a table of lines); the
spreadsheet puts each section on a sheet of its own, the PDF one after another."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from fpdf import FPDF
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from nestguard.privacy.models import Breach
from nestguard.privacy.ropa import Assessment, Record

Line = Sequence[str]


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: Sequence[str] = ()
    headings: Line = ()
    lines: Sequence[Line] = field(default_factory=list)


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%-d %b %Y %H:%M") if moment else ""


def _yes(value: bool | None) -> str:
    return {True: "Yes", False: "No", None: "Not decided"}[value]


def ropa_sections(record: Record) -> list[Section]:
    generated = f"Generated from the system on {_when(record.generated_at)} (data {record.version})"
    return [
        Section(
            "Controller",
            [
                generated,
                record.controller,
                f"Data protection officer: {record.dpo_contact}",
                f"Transfers to third countries: {record.transfers}",
            ],
        ),
        Section(
            "Processing activities",
            headings=(
                "Purpose",
                "Description",
                "Lawful bases",
                "Sharing agreements",
                "Categories of data",
                "Categories of people",
                "Recipients",
                "Special category or criminal offence data",
                "Retention",
            ),
            lines=[
                (
                    a.label,
                    a.description,
                    "; ".join(a.lawful_bases),
                    "; ".join(a.agreements) or ("None in force" if a.shared else "Not shared"),
                    "; ".join(a.data) or "No records yet",
                    "; ".join(a.subjects),
                    "; ".join(a.recipients),
                    "Yes" if a.special else "No",
                    "; ".join(a.retention),
                )
                for a in record.activities
            ],
        ),
        Section(
            "Record classes",
            headings=(
                "Records",
                "Personal data",
                "Categories of data",
                "Categories of people",
                "Purposes",
                "Retention",
            ),
            lines=[
                (
                    h.name,
                    "Yes" if h.personal else "No",
                    "; ".join(h.data),
                    "; ".join(h.subjects),
                    "; ".join(h.purposes),
                    h.retention,
                )
                for h in record.holdings
            ],
        ),
        Section(
            "Sharing agreements",
            headings=(
                "Agreement",
                "Parties",
                "Purposes",
                "Lawful basis",
                "From",
                "Review",
                "Ends",
                "In force",
            ),
            lines=[
                (
                    a.name,
                    "; ".join(a.parties),
                    a.purposes,
                    a.lawful_basis,
                    f"{a.starts_on:%-d %b %Y}",
                    f"{a.review_on:%-d %b %Y}",
                    f"{a.ends_on:%-d %b %Y}" if a.ends_on else "",
                    "Yes" if a.in_force else "No",
                )
                for a in record.agreements
            ],
        ),
        Section(
            "Security measures",
            headings=("Measure",),
            lines=[(m,) for m in record.security_measures],
        ),
    ]


def dpia_sections(assessment: Assessment) -> list[Section]:
    record = assessment.record
    verdict = (
        "A DPIA is required: at least one high-risk criterion applies."
        if assessment.required
        else "No high-risk criterion applies; record the screening and review it."
    )
    return [
        Section(
            "About this assessment",
            [
                f"Filled from the record of processing on {_when(record.generated_at)}.",
                "A draft for the data protection officer to review, complete and sign: "
                "not a completed assessment.",
                assessment.source,
            ],
        ),
        Section(
            "Screening",
            [verdict],
            headings=("Criterion", "Applies", "Why"),
            lines=[
                (s["criterion"], "Yes" if s["applies"] else "No", s["why"])
                for s in assessment.screening
            ],
        ),
        Section(
            "The processing",
            headings=(
                "Purpose",
                "Lawful bases",
                "Categories of data",
                "Categories of people",
                "Recipients",
            ),
            lines=[
                (
                    a.label,
                    "; ".join(a.lawful_bases),
                    "; ".join(a.data) or "No records yet",
                    "; ".join(a.subjects),
                    "; ".join(a.recipients),
                )
                for a in record.activities
            ],
        ),
        Section(
            "Necessity and proportionality",
            headings=("Measure",),
            lines=[(n,) for n in assessment.necessity],
        ),
        Section(
            "Risks and measures",
            headings=("Risk", "Likelihood", "Severity", "Measures"),
            lines=[
                (r["risk"], r["likelihood"], r["severity"], r["measures"]) for r in assessment.risks
            ],
        ),
        Section(
            "Sign-off",
            [
                "Measures approved by: ............  Residual risks approved by: ............",
                "DPO advice: ............  DPO advice accepted or overruled: ............",
            ],
        ),
    ]


def breach_sections(breaches: Sequence[Breach], now: datetime) -> list[Section]:
    return [
        Section(
            "Breach log",
            [f"Exported on {_when(now)}. Article 33(5): every breach, whether reported or not."],
            headings=(
                "Reference",
                "Summary",
                "Aware",
                "ICO due",
                "Risk",
                "Report to ICO",
                "ICO told",
                "Late reasons",
                "Tell people",
                "People told",
                "Closed",
            ),
            lines=[
                (
                    b.reference,
                    b.summary,
                    _when(b.aware_at),
                    _when(b.ico_due_at),
                    b.risk_label,
                    _yes(b.notify_ico),
                    _when(b.ico_notified_at) or ("OVERDUE" if b.ico_overdue(now) else ""),
                    b.late_reasons,
                    _yes(b.tell_people),
                    _when(b.people_told_at),
                    _when(b.closed_at),
                )
                for b in breaches
            ],
        )
    ]


def _sheet_name(title: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]*?:/\\]", "", title)[:31] or "Sheet"
    while name in taken:
        name = f"{name[:28]} {len(taken)}"
    taken.add(name)
    return name


def _row(values: Line) -> TableRow:
    row = TableRow()
    for value in values:
        cell = TableCell(valuetype="string")
        cell.addElement(P(text=str(value)))
        row.addElement(cell)
    return row


def to_ods(sections: Sequence[Section]) -> bytes:
    document = OpenDocumentSpreadsheet()
    taken: set[str] = set()
    for section in sections:
        sheet = Table(name=_sheet_name(section.heading, taken))
        lines: list[Line] = [[section.heading], *[[p] for p in section.paragraphs]]
        if section.headings:
            lines.append(section.headings)
        for line in [*lines, *section.lines]:
            sheet.addElement(_row(line))
        document.spreadsheet.addElement(sheet)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


# The PDF's built-in fonts know Latin-1 only: typographic marks become their plain forms.
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
    }
)


def _plain(text: str) -> str:
    return str(text).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def to_pdf(title: str, sections: Sequence[Section]) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(_plain(title))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _plain(title), new_x="LMARGIN", new_y="NEXT")
    for section in sections:
        pdf.set_font("Helvetica", "B", 12)
        pdf.ln(3)
        pdf.multi_cell(0, 7, _plain(section.heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        for paragraph in section.paragraphs:
            pdf.multi_cell(0, 5, _plain(paragraph), new_x="LMARGIN", new_y="NEXT")
        if section.headings and section.lines:
            _records(pdf, section.headings, section.lines)
    return bytes(pdf.output())


def _records(pdf: FPDF, headings: Sequence[str], lines: Sequence[Line]) -> None:
    """Each line of a table as a block, its first value as the block's heading and the others
    as "Heading: value" paragraphs. A table row of a record of processing can be taller than
    a page (a purpose served by twenty record classes), which a PDF table cannot split."""
    for line in lines:
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(0, 5, _plain(line[0]), new_x="LMARGIN", new_y="NEXT")
        for heading, value in zip(headings[1:], line[1:], strict=False):
            if not str(value):
                continue
            pdf.set_font("Helvetica", "B", 8)
            pdf.multi_cell(0, 4, _plain(f"{heading}:"), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 8)
            pdf.multi_cell(0, 4, _plain(value), new_x="LMARGIN", new_y="NEXT")
