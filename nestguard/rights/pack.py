"""The disclosure pack: what a request found, less what the reviewer withheld, as a PDF for
the person and a machine-readable JSON bundle with an index (UK GDPR Art. 15(3): a copy;
Art. 20's "structured, commonly used and machine-readable" format for the bundle).

A withheld field or item appears in neither: only its place and the exemption relied on are
listed (the person is told that something was withheld and why, not what)."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from fpdf import FPDF

from nestguard.rights.models import SarItem, SubjectAccessRequest
from nestguard.rights.services import exemptions

BUNDLE_FORMAT = "nestguard.subject_access.v1"


@dataclass
class PackItem:
    number: int
    source: str
    title: str
    held_by: str
    fields: list[tuple[str, str]]
    withheld: list[dict[str, str]] = field(default_factory=list)


def disclosed_items(request: SubjectAccessRequest) -> tuple[list[PackItem], int]:
    """The items as disclosed, numbered, and how many were withheld whole."""
    codes = exemptions()
    items: list[PackItem] = []
    withheld_whole = 0
    for item in request.items.prefetch_related("redactions").order_by("position"):
        redactions = {r.field_label: r for r in item.redactions.all()}
        if "" in redactions:
            withheld_whole += 1
            continue
        items.append(_disclosed(item, redactions, codes, len(items) + 1))
    return items, withheld_whole


def _disclosed(item: SarItem, redactions: dict[str, Any], codes: Any, number: int) -> PackItem:
    fields = [(label, value) for label, value in item.fields if label not in redactions]
    withheld = [
        {"part": r.field_label, "exemption": codes.label(r.exemption)} for r in redactions.values()
    ]
    return PackItem(number, item.source, item.title, item.held_by, fields, withheld)


def bundle_bytes(
    request: SubjectAccessRequest, items: list[PackItem], withheld_whole: int
) -> bytes:
    document = {
        "format": BUNDLE_FORMAT,
        "request": request.reference,
        "produced_at": timezone.now().isoformat(),
        "index": [
            {"number": i.number, "title": i.title, "source": i.source, "held_by": i.held_by}
            for i in items
        ],
        "records": [
            {
                "number": i.number,
                "title": i.title,
                "held_by": i.held_by,
                "fields": [{"name": label, "value": value} for label, value in i.fields],
                "withheld_parts": i.withheld,
            }
            for i in items
        ],
        "records_withheld_whole": withheld_whole,
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _latin(value: str) -> str:
    """The PDF's core font speaks Latin-1: other letters lose their accents (the JSON
    bundle keeps every character)."""
    if all(ord(c) < 256 for c in value):
        return value
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if ord(c) < 256 and not unicodedata.combining(c))


def pdf_bytes(request: SubjectAccessRequest, items: list[PackItem], withheld_whole: int) -> bytes:
    pdf = FPDF(format="A4")
    # Uncompressed, so that the pack can be checked for what it must not contain.
    pdf.compress = False
    pdf.set_title(f"Subject access disclosure {request.reference}")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(width, 9, _latin(f"Subject access disclosure {request.reference}"))
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(width, 6, f"Produced on {timezone.localdate():%-d %B %Y}.")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(width, 7, "Index")
    pdf.set_font("Helvetica", "", 11)
    for item in items:
        pdf.multi_cell(width, 6, _latin(f"{item.number}. {item.title}"))
    if withheld_whole:
        pdf.multi_cell(width, 6, f"{withheld_whole} record(s) withheld in full under an exemption.")
    for item in items:
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(width, 7, _latin(f"{item.number}. {item.title}"))
        pdf.set_font("Helvetica", "", 10)
        if item.held_by:
            pdf.multi_cell(width, 5, _latin(f"Held by: {item.held_by}"))
        for label, value in item.fields:
            pdf.multi_cell(width, 5, _latin(f"{label}: {value}"))
        for part in item.withheld:
            pdf.multi_cell(width, 5, _latin(f"[{part['part']} withheld: {part['exemption']}]"))
    return bytes(pdf.output())
