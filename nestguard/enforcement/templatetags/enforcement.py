from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """`{{ issuers|get_item:action.issuer }}`: the label of an issuer code."""
    value = mapping.get(key)
    return getattr(value, "label", value)
