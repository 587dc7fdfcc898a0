from __future__ import annotations

from typing import Any

from django import forms

from nestguard.jobs import registry


class JobStartForm(forms.Form):
    name = forms.ChoiceField(
        label="Which job?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a job to start"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["name"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s.name, s.title) for s in registry.manual_jobs()]
