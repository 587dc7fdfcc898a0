from __future__ import annotations

from django import forms

from nestguard.accounts.models import SharingAgreement
from nestguard.audit import events
from nestguard.core.forms import GovukDateField, GovukForm


def _action_choices() -> list[tuple[str, str]]:
    return [("", "Any action")] + [
        (t.code, f"{t.description} ({t.code})") for t in events.all_types()
    ]


class AuditSearchForm(GovukForm):
    actor = forms.CharField(label="Who (username)", required=False, max_length=150)
    searched_for = forms.CharField(
        label="Searched for (name)",
        required=False,
        max_length=200,
        help_text="Lookups of whether a person is already known, by a name searched for",
    )
    object_type = forms.ChoiceField(
        label="Record type",
        required=False,
        choices=[
            ("", "Any record"),
            ("person", "Person"),
            ("case", "Case"),
            ("referral", "Referral"),
            ("address", "Address"),
            ("user", "User"),
        ],
    )
    object_id = forms.CharField(
        label="Record id", required=False, max_length=64, help_text="For example, a person's id"
    )
    action = forms.ChoiceField(label="Action", required=False, choices=())
    sharing_agreement = forms.ModelChoiceField(
        label="Sharing agreement",
        required=False,
        queryset=SharingAgreement.objects.order_by("name"),
        empty_label="Any agreement",
        help_text="Disclosures to another agency that relied on this agreement",
    )
    reads_only = forms.BooleanField(
        label="Only looks at personal data", required=False, help_text="Who looked, not who changed"
    )
    date_from = GovukDateField(label="From", required=False)
    date_to = GovukDateField(label="To", required=False)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = _action_choices()

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return data
