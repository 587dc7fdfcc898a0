"""Case forms: they check shapes and types; the services check meaning and permission."""

from __future__ import annotations

from typing import Any

from django import forms

from nestguard.access.restrictions import restriction_form_field
from nestguard.accounts.models import Agency, User
from nestguard.cases.models import (
    CaseStatus,
    InterventionStatus,
    intervention_types,
    outcomes,
    resolutions,
)
from nestguard.cases.services.common import NOTE_MAX, REASON_MAX, SUMMARY_MAX
from nestguard.core.forms import GovukDateField, GovukForm, VersionField, clean_text
from nestguard.people.equality import EQUALITY_FIELDS
from nestguard.people.forms import EqualityForm
from nestguard.referrals.models import concern_types, subject_roles
from nestguard.risk.display import band_choices


def _text_field(
    label: str, max_length: int, *, required: bool = True, **kw: Any
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea,
        strip=False,
        max_length=max_length,
        error_messages={
            "max_length": f"{label} must be {max_length:,} characters or fewer",
            "required": kw.pop("missing", f"Enter {label[0].lower()}{label[1:]}"),
        },
        **kw,
    )


class _TextCleaning(GovukForm):
    """Free text keeps what was typed but refuses control characters."""

    text_fields: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.text_fields:
            value = data.get(name)
            if isinstance(value, str):
                try:
                    data[name] = clean_text(value, label=str(self.fields[name].label))
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return data


def _user_label(user: User) -> str:
    title = f", {user.job_title}" if user.job_title else ""
    return f"{user.get_full_name() or user.username} ({user.agency}{title})"


class CaseFilterForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("active", "Open or monitoring"),
            *CaseStatus.choices,
            ("all", "Any status"),
        ],
    )
    risk_band = forms.ChoiceField(label="Risk", required=False)
    concern = forms.ChoiceField(label="Type of concern", required=False)
    mine = forms.BooleanField(label="Only cases I lead or am on the team of", required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["risk_band"].choices = [("", "Any risk"), *band_choices()]  # type: ignore[attr-defined]
        self.fields["concern"].choices = [("", "Any concern"), *concern_types().choices]  # type: ignore[attr-defined]


class CaseCreateForm(_TextCleaning):
    text_fields = ("summary",)
    concern_types = forms.MultipleChoiceField(
        label="Types of concern",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one type of concern",
            "invalid_choice": "Choose types of concern from the list",
        },
    )
    summary = _text_field(
        "Summary",
        SUMMARY_MAX,
        missing="Enter a summary of why the case is being opened",
        help_text="What is known and why a case is needed. Say where the information came from.",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["concern_types"].choices = concern_types().choices  # type: ignore[attr-defined]


class NoteForm(_TextCleaning):
    text_fields = ("text",)
    text = _text_field("Note", NOTE_MAX, missing="Enter the note")
    restriction = restriction_form_field()


class TeamUserForm(GovukForm):
    user = forms.ChoiceField(
        label="Team member",
        error_messages={"required": "Choose who to add to the case team"},
        help_text="Caseworkers and supervisors of the lead agency and of agencies that share "
        "an active information sharing agreement with it.",
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.users = {str(u.pk): u for u in users}
        self.fields["user"].choices = [("", "Choose a person")] + [  # type: ignore[attr-defined]
            (pk, _user_label(u)) for pk, u in self.users.items()
        ]

    def clean_user(self) -> User:
        return self.users[self.cleaned_data["user"]]


class TeamAgencyForm(GovukForm):
    agency = forms.ChoiceField(
        label="Partner agency",
        error_messages={"required": "Choose the agency to add to the case team"},
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.agencies = {str(a.pk): a for a in agencies}
        self.fields["agency"].choices = [  # type: ignore[attr-defined]
            (pk, a.name) for pk, a in self.agencies.items()
        ]

    def clean_agency(self) -> Agency:
        return self.agencies[self.cleaned_data["agency"]]


class ConfirmForm(GovukForm):
    """A button that confirms a removal."""


class SubjectRoleForm(GovukForm):
    """Another role for someone already named in the case."""

    person = forms.ChoiceField(
        label="Person",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the person"},
    )
    role = forms.ChoiceField(
        label="Their role in this case",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the person's role in this case"},
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            (pk, p.display_name) for pk, p in self.people.items()
        ]
        self.fields["role"].choices = subject_roles().choices  # type: ignore[attr-defined]

    def clean_person(self) -> Any:
        return self.people[self.cleaned_data["person"]]


class SubjectNewForm(_TextCleaning, EqualityForm):
    """A new person named in the case; the equality questions (optional, monitoring only,
    decision 0091) come last."""

    text_fields = ("given_name", "family_name", "description")
    field_order = (
        "role", "given_name", "family_name", "date_of_birth", "age_estimate",
        "identity_unknown", "description", *EQUALITY_FIELDS,
    )  # fmt: skip
    role = forms.ChoiceField(
        label="Their role in this case",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the person's role in this case"},
    )
    given_name = forms.CharField(label="Given name", required=False, max_length=100, strip=False)
    family_name = forms.CharField(label="Family name", required=False, max_length=100, strip=False)
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        not_in_future=True,
        help_text="For example, 27 3 2009",
    )
    age_estimate = forms.IntegerField(
        label="Age estimate",
        required=False,
        min_value=0,
        max_value=120,
        help_text="If the date of birth is not known",
        error_messages={
            "invalid": "Age estimate must be a number, like 16",
            "min_value": "Age estimate must be 0 or more",
            "max_value": "Age estimate must be 120 or less",
        },
    )
    identity_unknown = forms.BooleanField(
        label="Their identity is not known",
        required=False,
        help_text="For example, 'a lad called T'",
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        strip=False,
        help_text="How they can be recognised, nicknames, where they are seen",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = subject_roles().choices  # type: ignore[attr-defined]
        for name in ("given_name", "family_name", "description"):
            field = self.fields[name]
            field.error_messages["max_length"] = (
                f"{field.label} must be {field.max_length} characters or fewer"  # type: ignore[attr-defined]
            )


class LeadForm(GovukForm):
    lead_worker = forms.ChoiceField(
        label="New lead worker",
        error_messages={"required": "Choose the new lead worker"},
        help_text="Choosing someone at a partner agency hands the case to that agency.",
    )
    version = VersionField()

    def __init__(self, *args: Any, users: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.users = {str(u.pk): u for u in users}
        self.fields["lead_worker"].choices = [("", "Choose a person")] + [  # type: ignore[attr-defined]
            (pk, _user_label(u)) for pk, u in self.users.items()
        ]

    def clean_lead_worker(self) -> User:
        return self.users[self.cleaned_data["lead_worker"]]


class StatusForm(_TextCleaning):
    text_fields = ("reason",)
    status = forms.ChoiceField(
        label="Status",
        widget=forms.RadioSelect,
        choices=[
            (CaseStatus.OPEN, "Open: active work with the people in this case"),
            (CaseStatus.MONITORING, "Monitoring: work done, watching for the risk returning"),
        ],
        error_messages={"required": "Choose the status"},
    )
    reason = _text_field("Reason", REASON_MAX, missing="Enter the reason for the change")
    version = VersionField()


class InterventionForm(_TextCleaning):
    text_fields = ("notes",)
    type = forms.ChoiceField(
        label="Type of intervention",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of intervention"},
    )
    owner = forms.ChoiceField(
        label="Owner",
        error_messages={"required": "Choose who owns the intervention"},
        help_text="A user of an agency on the case.",
    )
    starts_on = GovukDateField(
        label="Start date",
        error_messages={"required": "Enter the start date"},
        help_text="For example, 3 6 2026",
    )
    due_on = GovukDateField(label="Due date", required=False)
    notes = _text_field("Notes", SUMMARY_MAX, required=False)

    def __init__(self, *args: Any, owners: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = intervention_types().choices  # type: ignore[attr-defined]
        self.owners = {str(u.pk): u for u in owners}
        self.fields["owner"].choices = [("", "Choose a person")] + [  # type: ignore[attr-defined]
            (pk, _user_label(u)) for pk, u in self.owners.items()
        ]

    def clean_owner(self) -> User:
        return self.owners[self.cleaned_data["owner"]]


class InterventionUpdateForm(_TextCleaning):
    text_fields = ("notes",)
    status = forms.ChoiceField(
        label="Status",
        widget=forms.RadioSelect,
        choices=InterventionStatus.choices,
        error_messages={"required": "Choose the intervention's status"},
    )
    completed_on = GovukDateField(
        label="Date completed",
        required=False,
        help_text="Only for a completed intervention. For example, 3 6 2026",
    )
    notes = _text_field("Notes", SUMMARY_MAX, required=False)
    version = VersionField()


class CloseForm(_TextCleaning):
    text_fields = ("summary",)
    outcomes = forms.MultipleChoiceField(
        label="Outcomes",
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={
            "required": "Choose at least one outcome",
            "invalid_choice": "Choose outcomes from the list",
        },
    )
    resolution = forms.ChoiceField(
        label="Resolution",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the case was resolved"},
    )
    summary = _text_field("Closing summary", SUMMARY_MAX, missing="Enter a closing summary")
    cancel_open_interventions = forms.BooleanField(
        label="Cancel the open interventions listed above as the case closes",
        required=False,
        help_text="Otherwise, complete or cancel each of them before closing.",
    )
    version = VersionField()

    def __init__(self, *args: Any, open_interventions: int = 0, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not open_interventions:
            del self.fields["cancel_open_interventions"]
        self.fields["outcomes"].choices = outcomes().choices  # type: ignore[attr-defined]
        self.fields["resolution"].choices = resolutions().choices  # type: ignore[attr-defined]


class ReopenForm(_TextCleaning):
    text_fields = ("reason",)
    reason = _text_field("Reason", REASON_MAX, missing="Enter the reason for reopening the case")
    version = VersionField()
