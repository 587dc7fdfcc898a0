from __future__ import annotations

from django import forms

from nestguard.core.forms import GovukForm
from nestguard.notifications.models import Delivery


class PreferenceForm(GovukForm):
    delivery = forms.ChoiceField(
        label="How do you want to be told by email?",
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you want to be told",
            "invalid_choice": "Choose how you want to be told",
        },
    )
