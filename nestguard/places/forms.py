"""Forms of the places pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from nestguard.access.restrictions import restriction_form_field
from nestguard.core.forms import GovukDateField, GovukForm, VersionField
from nestguard.core.import_files import check_csv_upload
from nestguard.places.validation import POSTCODE_REQUIRED, clean_door_query, clean_postcode


class PostcodeSearchForm(GovukForm):
    postcode = forms.CharField(
        label="Postcode",
        help_text="For example, NB1 2AB",
        error_messages={"required": POSTCODE_REQUIRED},
        strip=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Control characters (NUL included) get clean_postcode's own message.
        self.fields["postcode"].validators = []

    def clean_postcode(self) -> str:
        return clean_postcode(self.cleaned_data["postcode"])


# The door check ----------------------------------------------------------------------


class DoorCheckForm(GovukForm):
    uprn = forms.CharField(
        label="UPRN",
        required=False,
        strip=False,
        help_text="The Unique Property Reference Number, if you have it",
    )
    postcode = forms.CharField(
        label="Postcode", required=False, strip=False, help_text="For example, NB1 2AB"
    )
    number = forms.CharField(
        label="House number or name",
        required=False,
        strip=False,
        help_text="For example, 14, Flat 3, 14 or Rose Cottage",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        query, errors = clean_door_query(data.get("uprn"), data.get("postcode"), data.get("number"))
        for name, message in errors.items():
            self.add_error(name, message)
        self.query = query
        return data


# Warning markers ---------------------------------------------------------------------


def _field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _choices(codes: Any, *, placeable_only: bool = False) -> list[tuple[str, str]]:
    return [
        (c.code, c.label) for c in codes.codes if not placeable_only or c.get("placeable", True)
    ]


class WarningForm(GovukForm):
    case = forms.TypedChoiceField(label="Case", required=False, empty_value=None)
    category = forms.ChoiceField(
        label="What is the risk?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of risk"},
    )
    level = forms.ChoiceField(
        label="Warning level",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the warning level"},
    )
    advice = forms.CharField(
        label="Safety advice for visitors",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What a visitor should do. Do not give the reasons or name anyone: anyone "
        "signed in can read this.",
        error_messages={"required": "Enter safety advice"},
    )
    contact = forms.CharField(
        label="Whom to contact",
        help_text="A team and phone number, not a person's private details",
        error_messages={"required": "Enter whom to contact"},
    )
    review_on = GovukDateField(label="Review date", help_text="For example, 27 3 2027")
    expires_on = GovukDateField(label="Expiry date", help_text="The marker lapses after this day")
    restriction = restriction_form_field()

    def __init__(self, *args: Any, cases: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from nestguard.places.models import warning_categories, warning_levels

        _field(self, "category").choices = _choices(warning_categories())
        _field(self, "level").choices = _choices(warning_levels(), placeable_only=True)
        self.cases = {str(c.pk): c for c in cases}
        if len(cases) > 1:
            _field(self, "case").choices = [(str(c.pk), c.reference) for c in cases]
            self.fields["case"].required = True
        else:
            del self.fields["case"]

    def chosen_case(self) -> Any:
        key = self.cleaned_data.get("case")
        return self.cases.get(str(key)) if key else None


class WarningReviewForm(GovukForm):
    review_on = GovukDateField(label="Next review date")
    expires_on = GovukDateField(label="Expiry date", help_text="Keep it, or move it")
    advice = forms.CharField(
        label="Safety advice for visitors", widget=forms.Textarea(attrs={"rows": 3})
    )
    version = VersionField()


class WarningWithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why is the marker withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason"},
    )
    version = VersionField()


# Reports, repeat alerts, links, hardening, leaflet drops --------------------------------


class ReportForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind of report is it?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of report it is"},
    )
    occurred_on = GovukDateField(
        label="Date", not_in_future=True, help_text="For example, 3 11 2026"
    )
    summary = forms.CharField(
        label="What was reported",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what was reported"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from nestguard.places.models import report_kinds

        # A public report arrives through the public form only (decision 0100).
        _field(self, "kind").choices = [
            (c.code, c.label) for c in report_kinds().codes if c.get("recorded_by_staff", True)
        ]


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="What did you decide?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for no action",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from nestguard.places.models import repeat_decisions

        _field(self, "decision").choices = _choices(repeat_decisions())


class LinkForm(GovukForm):
    uprn = forms.CharField(label="UPRN", required=False, strip=False)
    postcode = forms.CharField(label="Postcode", required=False, strip=False)
    number = forms.CharField(label="House number or name", required=False, strip=False)
    role = forms.ChoiceField(
        label="How is the person linked to the address?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the person is linked"},
    )
    from_date = GovukDateField(label="From", not_in_future=True)
    to_date = GovukDateField(
        label="To", required=False, not_in_future=True, help_text="Leave empty if it continues"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from nestguard.places.models import link_roles

        _field(self, "role").choices = _choices(link_roles())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        query, errors = clean_door_query(data.get("uprn"), data.get("postcode"), data.get("number"))
        for name, message in errors.items():
            self.add_error(name, message)
        self.query = query
        return data


class HardeningForm(GovukForm):
    measure = forms.ChoiceField(label="Measure", error_messages={"required": "Choose the measure"})
    cost = forms.CharField(
        label="Cost in pounds",
        help_text="For example, 180.50",
        error_messages={"required": "Enter the cost in pounds, like 180.50"},
    )
    funding = forms.ChoiceField(
        label="Who pays?", widget=forms.RadioSelect, error_messages={"required": "Choose who pays"}
    )
    fitted_on = GovukDateField(label="Date fitted", required=False, not_in_future=True)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from nestguard.places.models import funding_sources, hardening_measures

        _field(self, "measure").choices = [
            ("", "Choose a measure"),
            *_choices(hardening_measures()),
        ]
        _field(self, "funding").choices = _choices(funding_sources())


class RadiusForm(GovukForm):
    radius = forms.IntegerField(
        label="Radius in metres",
        required=False,
        error_messages={"invalid": "Enter the radius as a whole number of metres"},
    )

    def __init__(self, *args: Any, default: int, maximum: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default, self.maximum = default, maximum
        self.fields["radius"].help_text = f"From 1 to {maximum}; {default} if left empty"

    def clean_radius(self) -> int:
        value = self.cleaned_data.get("radius")
        if value is None:
            return self.default
        if not 1 <= value <= self.maximum:
            raise ValidationError(f"Enter a radius from 1 to {self.maximum} metres")
        return int(value)


class LeafletDoneForm(GovukForm):
    case = forms.ChoiceField(
        label="Record it on case", error_messages={"required": "Choose the case"}
    )

    def __init__(self, *args: Any, cases: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cases = {str(c.pk): c for c in cases}
        _field(self, "case").choices = [(str(c.pk), c.reference) for c in cases]


class RegisterImportForm(GovukForm):
    """The address register file an administrator uploads for the import job."""

    file = forms.FileField(
        label="Address register CSV file",
        help_text="The first row names the columns. At most 50 MB.",
        error_messages={"required": "Choose a CSV file", "empty": "The file is empty"},
    )

    def clean_file(self) -> Any:
        return check_csv_upload(self.cleaned_data["file"])
