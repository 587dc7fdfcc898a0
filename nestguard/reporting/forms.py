"""The period form of the report pages: GOV.UK date inputs for the first and last day, and the
optional ward and agency. It checks what the API checks (`period.problems`)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import QueryDict

from nestguard.accounts.models import Agency
from nestguard.core.forms import GovukDateField, GovukForm
from nestguard.reporting import measures
from nestguard.reporting.period import Asked, default_period, problems

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def with_date_parts(query: QueryDict) -> QueryDict:
    """`?from=2026-01-01` (a link, an export, the API's form) as the date inputs' parts
    (`from_day`, `from_month`, `from_year`) unless the parts were given."""
    data = query.copy()
    for name in ("from", "to"):
        match = _ISO.match(data.get(name, "").strip())
        if match and not any(data.get(f"{name}_{part}") for part in ("day", "month", "year")):
            data[f"{name}_year"], data[f"{name}_month"], data[f"{name}_day"] = match.groups()
    return data


class WardField(forms.ChoiceField):
    """A list of the wards that may be shown, but a ward typed into the address is checked by
    `period.problems`, which says why it may not be used (too small, or not in the register)."""

    def valid_value(self, value: Any) -> bool:
        return True


class ReportPeriodForm(GovukForm):
    ward = WardField(label="Ward (optional)", required=False)
    agency = forms.ChoiceField(
        label="Referring or lead agency (optional)",
        required=False,
        error_messages={"invalid_choice": "Choose an agency from the list"},
    )

    def __init__(self, data: Any = None, *, user: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.user = user
        # "from" and "to" are the API's names; they are Python keywords, so added here.
        dates = {"from": "First day", "to": "Last day"}
        fields: dict[str, forms.Field] = {
            name: GovukDateField(
                label=label,
                help_text="For example, 1 4 2026",
                error_messages={"required": f"Enter the {label.lower()}"},
            )
            for name, label in dates.items()
        }
        self.fields = {**fields, **self.fields}
        wards = measures.reportable_wards(user)
        self.fields["ward"].choices = [("", "All wards"), *((w, w) for w in wards)]  # type: ignore[attr-defined]
        agencies = Agency.objects.order_by("name").values_list("pk", "name")
        self.fields["agency"].choices = [  # type: ignore[attr-defined]
            ("", "All agencies"),
            *((str(pk), name) for pk, name in agencies),
        ]

    def clean_ward(self) -> str:
        return str(self.cleaned_data.get("ward") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from") and data.get("to"):
            asked = self.asked()
            for field, messages in problems(self.user, asked).items():
                for message in messages:
                    self.add_error(field, message)
        return data

    def asked(self) -> Asked:
        data = self.cleaned_data
        return Asked(data["from"], data["to"], data.get("ward") or "", data.get("agency") or None)


def report_form(query: QueryDict, user: Any) -> tuple[ReportPeriodForm, Asked | None]:
    """The bound (or, with no period asked, default) form and what may be run: the default
    period when nothing was asked, None when what was asked has errors."""
    if not any(key.startswith(("from", "to")) for key in query):
        start, end = default_period()
        form = ReportPeriodForm(user=user, initial={"from": start, "to": end})
        return form, Asked(start, end)
    form = ReportPeriodForm(with_date_parts(query), user=user)
    return form, form.asked() if form.is_valid() else None
