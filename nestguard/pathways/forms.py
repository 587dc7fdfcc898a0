"""Forms for the pathway pages. They check shapes (a real date, a time like 21:30, a choice
from the list); the services check meaning and write."""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from django import forms

from nestguard.core.calendar import UK
from nestguard.core.forms import GovukDateField, GovukForm
from nestguard.pathways import policy
from nestguard.referrals.models import concern_types

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
YES_NO = [("yes", "Yes"), ("no", "No")]


def _radios(label: str, choices: Any, missing: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": missing, "invalid_choice": missing},
        **kwargs,
    )


def _text(label: str, *, long: bool = False, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("required", False)
    widget = forms.Textarea(attrs={"rows": 4}) if long else forms.TextInput()
    return forms.CharField(label=label, widget=widget, strip=False, **kwargs)


def _date(label: str, **kwargs: Any) -> GovukDateField:
    kwargs.setdefault("help_text", "For example, 27 3 2026")
    return GovukDateField(
        label=label,
        not_in_future=True,
        error_messages={"required": f"Enter the {label.lower()}"},
        **kwargs,
    )


def _time(label: str, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text="24-hour clock, for example 21:30",
        max_length=5,
        error_messages={"required": f"Enter the {label.lower()}"},
        **kwargs,
    )


class MomentForm(GovukForm):
    """Joins each `<name>_on` date and `<name>_time` time into an aware `<name>_at`."""

    moments: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.moments:
            on, raw = data.get(f"{name}_on"), (data.get(f"{name}_time") or "").strip()
            data[f"{name}_at"] = None
            if raw and not _TIME.match(raw):
                self.add_error(f"{name}_time", "Enter a time like 21:30")
                continue
            if on and raw:
                hours, minutes = (int(p) for p in re.split("[:.]", raw))
                data[f"{name}_at"] = datetime.combine(on, time(hours, minutes), tzinfo=UK)
            elif on and not raw and f"{name}_time" not in self.errors:
                self.add_error(f"{name}_time", "Enter the time as well as the date")
            elif raw and not on and f"{name}_on" not in self.errors:
                self.add_error(f"{name}_on", "Enter the date as well as the time")
        return data


def _case_choices(cases: Any) -> list[tuple[str, str]]:
    return [("", "Not linked to a case")] + [(str(c.pk), c.reference) for c in cases]


class MissingEpisodeForm(MomentForm):
    moments = ("started",)
    case = forms.ChoiceField(label="Case", required=False)
    report_type = _radios("Reported as", [], "Choose whether they were reported missing or absent")
    risk_grade = _radios("Police risk grade", [], "Choose the police risk grade")
    category = _radios("Kind of episode", [], "Choose the kind of episode")
    care_status = _radios("Care status", [], "Choose their care status")
    started_on = _date("Date they went missing")
    started_time = _time("Time they went missing")
    police_reference = _text("Police reference", help_text="If the police gave one")
    circumstances = _text("Circumstances", long=True)

    def __init__(self, *args: Any, cases: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.cases = {str(c.pk): c for c in cases}
        self.fields["case"].choices = _case_choices(cases)  # type: ignore[attr-defined]
        for name, codes in (
            ("report_type", "report_types"),
            ("risk_grade", "missing_risk_grades"),
            ("category", "missing_categories"),
            ("care_status", "care_statuses"),
        ):
            self.fields[name].choices = policy.codes(codes).choices  # type: ignore[attr-defined]

    def clean_case(self) -> Any:
        return self.cases.get(self.cleaned_data["case"])


class ReturnForm(MomentForm):
    moments = ("returned", "safe_and_well")
    returned_on = _date("Date they returned")
    returned_time = _time("Time they returned")
    found_by = _radios("Who found them", [], "Choose who found them")
    found_location = _text("Where they were found", max_length=200)
    found_address_line1 = _text(
        "Found at an address: address line 1 (optional)",
        max_length=200,
        help_text="If they were found at an address, give it: it shows on the address's page "
        "and ties them to it in the network",
    )
    found_address_line2 = _text("Found at an address: address line 2", max_length=200)
    found_address_town = _text("Found at an address: town or city", max_length=100)
    found_address_postcode = _text("Found at an address: postcode", max_length=20)
    safe_and_well_on = _date("Date of the safe and well check", required=False)
    safe_and_well_time = _time("Time of the safe and well check", required=False)
    safe_and_well_by = _text("Who did the safe and well check", max_length=200)
    harm = forms.MultipleChoiceField(
        label="What happened to them during the episode?",
        help_text="Select all that apply, or 'No harm known', or 'Not known'.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select what happened during the episode, or 'No harm known' or "
            "'Not known'",
            "invalid_choice": "Choose what happened during the episode from the list",
        },
    )
    harm_details = _text("What harm", long=True)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["found_by"].choices = policy.codes("found_by").choices  # type: ignore[attr-defined]
        self.fields["harm"].choices = policy.codes("harm_kinds").choices  # type: ignore[attr-defined]


class InterviewForm(MomentForm):
    moments = ("offered", "completed")
    outcome = _radios("What happened to the interview", [], "Choose what happened")
    offered_on = _date("Date it was offered")
    offered_time = _time("Time it was offered")
    completed_on = _date("Date it was completed", required=False)
    completed_time = _time("Time it was completed", required=False)
    interviewer = _text("Who held the interview", max_length=200)
    interviewer_independent = _radios(
        "Was the interviewer independent of the placement and the local authority?", YES_NO,
        "Say whether the interviewer was independent", required=False,
    )  # fmt: skip
    themes = forms.MultipleChoiceField(
        label="Themes", required=False, widget=forms.CheckboxSelectMultiple
    )
    where_they_were = _text("Where they were", long=True)
    who_with = _text("Who they were with", long=True)
    exploitation_signs = _text("Signs of exploitation", long=True)
    reason_not_held = _text(
        "Why it was not held", long=True, help_text="Required if it was decided not to hold one"
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = policy.codes("rhi_outcomes").choices  # type: ignore[attr-defined]
        self.fields["themes"].choices = policy.codes("rhi_themes").choices  # type: ignore[attr-defined]


class NrmReferralForm(GovukForm):
    case = forms.ChoiceField(label="Case", required=False)
    referred_on = _date("Date of the referral")
    consent = _radios("Consent", [], "Record the person's consent")
    may_be_child = forms.BooleanField(
        label="They may be under 18",
        required=False,
        help_text="Where their age is not known or is in doubt: they take the child route",
    )
    exploitation_types = forms.MultipleChoiceField(
        label="Kinds of exploitation",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the kinds of exploitation"},
    )
    decision_body = _radios("Who decides", [], "Choose who decides")
    summary = _text("Summary", long=True)

    def __init__(self, *args: Any, cases: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.cases = {str(c.pk): c for c in cases}
        self.fields["case"].choices = _case_choices(cases)  # type: ignore[attr-defined]
        self.fields["consent"].choices = policy.codes("nrm_consent").choices  # type: ignore[attr-defined]
        self.fields["exploitation_types"].choices = concern_types().choices  # type: ignore[attr-defined]
        self.fields["decision_body"].choices = policy.codes("nrm_decision_bodies").choices  # type: ignore[attr-defined]

    def clean_case(self) -> Any:
        return self.cases.get(self.cleaned_data["case"])


RG_OUTCOMES = [("positive", "Positive"), ("negative", "Negative")]
CG_OUTCOMES = [
    ("trafficking", "Victim of modern slavery (human trafficking)"),
    ("slavery", "Victim of modern slavery (slavery, servitude, or forced or compulsory labour)"),
    ("negative", "Insufficient evidence"),
]


class DecisionForm(GovukForm):
    outcome = _radios("Decision", [], "Choose the decision")
    decided_on = _date("Date of the decision")
    note = _text("Note", long=True)

    def __init__(self, *args: Any, outcomes: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = outcomes  # type: ignore[attr-defined]


class ReasonForm(GovukForm):
    on = _date("Date")
    reason = _text(
        "Reason", long=True, required=True, error_messages={"required": "Give the reason"}
    )


class DutyToNotifyForm(GovukForm):
    notified_on = _date("Date of the notification")
    age_band = _radios("Age band", [], "Choose an age band")
    gender = _radios("Gender", [], "Choose a gender")
    exploitation_types = forms.MultipleChoiceField(
        label="Kinds of exploitation",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the kinds of exploitation"},
    )
    area = _text("Town or area", max_length=100, help_text="Not an address")
    summary = _text(
        "Summary",
        long=True,
        help_text="No name, date of birth, address, phone number or anything else that could "
        "identify them",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["age_band"].choices = policy.codes("dtn_age_bands").choices  # type: ignore[attr-defined]
        self.fields["gender"].choices = policy.codes("dtn_genders").choices  # type: ignore[attr-defined]
        self.fields["exploitation_types"].choices = concern_types().choices  # type: ignore[attr-defined]


class OnwardReferralForm(GovukForm):
    person = _radios("Who is being referred", [], "Choose who is being referred")
    service = forms.ChoiceField(
        label="Service", error_messages={"required": "Choose a service from the directory"}
    )
    consent_given = _radios(
        "Have they consented to the referral?", YES_NO, "Say whether they consented"
    )
    reason = _text("Why you are referring them", long=True)

    def __init__(
        self, *args: Any, people: Any, services: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        self.fields["person"].choices = [(k, p.display_name) for k, p in self.people.items()]  # type: ignore[attr-defined]
        self.fields["service"].choices = [("", "Choose a service"), *services]  # type: ignore[attr-defined]

    def clean_person(self) -> Any:
        return self.people[self.cleaned_data["person"]]


class OnwardUpdateForm(GovukForm):
    status = _radios("New status", [], "Choose the new status")
    on = _date("Date")
    note = _text(
        "The service's note, or how the follow-up went",
        long=True,
        help_text="Required if they declined, and for a follow-up",
    )
    outcome = _text("Outcome", long=True, help_text="Required when completed")

    def __init__(self, *args: Any, statuses: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = statuses  # type: ignore[attr-defined]
