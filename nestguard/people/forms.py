"""The person pages' forms. Values are checked by the service (`person_equality_record`),
the same for the page and the API; the form only offers the code lists."""

from __future__ import annotations

from typing import Any

from django import forms

from nestguard.core.forms import GovukForm
from nestguard.people import equality

NOT_RECORDED_CHOICE = ("", equality.NOT_RECORDED)
ONLY = "Optional. " + equality.MONITORING_ONLY


def _choice(label: str, message: str, *, select: bool = False, hint: str = "") -> Any:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[],
        widget=forms.Select if select else forms.RadioSelect,
        help_text=" ".join(filter(None, [hint, ONLY])),
        error_messages={"invalid_choice": message},
    )


def ethnicity_choices() -> list[tuple[str, str]]:
    """Each census category under its group's name, so the list reads as the census asks."""
    return [
        (c.code, c.label if c.code in ("prefer_not_to_say", "not_known")
         else f"{c.get('group_label')}: {c.label}")
        for c in equality.codes("ethnicity").codes
    ]  # fmt: skip


class EqualityForm(GovukForm):
    """The three equality monitoring questions; other forms that record a person (a case's
    "add a person") take them by inheriting this form."""

    sex = _choice("Sex", "Select sex from the list")
    gender_identity = _choice(
        "Is the gender they identify with the same as their sex registered at birth?",
        "Select an answer about gender identity from the list",
        hint="Ask only people aged 16 or over, and only if they choose to answer.",
    )
    ethnicity = _choice(
        "Ethnic group",
        "Select ethnic group from the list",
        select=True,
        hint="As the person describes it (2021 census groups).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lists = {
            "sex": equality.codes("sex").choices,
            "gender_identity": equality.codes("gender_identity").choices,
            "ethnicity": ethnicity_choices(),
        }
        for name, choices in lists.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            # A select opens on its first option: "not recorded" leads there.
            on_top = isinstance(field.widget, forms.Select) and not isinstance(
                field.widget, forms.RadioSelect
            )
            field.choices = (
                [NOT_RECORDED_CHOICE, *choices] if on_top else [*choices, NOT_RECORDED_CHOICE]
            )
