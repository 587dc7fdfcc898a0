"""{% load referral_parts %}{% referral_parts "slot" obj %}: what other apps registered for
this place on a referral page (nestguard/referrals/page_parts.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from nestguard.referrals.page_parts import render_page_parts

register = template.Library()


@register.simple_tag(takes_context=True)
def referral_parts(context: template.Context, slot: str, obj: Any = None) -> SafeString:
    return render_page_parts(slot, context, obj)
