"""The public reports waiting, at the head of the referrals' triage queue (decision 0100),
through the referral pages' registry (nestguard/referrals/page_parts.py)."""

from __future__ import annotations

from typing import Any

from django.template import Context
from django.utils.safestring import SafeString, mark_safe

from nestguard.access.door import visible
from nestguard.public.models import PublicReport, PublicReportStatus
from nestguard.referrals.page_parts import register_page_part, render_template_part


def _waiting(context: Context, obj: Any) -> SafeString:
    """How many public reports await triage that this user may see ("" outside the hub)."""
    user = context.get("user")
    count = visible(user, PublicReport).filter(status=PublicReportStatus.AWAITING).count()
    if not count:
        return mark_safe("")
    with context.push(public_waiting=count):
        return render_template_part(context, "public/_waiting.html")


def register() -> None:
    register_page_part("queue", "public.waiting", _waiting)
