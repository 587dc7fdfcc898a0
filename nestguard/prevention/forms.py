from __future__ import annotations

from django import forms

from nestguard.core.forms import GovukForm
from nestguard.prevention.models import PreventionAction

# A referral is recorded by making one (the "Make a referral" button), never by a radio.
_KINDS = [
    (PreventionAction.Kind.VISITED.value, "Visited"),
    (PreventionAction.Kind.NO_CONCERN.value, "No concern (closes the entry)"),
]


class ActionForm(GovukForm):
    kind = forms.ChoiceField(
        label="What did you do?",
        choices=_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you did"},
    )
    note = forms.CharField(
        label="Note",
        help_text="What you did and found. Write about the tenancy, not about who lives there.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter a note saying what you did and found"},
    )
