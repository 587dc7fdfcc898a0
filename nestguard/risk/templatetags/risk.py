"""{% load risk %}: `{{ case.risk_band|band_label }}`, `{{ case.risk_band|band_colour }}`."""

from __future__ import annotations

from django import template

from nestguard.risk import display

register = template.Library()


@register.filter
def band_label(code: str) -> str:
    return display.band_label(code or "")


@register.filter
def band_colour(code: str) -> str:
    return display.band_colour(code or "")


@register.inclusion_tag("risk/_band_tag.html")
def band_tag(code: str, score: int | None = None) -> dict[str, object]:
    return {
        "label": display.band_label(code or ""),
        "colour": display.band_colour(code or ""),
        "score": score,
        "assessed": bool(code),
    }
