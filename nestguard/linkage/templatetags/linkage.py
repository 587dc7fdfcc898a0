"""{% load linkage %}: the "already known to" panel for other apps' pages.

{% linkage_candidates_for_subject subject %}   on a referral's people page, per person
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from nestguard.linkage.selectors import candidates_for
from nestguard.linkage.services.lookups import audit_lookup

register = template.Library()


@register.filter
def humanise(value: Any) -> str:
    return str(value).replace("_", " ").capitalize()


def subject_values(subject: Any) -> dict[str, str]:
    referral = getattr(subject, "referral", None)
    born = getattr(subject, "date_of_birth", None)
    return {
        "given_name": getattr(subject, "given_name", "") or "",
        "family_name": getattr(subject, "family_name", "") or "",
        "date_of_birth": born.isoformat() if born else "",
        "postcode": getattr(referral, "address_postcode", "") or "",
    }


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
