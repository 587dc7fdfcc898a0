"""A disposal certificate as a spreadsheet (ODS) to file with the record of processing:
what was disposed of, how many, under which rule, approved by whom (NHS Records Management
Code s.5.3: keep a record of what, when, who authorised, method [P scope; U wording])."""

from __future__ import annotations

import io

from django.utils import timezone
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from nestguard.retention.models import DisposalCertificate


def certificate_lines(certificate: DisposalCertificate) -> list[tuple[str, str]]:
    batch = certificate.batch
    lines = [
        ("Certificate", certificate.reference),
        ("Batch", batch.reference),
        ("Rule", f"{certificate.rule_code} (version {certificate.rule_version})"),
        ("Source of the rule", certificate.rule_source),
        ("Method", certificate.action),
        ("Carried out", f"{timezone.localtime(certificate.carried_out_at):%d %B %Y %H:%M}"),
        ("Approved by", certificate.approved_by_label),
        ("Second approver", certificate.second_approved_by_label or "not required"),
    ]
    lines += [(f"Count: {kind}", str(n)) for kind, n in sorted(certificate.counts.items())]
    return lines


def _cell(text: str) -> TableCell:
    cell = TableCell(valuetype="string")
    cell.addElement(P(text=text))
    return cell


def certificate_ods(certificate: DisposalCertificate) -> bytes:
    document = OpenDocumentSpreadsheet()
    sheet = Table(name="Disposal certificate")
    for label, value in certificate_lines(certificate):
        row = TableRow()
        row.addElement(_cell(label))
        row.addElement(_cell(value))
        sheet.addElement(row)
    document.spreadsheet.addElement(sheet)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()
