"""{% load linkage %}: the "already known to" panel for other apps' pages.

{% linkage_candidates_for_subject subject %}   on a referral's pages, per person
{% linkage_referral_address referral %}        a row for a referral's address summary
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from nestguard.linkage.selectors import referral_address_match

register = template.Library()


@register.filter
def humanise(value: Any) -> str:
    return str(value).replace("_", " ").capitalize()


@register.simple_tag(takes_context=True)
def linkage_candidates_for_subject(context: template.Context, subject: Any) -> SafeString:
    """Is the person a referral names already known? As the page's view asked the door
    (`known`: subject pk -> the answer; the lookup service limited and audited the
    question): for a referrer, only whether they may be and whom to ask at the hub; for
    those who may be told, also who knows them; past the hourly limit, when to try again
    (`refused`). Rendering a template writes nothing."""
    answer = (context.get("known") or {}).get(getattr(subject, "pk", None))
    if answer is None:
        return SafeString("")
    lookup = answer.result
    refused = answer.refused
    request = context.get("request")
    return render_to_string(
        "linkage/_candidates.html",
        {"lookup": lookup, "refused": refused, "subject": subject},
        request=request,
    )


@register.simple_tag(takes_context=True)
def linkage_referral_address(context: template.Context, referral: Any) -> SafeString:
    """A summary-list row: the referral's address as the register knows it, or that it waits
    for a data officer, or that the register has no such address. Empty before any match
    (a draft; an address not known). The page has already decided its reader may see the
    referral's address; the row adds nothing about people."""
    if getattr(referral, "pk", None) is None:
        return SafeString("")
    match = referral_address_match(referral)
    if match is None:
        return SafeString("")
    return render_to_string(
        "linkage/_referral_address.html", {"match": match}, request=context.get("request")
    )
