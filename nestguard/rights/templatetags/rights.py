"""Rights pieces other apps' pages show: `{% load rights %}{% rights_notices person %}` on the
person page shows the upheld corrections of the person's records (the corrected value
beside a notice; the original stays in the record and in the request, for the audit trail);
`{% restricted_subjects case %}` on the case page tells the case team that a subject's
processing is restricted (their person page then answers 404 to the team, decision 0102)."""

from __future__ import annotations

from typing import Any

from django import template

from nestguard.rights.selectors import corrections_for, restrictions_on_case

register = template.Library()


@register.inclusion_tag("rights/_notices.html", takes_context=True)
def rights_notices(context: dict[str, Any], person: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"corrections": corrections_for(user, person) if user is not None else []}


@register.inclusion_tag("rights/_restricted.html", takes_context=True)
def restricted_subjects(context: dict[str, Any], case: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"restrictions": restrictions_on_case(user, case) if user is not None else []}
