"""{% load linkage %}: the "already known to" panel for other apps' pages.

{% linkage_candidates_for_subject subject %}   on a referral's people page, per person
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from nestguard.linkage.selectors import candidates_for, subject_values
from nestguard.linkage.services.lookups import audit_lookup

register = template.Library()


@register.filter
def humanise(value: Any) -> str:
    return str(value).replace("_", " ").capitalize()


@register.simple_tag(takes_context=True)
def linkage_candidates_for_subject(context: template.Context, subject: Any) -> SafeString:
    """Who already knows the person a referral names: evidence and contacts, audited."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(subject, "identity_unknown", False):
        return SafeString("")
    lookup = candidates_for(user, subject_values(subject))
    if lookup.candidates:
        audit_lookup(user, lookup, "Referral: is this person already known?")
    return render_to_string(
        "linkage/_candidates.html", {"lookup": lookup, "subject": subject}, request=request
    )
