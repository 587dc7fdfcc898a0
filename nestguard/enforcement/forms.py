"""The step form: shapes and types only. The service checks the ladder's rules."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms

from nestguard.core.calendar import UK
from nestguard.core.forms import GovukDateField, GovukForm, parse_time_of_day, time_of_day_field
from nestguard.enforcement.ladder import Step, ladder
from nestguard.enforcement.models import EnforcementAction, Scope
from nestguard.enforcement.services import CONDUCT_MAX, NOTES_MAX, PART_MAX

EARLIEST_DAY = date(2014, 10, 20)


def _text(label: str, limit: int, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limit,
        strip=False,
        error_messages={
            "max_length": f"{label} must be {limit:,} characters or fewer",
            "required": f"Enter {label[0].lower()}{label[1:]}",
        },
    )


class StepForm(GovukForm):
    """Built for one step: only the fields that step has."""

    def __init__(
        self,
        *args: Any,
        step: Step,
        issuers: list[str],
        people: list[Any],
        parents: list[EnforcementAction],
        cases: list[Any],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        rules = ladder()
        self.step = step
        verb = "made" if step.code.startswith("closure_order") else "issued or served"
        self.fields["taken_at_date"] = GovukDateField(
            label=f"Date {verb}" if step.code != "closure_order_extension" else "Date applied for",
            help_text="For example, 27 11 2026",
            earliest=EARLIEST_DAY,
            error_messages={"required": "Enter the date"},
        )
        self.fields["taken_at_time"] = time_of_day_field("Time")
        self.fields["issuer"] = forms.ChoiceField(
            label="Issued or applied for by",
            widget=forms.RadioSelect,
            choices=[(code, rules.issuers[code].label) for code in issuers],
            error_messages={
                "required": "Choose who issued it",
                "invalid_choice": "Choose who issued it",
            },
        )
        if step.parents:
            self.fields["parent"] = forms.ChoiceField(
                label="The earlier step it follows",
                choices=[("", "Choose the earlier step")]
                + [
                    (
                        str(p.pk),
                        f"{p.reference}: {rules.steps[p.step].label}"
                        + (f" to {p.person}" if p.person_id else ""),
                    )
                    for p in parents
                ],
                required=False,
                error_messages={"invalid_choice": "Choose an earlier step at this address"},
            )
        if step.subject == "person":
            self.fields["person"] = forms.ChoiceField(
                label="Person it is given to",
                choices=[("", "Choose a person")] + [(str(p.pk), p.display_name) for p in people],
                required=False,
                help_text="People you can see who are linked to this address",
                error_messages={"invalid_choice": "Choose a person linked to this address"},
            )
        if cases:
            self.fields["case"] = forms.ChoiceField(
                label="Case (optional)",
                choices=[("", "Not linked to a case")] + [(str(c.pk), c.reference) for c in cases],
                required=False,
                error_messages={"invalid_choice": "Choose a case at this address"},
            )
        if step.needs_conduct or step.code == "cpn":
            hint = (
                "For a notice, leave empty to use the conduct of the warning"
                if step.code == "cpn"
                else ""
            )
            self.fields["conduct"] = _text("Conduct", CONDUCT_MAX)
            self.fields["conduct"].help_text = hint
        if step.code == "cpw":
            self.fields["comply_by"] = GovukDateField(
                label="Date by which to deal with the matter",
                help_text="No statutory number of days: enough time to deal with the matter "
                "(ASBCPA 2014 s.43(5)). The time ends at the close of this day.",
                earliest=EARLIEST_DAY,
            )
        if step.needs_scope:
            self.fields["scope"] = forms.ChoiceField(
                label="What the order covers",
                widget=forms.RadioSelect,
                choices=Scope.choices,
                error_messages={"required": "Choose whether the order covers the whole or part"},
            )
            self.fields["part_description"] = _text("The part of the premises covered", PART_MAX)
            self.fields[
                "part_description"
            ].help_text = (
                "Only for part of the premises, e.g. the flat's front bedroom and the stairwell"
            )
        if step.needs_ends_at or any(d.field == "ends_at" for d in step.deadlines):
            self.fields["ends_at_date"] = GovukDateField(
                label="Date it ends", earliest=EARLIEST_DAY, required=step.needs_ends_at
            )
            self.fields["ends_at_time"] = time_of_day_field("Time it ends", required=False)
            self.fields[
                "ends_at_time"
            ].help_text = "24-hour clock, UK time; empty means the same time it was made"
        self.fields["notes"] = _text("Notes", NOTES_MAX)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        when = self._moment("taken_at_date", "taken_at_time", required=True)
        data["taken_at"] = when
        if "ends_at_date" in self.fields:
            data["ends_at"] = self._moment(
                "ends_at_date", "ends_at_time", required=False, default=when
            )
        comply = data.get("comply_by")
        if isinstance(comply, date):
            data["comply_by"] = datetime.combine(comply, time(23, 59, 59), tzinfo=UK)
        return data

    def _moment(
        self, day_field: str, time_field: str, *, required: bool, default: datetime | None = None
    ) -> datetime | None:
        day = self.cleaned_data.get(day_field)
        raw_time = self.cleaned_data.get(time_field) or ""
        if day is None:
            return None
        if not raw_time:
            if required:
                return None  # the field's own "Enter the time" message shows
            at = default.astimezone(UK).time() if default else time(23, 59, 59)
            return datetime.combine(day, at, tzinfo=UK)
        parsed = parse_time_of_day(raw_time)
        if parsed is None:
            self.add_error(time_field, "Enter a real time on the 24-hour clock, for example 14:30")
            return None
        return datetime.combine(day, parsed, tzinfo=UK)
