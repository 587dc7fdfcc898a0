"""The triage queue's pointer to the public reports waiting (read through the door)."""

from __future__ import annotations

from typing import Any

from django import template

from nestguard.access.door import visible
from nestguard.public.models import PublicReport, PublicReportStatus

register = template.Library()


@register.simple_tag
def public_reports_waiting(user: Any) -> int:
    """How many public reports await triage that this user may see (0 outside the hub)."""
    return visible(user, PublicReport).filter(status=PublicReportStatus.AWAITING).count()
