"""{% load risk %}: `{{ case.risk_band|band_label }}`, `{{ case.risk_band|band_colour }}`."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from nestguard.risk import display

register = template.Library()


@register.filter
def band_label(code: str) -> str:
    return display.band_label(code or "")


@register.filter
def band_colour(code: str) -> str:
    return display.band_colour(code or "")


@register.simple_tag
def band_tag(code: str, score: int | None = None) -> SafeString:
    """A risk band's tag, with its score once assessed. Built here rather than from a template
    of its own: a list shows one a row, and an included template costs a context and a render
    each time (decision 0144)."""
    tag = format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        display.band_colour(code or ""),
        display.band_label(code or ""),
    )
    if code and score is not None:
        return format_html('{} <span class="govuk-body-s">{}</span>', tag, score)
    return tag
