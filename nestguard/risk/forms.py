"""Risk assessment forms, built from the instrument file: one radio group per item."""

from __future__ import annotations

from typing import Any

from django import forms

from nestguard.core.forms import GovukForm, clean_text
from nestguard.risk.loader import Instrument, current_instruments
from nestguard.risk.models import AssessmentStage
from nestguard.risk.services import REASON_MAX

ITEM_PREFIX = "item_"
FOR_WHOM = {"child": "children", "adult": "adults"}


class ChooseInstrumentForm(GovukForm):
    instrument = forms.ChoiceField(
        label="Which assessment tool?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose an assessment tool",
            "invalid_choice": "Choose an assessment tool from the list",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [  # type: ignore[attr-defined]
            (i.code, f"{i.title}: for {FOR_WHOM[i.applies_to]} ({len(i.items)} items)")
            for i in current_instruments()
        ]


def _points(score: int) -> str:
    return f"{score} point" if score == 1 else f"{score} points"


class AssessmentForm(GovukForm):
    stage = forms.ChoiceField(
        label="Stage",
        widget=forms.RadioSelect,
        choices=AssessmentStage.choices,
        error_messages={"required": "Choose the stage of this assessment"},
    )
    person = forms.ChoiceField(label="Who is being assessed?", required=False)
    judgement_adjustment = forms.IntegerField(
        label="Professional judgement change",
        required=False,
        error_messages={"invalid": "The professional judgement change must be a whole number"},
    )
    judgement_reason = forms.CharField(
        label="Reason for the change",
        required=False,
        widget=forms.Textarea,
        strip=False,
        max_length=REASON_MAX,
        error_messages={"max_length": f"The reason must be {REASON_MAX:,} characters or fewer"},
        help_text="Required if you change the score. Say what the items do not capture.",
    )

    def __init__(self, *args: Any, instrument: Instrument, people: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.people = {str(p.pk): p for p in people}
        self.fields["person"].choices = [("", "The case as a whole")] + [  # type: ignore[attr-defined]
            (pk, p.display_name) for pk, p in self.people.items()
        ]
        adjustment = self.fields["judgement_adjustment"]
        adjustment.help_text = (
            f"From {instrument.judgement_min} to +{instrument.judgement_max}. Leave empty or 0 "
            "for no change. The overall score stays between 0 and "
            f"{instrument.max_score}."
        )
        for item in instrument.items:
            self.fields[ITEM_PREFIX + item.code] = forms.ChoiceField(
                label=item.label,
                help_text=item.hint,
                widget=forms.RadioSelect,
                choices=[(o.code, f"{o.label} ({_points(o.score)})") for o in item.options],
                error_messages={
                    "required": f"Answer “{item.label}”",
                    "invalid_choice": f"Choose one of the answers given for “{item.label}”",
                },
            )

    def item_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (group, [self[ITEM_PREFIX + item.code] for item in items])
            for group, items in self.instrument.groups
        ]

    def clean_person(self) -> Any:
        value = self.cleaned_data.get("person") or ""
        return self.people.get(value)

    def clean_judgement_adjustment(self) -> int:
        value = self.cleaned_data.get("judgement_adjustment")
        return 0 if value is None else int(value)

    def clean_judgement_reason(self) -> str:
        return clean_text(self.cleaned_data.get("judgement_reason") or "", label="The reason")

    def answers(self) -> dict[str, str]:
        return {
            item.code: self.cleaned_data.get(ITEM_PREFIX + item.code, "")
            for item in self.instrument.items
        }

    def service_field(self, key: str) -> str | None:
        """The form field a service error key belongs to."""
        if key.startswith("answers."):
            return ITEM_PREFIX + key.removeprefix("answers.")
        return key if key in self.fields else None
