"""Forms of the person index pages. Checks of content are the services'; these only shape."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from nestguard.core.forms import GovukForm
from nestguard.core.import_files import check_csv_upload
from nestguard.linkage.services.imports import ENCODINGS
from nestguard.linkage.services.records import FIELD_LIMITS

MAX_UPLOAD = 50 * 1024 * 1024


class ImportForm(GovukForm):
    system = forms.CharField(
        label="Which system are these records from?",
        help_text="For example, Liquidlogic LCS or the school's management information system",
        max_length=100,
        error_messages={"required": "Enter the name of the system the records come from"},
    )
    file = forms.FileField(
        label="CSV file",
        help_text="The first row names the columns. At most 50 MB.",
        error_messages={"required": "Choose a CSV file", "empty": "The file is empty"},
    )
    encoding = forms.ChoiceField(
        label="Encoding",
        choices=list(ENCODINGS.items()),
        initial="utf-8-sig",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, (label, _limit) in FIELD_LIMITS.items():
            self.fields[f"map_{name}"] = forms.CharField(
                label=f"Column for {label.lower()}",
                required=False,
                max_length=200,
                help_text="Leave blank if the column has this name: " + name,
            )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise ValidationError("The file must be smaller than 50 MB")
        return upload

    def mapping(self) -> dict[str, str] | None:
        """The columns named by the user; blank ones default to the field's own name."""
        chosen = {
            name: (self.cleaned_data.get(f"map_{name}") or "").strip() for name in FIELD_LIMITS
        }
        if not any(chosen.values()):
            return None
        return {name: column or name for name, column in chosen.items()}

    def add_service_errors(self, exc: ValidationError) -> None:
        for key, messages in exc.message_dict.items():
            target = key if key in self.fields else ("file" if key == "file" else None)
            for message in messages:
                self.add_error(target, message)


class RunForm(GovukForm):
    engine = forms.ChoiceField(
        label="Engine",
        choices=[("duckdb", "DuckDB (on this server)"), ("spark", "Apache Spark")],
        initial="duckdb",
        widget=forms.RadioSelect,
    )
    retrain = forms.BooleanField(
        label="Train the model again before linking",
        required=False,
        help_text="Otherwise the stored model is used, so the run can be compared with the last.",
    )


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Are these records the same person?",
        choices=[("confirm", "Yes, the same person"), ("reject", "No, different people")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether these records are the same person"},
    )
    reason = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def add_service_errors(self, exc: ValidationError) -> None:
        for key, messages in exc.message_dict.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)


class UndoForm(GovukForm):
    reason = forms.CharField(
        label="Why are you undoing this link?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are undoing this link"},
    )

    def add_service_errors(self, exc: ValidationError) -> None:
        for key, messages in exc.message_dict.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)


class AddressDecisionForm(GovukForm):
    uprn = forms.ChoiceField(
        label="Which address is it?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the address, or that it is none of these"},
    )

    NONE = "none"

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["uprn"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [*choices, (self.NONE, "None of these")]

    def add_service_errors(self, exc: ValidationError) -> None:
        for messages in exc.message_dict.values():
            for message in messages:
                self.add_error("uprn", message)


class ImportQueueForm(ImportForm):
    """The same questions, for a file the import job reads (decision 0088)."""

    def clean_file(self) -> Any:
        return check_csv_upload(self.cleaned_data["file"])
