"""Panel forms: they check shapes and types; the services check meaning and permission."""

from __future__ import annotations

from typing import Any

from django import forms

from nestguard.accounts.models import Agency, User
from nestguard.core.forms import GovukDateField, GovukForm, VersionField
from nestguard.panels.loader import meeting_type_choices
from nestguard.panels.models import ActionStatus, AttendanceStatus
from nestguard.panels.services.actions import chosen_reasons
from nestguard.panels.services.common import DESCRIPTION_MAX, TEXT_MAX, TITLE_MAX
from nestguard.risk.display import band_choices


def _text(label: str, max_length: int, *, required: bool = True, textarea: bool = True,
          missing: str = "", **kw: Any) -> forms.CharField:  # fmt: skip
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea if textarea else forms.TextInput,
        strip=False,
        max_length=max_length,
        error_messages={
            "max_length": f"{label} must be {max_length:,} characters or fewer",
            "required": missing or f"Enter {label[0].lower()}{label[1:]}",
        },
        **kw,
    )


def _user_label(user: User) -> str:
    return f"{user.get_full_name() or user.username} ({user.agency})"


class _Choosing(GovukForm):
    """A choice of records by id; the chosen record is what cleaned_data holds."""

    def _choices(self, name: str, records: Any, label: Any, blank: str = "") -> None:
        mapping = {str(r.pk): r for r in records}
        setattr(self, f"_{name}_records", mapping)
        choices = [(pk, label(r)) for pk, r in mapping.items()]
        self.fields[name].choices = ([("", blank)] if blank else []) + choices  # type: ignore[attr-defined]

    def _record(self, name: str) -> Any:
        value = self.cleaned_data.get(name)
        return getattr(self, f"_{name}_records").get(value) if value else None


class PanelCreateForm(GovukForm):
    name = _text("Name", 200, textarea=False, missing="Enter the panel's name")
    meeting_type = forms.ChoiceField(
        label="Type of meeting",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of meeting"},
    )
    cadence_days = forms.IntegerField(
        label="How often it meets, in days",
        required=False,
        min_value=1,
        max_value=365,
        help_text="Leave empty for the usual cadence of the type (for example 14 days for MACE).",
        error_messages={
            "invalid": "Enter how often it meets as a whole number of days",
            "min_value": "Enter how often it meets, in days, from 1 to 365",
            "max_value": "Enter how often it meets, in days, from 1 to 365",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["meeting_type"].choices = meeting_type_choices()  # type: ignore[attr-defined]


class MemberForm(_Choosing):
    agency = forms.ChoiceField(
        label="Agency", error_messages={"required": "Choose the agency to add"}
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._choices("agency", agencies, lambda a: a.name, blank="Choose an agency")

    def clean_agency(self) -> Agency:
        return self._record("agency")  # type: ignore[no-any-return]


class ScheduleForm(GovukForm):
    meets_on = GovukDateField(
        label="Meeting date",
        help_text="For example, 27 3 2027. Suggested by the panel's cadence.",
        error_messages={"required": "Enter the meeting date"},
    )
    venue = _text("Venue", 200, required=False, textarea=False)


class ItemForm(GovukForm):
    title = _text("Title", TITLE_MAX, textarea=False, missing="Enter the item's title")
    reason = _text("Why it is on the agenda", DESCRIPTION_MAX, required=False)


class MinutesForm(GovukForm):
    discussion = _text("Discussion summary", TEXT_MAX, missing="Enter a summary of the discussion")
    decisions = _text("Decisions", TEXT_MAX, required=False)
    risk_before = forms.ChoiceField(label="Risk before the discussion", required=False)
    risk_after = forms.ChoiceField(label="Risk after the discussion", required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("risk_before", "risk_after"):
            self.fields[name].choices = [("", "Not assessed"), *band_choices()]  # type: ignore[attr-defined]


class AttendanceForm(_Choosing):
    user = forms.ChoiceField(label="Person", error_messages={"required": "Choose who attends"})
    status = forms.ChoiceField(
        label="Attendance",
        widget=forms.RadioSelect,
        choices=AttendanceStatus.choices,
        error_messages={"required": "Choose attending or apologies"},
    )

    def __init__(self, *args: Any, users: list[User], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._choices("user", users, _user_label, blank="Choose a person")

    def clean_user(self) -> User:
        return self._record("user")  # type: ignore[no-any-return]


class AgreementForm(GovukForm):
    agreed = forms.BooleanField(
        label="I agree to keep the information shared at this meeting confidential",
        error_messages={"required": "Confirm that you agree to keep the information confidential"},
    )


class ActionForm(_Choosing):
    description = _text("Action", DESCRIPTION_MAX, missing="Enter what must be done")
    owner_agency = forms.ChoiceField(
        label="Owner agency", error_messages={"required": "Choose the agency that owns the action"}
    )
    owner = forms.ChoiceField(
        label="Owner",
        required=False,
        help_text="The person who will do it, if known. They must work for the owner agency.",
    )
    due_on = GovukDateField(
        label="Due date",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the due date"},
    )

    def __init__(
        self, *args: Any, agencies: list[Agency], users: list[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choices("owner_agency", agencies, lambda a: a.name, blank="Choose an agency")
        self._choices("owner", users, _user_label, blank="No one named yet")

    def clean_owner_agency(self) -> Agency:
        return self._record("owner_agency")  # type: ignore[no-any-return]

    def clean_owner(self) -> User | None:
        return self._record("owner")  # type: ignore[no-any-return]


class ActionUpdateForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        widget=forms.RadioSelect,
        choices=ActionStatus.choices,
        error_messages={"required": "Choose the action's status"},
    )
    completed_on = GovukDateField(
        label="Date completed",
        required=False,
        help_text="Only if it is completed. For example, 27 3 2027",
    )
    reason = forms.ChoiceField(
        label="Reason it is not done",
        required=False,
        help_text="Goes with the action when it is carried to the next meeting.",
    )
    note = _text("Note", DESCRIPTION_MAX, required=False)
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "No reason given"), *chosen_reasons()]  # type: ignore[attr-defined]


class MoveForm(GovukForm):
    direction = forms.ChoiceField(
        choices=[("up", "Up"), ("down", "Down")], error_messages={"required": "Choose up or down"}
    )


class ConfirmForm(GovukForm):
    """A button that confirms."""
