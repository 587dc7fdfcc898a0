"""Render Django form fields as GOV.UK Design System components.

{% load govuk %}
{% govuk_error_summary form %}
{% govuk_field form.name %}                      label from the field
{% govuk_field form.dob legend_size="m" %}       fieldset legends for grouped inputs
{% govuk_field form.name label_is_heading=True %} the page's one question as its h1
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from nestguard.core.forms import GovukDateInput
from nestguard.core.phones import national

register = template.Library()


def _kind(widget: forms.Widget) -> str:
    if isinstance(widget, GovukDateInput):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


@register.simple_tag
def govuk_field(
    field: forms.BoundField,
    *,
    label_is_heading: bool = False,
    legend_size: str = "s",
    width: str = "",
    hint: str = "",
    input_type: str = "",
    autocomplete: str = "",
    grouped_choices: Any = None,
) -> SafeString:
    if field.is_hidden:
        return mark_safe(str(field))  # noqa: S308 (Django's own rendering, escaped)
    kind = _kind(field.field.widget)
    widget = field.field.widget
    context = {
        "field": field,
        "id": field.auto_id,
        "hint": hint or field.help_text,
        "errors": field.errors,
        "label_is_heading": label_is_heading,
        "legend_size": "l" if label_is_heading else legend_size,
        "width": width,
        "input_type": input_type or getattr(widget, "input_type", "text"),
        "autocomplete": autocomplete,
        "grouped_choices": grouped_choices,
        "value": field.value(),
        "selected": [str(v) for v in (field.value() or [])]
        if kind == "checkboxes"
        else str(field.value() if field.value() is not None else ""),
    }
    if kind == "date":
        widget.attrs["error"] = bool(field.errors)
        described = " ".join(
            filter(
                None,
                [
                    f"{field.auto_id}-hint" if context["hint"] else "",
                    f"{field.auto_id}-error" if field.errors else "",
                ],
            )
        )
        widget.attrs["describedby"] = described
    return mark_safe(render_to_string(f"core/fields/{kind}.html", context))  # noqa: S308


@register.simple_tag
def govuk_error_summary(*forms_: forms.Form) -> SafeString:
    items: list[tuple[str, str]] = []
    for form in forms_:
        if form is None or not form.errors:
            continue
        summary = getattr(form, "error_summary", None)
        if summary:
            items.extend(summary())
        else:
            for name, errors in form.errors.items():
                anchor = form[name].auto_id if name in form.fields else ""
                items.extend((anchor, str(e)) for e in errors)
    if not items:
        return mark_safe("")
    return mark_safe(render_to_string("core/fields/error_summary.html", {"items": items}))  # noqa: S308


@register.filter
def phone_number(number: str) -> str:
    """`{{ number|phone_number }}`: an E.164 number as people read it (07700 900123)."""
    return national(number or "")


@register.filter
def label_of(code: str, codes: Any) -> str:
    """`{{ referral.urgency|label_of:urgency_codes }}`: a code's label from a CodeList."""
    try:
        return str(codes.label(code))
    except (AttributeError, KeyError):
        return code
