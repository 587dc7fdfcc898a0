"""The directory's forms: a service's details (new services also choose their code)."""

from __future__ import annotations

from typing import Any

from django import forms

from nestguard.accounts.models import Agency
from nestguard.core.codes import code_list
from nestguard.core.forms import GovukForm, VersionField
from nestguard.directory.models import FollowUpFrom, Service
from nestguard.directory.services import NAME_MAX, SOURCE_MAX, TEXT_MAX, categories

YES_NO = [("yes", "Yes"), ("no", "No")]


def _whole(label: str, most: int, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=most, help_text=help_text,
        error_messages={"invalid": f"{label} must be a whole number"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )  # fmt: skip


def _long(label: str, *, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=required, help_text=help_text, max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip


class ServiceForm(GovukForm):
    name = forms.CharField(label="Name", max_length=NAME_MAX)
    category = forms.ChoiceField(label="Category")
    provider = forms.CharField(
        label="Provider", max_length=NAME_MAX, help_text="Who provides it, as partners say"
    )
    provider_agency = forms.ModelChoiceField(
        label="Provider agency (optional)",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Not a partner agency",
        help_text="When the provider is one of the partnership's agencies",
    )
    description = _long("What it offers", required=True)
    how_to_refer = _long("How to refer", help_text="The referral route: form, phone, email")
    min_age = _whole("Youngest age (optional)", 120, "Leave blank for no lower age")
    max_age = _whole("Oldest age (optional)", 120, "Leave blank for no upper age")
    consent_required = forms.ChoiceField(
        label="Does the service take referrals only with the person's consent?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the service needs the person's consent"},
    )
    concern_types_any = forms.MultipleChoiceField(
        label="Concerns it takes (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked when the case's concerns do not matter",
    )
    subject_roles_any = forms.MultipleChoiceField(
        label="Roles on the case it takes (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked when the person's role does not matter",
    )
    wards_any = _long("Wards it covers (optional)", help_text="One ward a line; blank for all")
    eligibility_source = forms.CharField(
        label="Source of the eligibility rules",
        max_length=SOURCE_MAX,
        required=False,
        help_text="The service's own criteria, law or guidance, or 'Local policy'",
    )
    support_levels = _long("Levels of support (optional)", help_text="One level a line")
    follow_up_months = _whole("Follow-up after (months)", 60)
    follow_up_days = _whole("and (days)", 366)
    follow_up_from = forms.ChoiceField(
        label="Counted from when",
        required=False,
        choices=[("", "No follow-up"), *FollowUpFrom.choices],
        widget=forms.RadioSelect,
    )
    follow_up_label = forms.CharField(
        label="What the follow-up is",
        max_length=NAME_MAX,
        required=False,
        help_text="For example: aftercare ends, check how they are doing",
    )
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Choose a category"), *categories().choices]  # type: ignore[attr-defined]
        self.fields["provider_agency"].queryset = Agency.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["concern_types_any"].choices = code_list("referrals", "concern_types").choices  # type: ignore[attr-defined]
        self.fields["subject_roles_any"].choices = code_list("referrals", "subject_roles").choices  # type: ignore[attr-defined]

    @staticmethod
    def initial_of(service: Service) -> dict[str, Any]:
        return {
            **{field: getattr(service, field) for field in Service.details()},
            "provider_agency": service.provider_agency_id,
            "consent_required": "yes" if service.consent_required else "no",
            "wards_any": "\n".join(service.wards_any or ()),
            "support_levels": "\n".join(service.support_levels or ()),
            "version": service.version,
        }

    def service_data(self) -> dict[str, Any]:
        """The cleaned data as the services take it."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["consent_required"] = data["consent_required"] == "yes"
        return data


class NewServiceForm(ServiceForm):
    code = forms.CharField(
        label="Code",
        max_length=60,
        help_text="How referrals name the service, fixed once added: lower-case words joined "
        "by underscores, for example youth_employment",
    )
    version = None  # type: ignore[assignment]
    field_order = ["code"]


class RetireForm(GovukForm):
    version = VersionField()
