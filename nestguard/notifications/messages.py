"""What a notification email says: the kind of item, its reference and a link back, and
nothing else (docs/decisions/0085-notifications.md). An email leaves the system and may be
read on a phone, forwarded or kept in a mailbox nobody audits, so:

- the subject line is the kind of item only ("Nestguard: a referral is overdue at triage");
- the body names no person, no address and no case text: the item's kind, its reference or
  ID, and an absolute link to its page (`NESTGUARD_BASE_URL`), where the door decides again
  what the reader sees and records that they did;
- the greeting does not use the reader's name either (a forwarded email names no one).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from nestguard.core.codes import CodeList, code_list
from nestguard.notifications.models import Delivery, Notification


def kinds() -> CodeList:
    return code_list("notifications", "kinds")


def service() -> str:
    return str(getattr(settings, "NESTGUARD_SERVICE_NAME", "Nestguard"))


def absolute(path: str) -> str:
    return str(settings.NESTGUARD_BASE_URL).rstrip("/") + path


def subject_for(rows: Sequence[Notification], delivery: str) -> str:
    if delivery == Delivery.IMMEDIATE and len(rows) == 1:
        return f"{service()}: {kinds().get(rows[0].kind)['subject']}"
    count = len(rows)
    return f"{service()}: your daily summary ({count} item{'s' if count != 1 else ''})"


def _item(row: Notification) -> list[str]:
    kind = kinds().get(row.kind)
    return [
        f"{kind.label}.",
        f"Reference: {row.reference}",
        f"Open it in {service()}: {absolute(row.path)}",
        f"You are told because {kind['why']}.",
    ]


FOOTER = [
    "This email holds no names and no case details, by design: sign in to see the record.",
    "To choose between an email for each item and one summary each morning:",
]


def body_for(rows: Sequence[Notification], delivery: str) -> str:
    lines: list[str] = []
    if delivery == Delivery.DAILY_DIGEST:
        lines += [f"{len(rows)} item{'s' if len(rows) != 1 else ''} since your last summary:", ""]
        for number, row in enumerate(rows, start=1):
            first, *rest = _item(row)
            lines += [f"{number}. {first}", *(f"   {line}" for line in rest), ""]
    else:
        for row in rows:
            lines += [*_item(row), ""]
    lines += [*FOOTER, absolute(reverse("notifications:preferences")), ""]
    return "\n".join(lines)


def build(user: Any, rows: Sequence[Notification], delivery: str, connection: Any) -> EmailMessage:
    return EmailMessage(
        subject=subject_for(rows, delivery),
        body=body_for(rows, delivery),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        connection=connection,
        headers={"Auto-Submitted": "auto-generated"},
    )
