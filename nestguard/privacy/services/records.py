"""Exports of the DPO's records are recorded: who took which document, in which format."""

from __future__ import annotations

from nestguard.accounts.models import User
from nestguard.audit.services import audit_record

DOCUMENTS = {"ropa", "dpia"}


def record_export_note(*, actor: User, document: str, fmt: str) -> None:
    """One audit event per export. (The breach log's export is a list read: the door's
    `record_list` names the breaches it carries.)"""
    if document not in DOCUMENTS:
        raise ValueError(f"{document!r} is not a DPO document")
    audit_record(
        actor=actor,
        action="ropa.export",
        object_type=document,
        details={"document": document, "format": fmt},
    )
