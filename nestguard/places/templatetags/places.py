"""Places pieces other apps' pages show: `{% load places %}{% displacement_alerts case %}` on
the case page lists the case's displacement alerts the viewer may see (the case team)."""

from __future__ import annotations

from typing import Any

from django import template

from nestguard.places.selectors import displacement_alerts_for

register = template.Library()


@register.inclusion_tag("places/_displacement.html", takes_context=True)
def displacement_alerts(context: dict[str, Any], case: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    alerts = displacement_alerts_for(user, case=case) if user is not None else []
    return {"alerts": alerts}
