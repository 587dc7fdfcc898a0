"""Forms of the network pages: the filters (a GET form) and a link by hand."""

from __future__ import annotations

from typing import Any

from django import forms

from nestguard.core.codes import code_list
from nestguard.core.forms import GovukDateField, GovukForm
from nestguard.network.selectors import Filters

START_KINDS = ("person", "address", "phone", "vehicle", "line")


def _grades() -> list[tuple[str, str]]:
    # The empty code (a partnership record) needs a value a checkbox can send.
    return [(c or "none", label) for c, label in code_list("network", "grades").choices]


def _kinds() -> list[tuple[str, str]]:
    return code_list("network", "entity_kinds").choices


class FilterForm(GovukForm):
    steps = forms.TypedChoiceField(
        label="How far from the start",
        choices=[("2", "Two steps"), ("3", "Three steps")],
        coerce=int,
        initial=2,
        required=False,
        widget=forms.RadioSelect,
    )
    since = GovukDateField(label="Links from", help_text="For example, 1 4 2026", required=False)
    until = GovukDateField(label="Links to", required=False)
    grades = forms.MultipleChoiceField(
        label="Grades", required=False, widget=forms.CheckboxSelectMultiple, choices=_grades
    )
    kinds = forms.MultipleChoiceField(
        label="Kinds of entity", required=False, widget=forms.CheckboxSelectMultiple, choices=_kinds
    )
    to = forms.ChoiceField(
        label="Shortest path to", required=False, choices=[("", "Choose an entity")]
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if targets is None:
            # Reading the filters before the network is drawn: the path's end is asked after.
            del self.fields["to"]
        else:
            field: Any = self.fields["to"]
            field.choices = [("", "Choose an entity"), *targets]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end of the period must be on or after its start")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return Filters(
            since=data.get("since"),
            until=data.get("until"),
            grades=tuple("" if g == "none" else g for g in data.get("grades") or ()),
            kinds=tuple(data.get("kinds") or ()),
        )

    def steps_value(self) -> int:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("steps") or 2


class HandLinkForm(GovukForm):
    """Tie the entity to a phone, a vehicle or a line (recorded if new): one of the three."""

    number = forms.CharField(label="Phone number", required=False, max_length=40)
    vrm = forms.CharField(label="Vehicle registration mark", required=False, max_length=12)
    line_name = forms.CharField(label="Organised group or line", required=False, max_length=100)
    origin_area = forms.CharField(
        label="The line's origin area", required=False, max_length=100,
        help_text="For a new line, for example, Liverpool or West Midlands",
    )  # fmt: skip
    role = forms.ChoiceField(
        label="How they are linked",
        choices=lambda: code_list("network", "hand_roles").choices,
        error_messages={"required": "Choose how they are linked"},
    )
    grade = forms.ChoiceField(label="Grade (3x5x2)", required=False, choices=_grades)
    on = GovukDateField(label="Date of the link", not_in_future=True)
    note = forms.CharField(
        label="Where this link comes from",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter where this link comes from"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [f for f in ("number", "vrm", "line_name") if (data.get(f) or "").strip()]
        if len(given) != 1:
            self.add_error("number", "Enter one of a phone number, a registration mark or a line")
        if data.get("grade") == "none":
            data["grade"] = ""
        return data
