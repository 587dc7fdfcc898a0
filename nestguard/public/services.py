"""Every write to public reports: a resident's report, and the triager's decision on it.

A report is validated whole and written in one transaction with its audit event (the actor is
None: nobody signed in), its address resolved where the reporter gave one, and a report at
that address recorded for the repeat-address rule. Bad input raises
`ValidationError({field: message})` and writes nothing (decision 0100).
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from nestguard.accounts.models import Agency
from nestguard.audit.services import audit_record
from nestguard.core.validation import text_value
from nestguard.places.postcodes import normalise_postcode
from nestguard.places.services import address_resolve
from nestguard.places.services.repeats import address_report_record_public
from nestguard.public.access_policy import triage_public_reports
from nestguard.public.models import (
    PublicReport,
    PublicReportStatus,
    public_decisions,
    public_signs,
)

Errors = dict[str, str]

# No 0/O or 1/I/L: read aloud or written down, the reference survives. 12 characters of 31
# are about 59 bits: not guessable, not countable (decision 0100).
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"PR-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def _text(errors: Errors, field: str, value: Any, label: str, max_length: int) -> str:
    return text_value(errors, field, value, label=label, max_length=max_length, required=False)


def validate_report(data: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
    """The whole report checked at once, with the GOV.UK messages the page and API show."""
    errors: Errors = {}
    signs = data.get("signs") or []
    if not isinstance(signs, list) or not all(isinstance(s, str) for s in signs):
        errors["signs"] = "Select the signs you noticed"
        signs = []
    codes = public_signs()
    if any(s not in codes for s in signs):
        errors["signs"] = "Select the signs you noticed"
    details = _text(errors, "details", data.get("details"), "What you saw", 5000)
    if not signs and not details and "signs" not in errors and "details" not in errors:
        errors["signs"] = "Select the signs you noticed, or tell us what you saw"
    line1 = _text(errors, "address_line1", data.get("address_line1"), "Address", 200)
    town = _text(errors, "address_town", data.get("address_town"), "Town or city", 100)
    raw_postcode = _text(errors, "postcode", data.get("postcode"), "Postcode", 20)
    postcode = ""
    if raw_postcode:
        postcode = normalise_postcode(raw_postcode) or ""
        if not postcode:
            errors["postcode"] = "Enter a full UK postcode, like NB1 2AB"
    elif "postcode" not in errors:
        errors["postcode"] = "Enter the postcode of the place, like NB1 2AB"
    where = _text(
        errors, "location_description", data.get("location_description"), "Where exactly", 1000
    )
    seen_on = data.get("seen_on")
    if not isinstance(seen_on, date):
        errors.setdefault("seen_on", "Enter the date you last noticed this")
    elif seen_on > timezone.localdate():
        errors["seen_on"] = "The date you last noticed this must be today or in the past"
    seen_when = _text(errors, "seen_when_text", data.get("seen_when_text"), "Times", 500)
    name = _text(errors, "contact_name", data.get("contact_name"), "Your name", 200)
    phone = _text(errors, "contact_phone", data.get("contact_phone"), "Phone number", 40)
    email = _text(errors, "contact_email", data.get("contact_email"), "Email address", 254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["contact_email"] = (
                "Enter an email address in the correct format, like name@example.com"
            )
    clean = {
        "signs": [c.code for c in codes.codes if c.code in signs],
        "details": details,
        "address_line1": line1,
        "address_town": town,
        "postcode": postcode,
        "location_description": where,
        "seen_on": seen_on,
        "seen_when_text": seen_when,
        "contact_name": name,
        "contact_phone": phone,
        "contact_email": email,
    }
    return clean, errors


def _hub() -> Agency | None:
    return Agency.objects.filter(is_hub=True, active=True).order_by("name").first()


def _address_summary(report: PublicReport) -> str:
    """What the address's record says of the report: the signs, never the reporter."""
    labels = [public_signs().label(code) for code in report.signs]
    signs = "; ".join(labels) if labels else "no signs ticked (see the report)"
    return f"Public report {report.reference}, awaiting triage. Signs: {signs}."


def public_report_submit(*, actor: Any = None, **data: Any) -> PublicReport:
    """A resident's report. `actor` is None on the public page (nobody is signed in).

    It lands as awaiting triage, never accepted by itself; where the reporter gave a first line
    of an address it is resolved (the register, or recorded as typed) and counts as a report
    at that address for the repeat-address rule.
    """
    clean, errors = validate_report(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        address = None
        if clean["address_line1"]:
            address = address_resolve(
                actor=actor,
                line1=clean["address_line1"],
                town=clean["address_town"],
                postcode=clean["postcode"],
            )
        report = PublicReport.objects.create(
            reference=new_reference(),
            status=PublicReportStatus.AWAITING,
            signs_version=public_signs().version,
            address=address,
            submitted_at=timezone.now(),
            **clean,
        )
        audit_record(
            actor=actor,
            action="public_report.submit",
            obj=report,
            details={
                "signs": report.signs,
                "address": str(address.pk) if address else "",
                "with_contact": report.has_contact,
            },
        )
        hub = _hub()
        if address is not None and hub is not None:
            address_report_record_public(
                address=address,
                occurred_on=clean["seen_on"],
                summary=_address_summary(report),
                agency=hub,
            )
    return report


def can_triage_public(actor: Any, report: PublicReport) -> bool:
    return triage_public_reports(actor).filter(pk=report.pk).exists()


def public_report_triage(
    *, actor: Any, report: PublicReport, decision: Any, reason: Any = ""
) -> PublicReport:
    """Accept (the partnership acts on it) or reject (with a reason) a public report."""
    if not can_triage_public(actor, report):
        raise PermissionDenied("Only the hub's triage team decides on public reports")
    errors: Errors = {}
    if report.status != PublicReportStatus.AWAITING:
        errors["decision"] = f"Public report {report.reference} was already decided"
    elif not isinstance(decision, str) or decision not in public_decisions():
        errors["decision"] = "Select whether you accept or reject the report"
    words = _text(errors, "reason", reason, "Reason", 5000)
    if decision == "reject" and not words and "reason" not in errors:
        errors["reason"] = "Explain why you are rejecting the report"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = PublicReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != PublicReportStatus.AWAITING:
            raise ValidationError(
                {"decision": f"Public report {report.reference} was already decided"}
            )
        report.status = (
            PublicReportStatus.ACCEPTED if decision == "accept" else PublicReportStatus.REJECTED
        )
        report.decision_reason = words
        report.decided_by = actor
        report.decided_at = timezone.now()
        report.save(
            update_fields=["status", "decision_reason", "decided_by", "decided_at", "updated_at"]
        )
        audit_record(
            actor=actor, action="public_report.triage", obj=report, details={"decision": decision}
        )
    return report
