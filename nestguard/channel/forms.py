"""The Prevent pages' forms: shapes and types; the services check the rules (decision 0109)."""

from __future__ import annotations

from typing import Any

from django import forms

from nestguard.channel.models import (
    consent_givers,
    consent_states,
    gateway_outcomes,
    ideologies,
    panel_outcomes,
)
from nestguard.channel.services.prevent import SIGNS_GROUP, TEXT_MAX
from nestguard.core.forms import GovukDateField, GovukForm
from nestguard.referrals.models import indicators


def _radio(label: str, message: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, widget=forms.RadioSelect, error_messages={"required": message}
    )


def _note(label: str = "Note (optional)") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReferForm(GovukForm):
    person = _radio("Who is the concern about", "Choose who the concern is about")
    ideology = _radio("What kind of concern is it", "Choose the kind of concern")
    signs = forms.MultipleChoiceField(
        label="Signs you saw (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A sign is a reason to talk to the Prevent lead, not a finding.",
    )
    concern = forms.CharField(
        label="What you saw or heard",
        help_text="Facts, in your own words: what was said or done, when, and who else knows.",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what you saw or heard"},
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = people  # type: ignore[attr-defined]
        self.fields["ideology"].choices = ideologies().choices  # type: ignore[attr-defined]
        self.fields["signs"].choices = [  # type: ignore[attr-defined]
            (c.code, c.label) for c in indicators().codes if c["group"] == SIGNS_GROUP
        ]


class GatewayForm(GovukForm):
    outcome = _radio("Outcome of the gateway assessment", "Choose the outcome")
    on = GovukDateField(label="Date of the assessment")
    note = _note()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = gateway_outcomes().choices  # type: ignore[attr-defined]


class PanelForm(GovukForm):
    outcome = _radio("The panel's decision", "Choose the panel's decision")
    on = GovukDateField(label="Date of the panel")
    referred_to = forms.CharField(
        label="Service referred to (if referred elsewhere)", required=False, max_length=200
    )
    note = _note()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = panel_outcomes().choices  # type: ignore[attr-defined]


class ConsentForm(GovukForm):
    state = _radio("Consent to Channel support", "Choose what was answered")
    given_by = _radio("Who answered", "Choose who answered")
    giver_name = forms.CharField(
        label="Name of the parent or guardian (if they answered)", required=False, max_length=200
    )
    on = GovukDateField(label="Date of the answer")
    note = _note()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = consent_states().choices  # type: ignore[attr-defined]
        self.fields["given_by"].choices = consent_givers().choices  # type: ignore[attr-defined]


class StartForm(GovukForm):
    on = GovukDateField(label="Date support started")


class EndForm(GovukForm):
    on = GovukDateField(label="Date support ended")


class LeadForm(GovukForm):
    lead = forms.ChoiceField(
        label="Who receives Prevent referrals",
        help_text="The council's Prevent team, in most partnerships: a whole agency, or one "
        "team of it (then only its members see Prevent referrals).",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who receives Prevent referrals"},
    )

    def __init__(self, *args: Any, agencies: list[Any], teams: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [  # type: ignore[attr-defined]
            *((f"team:{t.pk}", f"{t.name} ({t.agency.name})") for t in teams),
            *((f"agency:{a.pk}", f"{a.name} (the whole agency)") for a in agencies),
        ]
