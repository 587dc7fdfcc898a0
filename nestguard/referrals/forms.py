"""One form per page of the referral and triage journeys.

Forms read and type-check what was posted; the services decide what is valid (the same rules
for pages and the API) and their messages are shown against these fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from nestguard.accounts.models import lawful_bases
from nestguard.core.forms import GovukDateField, GovukForm, VersionField
from nestguard.core.pages import apply_service_errors
from nestguard.referrals import codes as rc
from nestguard.referrals.models import ConsentStatus, TriageDecision

YES_NO = [("yes", "Yes"), ("no", "No")]


def text_field(
    label: str,
    max_length: int,
    *,
    required: bool = True,
    required_message: str = "",
    textarea: bool = False,
    help_text: str = "",
) -> forms.CharField:
    messages = {"max_length": f"{label} must be {max_length} characters or fewer"}
    if required_message:
        messages["required"] = required_message
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        strip=True,
        help_text=help_text,
        error_messages=messages,
        widget=forms.Textarea if textarea else forms.TextInput,
    )


def radios(label: str, choices: Any, message: str, *, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": message, "invalid_choice": message},
    )


class ReferralForm(GovukForm):
    """A page of the journey; the service's field errors land on the fields of the same name."""

    # service error key -> form field, where they differ
    error_fields: dict[str, str] = {}

    def add_service_errors(self, exc: ValidationError) -> None:
        apply_service_errors(self, exc, self.error_fields)

    def drop_errors(self, *names: str) -> None:
        for name in names:
            self._errors.pop(name, None)  # type: ignore[attr-defined]


class YourDetailsForm(ReferralForm):
    job_title = text_field("Your job title", 200, required_message="Enter your job title")
    phone = text_field(
        "Telephone number",
        40,
        required_message="Enter a telephone number triage can reach you on",
        help_text="Triage may call you to ask about what you saw",
    )


class PersonForm(ReferralForm):
    role = radios(
        "What is their part in this?",
        (),
        "Select the person's role",
        help_text="If you are not sure, choose 'Person at risk'",
    )
    given_name = text_field("First name", 100, required=False)
    family_name = text_field("Last name", 100, required=False)
    aliases = text_field(
        "Other names they are known by",
        300,
        required=False,
        help_text="Nicknames, street names or other spellings, separated by commas",
    )
    identity_unknown = forms.BooleanField(
        label="I do not know who this person is",
        required=False,
        help_text="For example, a visitor you have seen but cannot name",
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        not_in_future=True,
        help_text="For example, 27 3 2007",
    )
    age_estimate = forms.IntegerField(
        label="Or their age, as far as you can tell",
        required=False,
        help_text="In years, if you do not know their date of birth",
        error_messages={"invalid": "Age estimate must be a whole number of years"},
    )
    description = text_field(
        "Description",
        2000,
        required=False,
        textarea=True,
        help_text="What they look like, where they are seen, anything that helps identify them",
    )
    phones = text_field(
        "Their phone numbers",
        1000,
        required=False,
        textarea=True,
        help_text="One a line, like 07700 900123. Include any number you have seen them use.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = rc.subject_roles().choices


class AddAnotherForm(ReferralForm):
    add_another = radios(
        "Do you need to add another person?", YES_NO, "Select yes if you need to add another person"
    )


class RemovePersonForm(ReferralForm):
    confirm = radios("", YES_NO, "Select yes if you want to remove this person")


class AddressForm(ReferralForm):
    line1 = text_field(
        "Address line 1",
        200,
        required_message="Enter address line 1, typically the building and street",
    )
    line2 = text_field("Address line 2", 200, required=False)
    town = text_field("Town or city", 100, required_message="Enter the town or city")
    postcode = text_field("Postcode", 20, required_message="Enter a postcode")
    not_known = forms.BooleanField(
        label="There is no fixed address, or I do not know it", required=False
    )
    not_known_reason = text_field(
        "Why is there no address?",
        1000,
        textarea=True,
        required_message="Say why there is no address, for example 'sleeping rough' or 'not known'",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("not_known"):
            self.drop_errors("line1", "line2", "town", "postcode")
        else:
            self.drop_errors("not_known_reason")
        return data


class ConcernTypesForm(ReferralForm):
    concern_types = forms.MultipleChoiceField(
        label="What kind of exploitation are you worried about?",
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={
            "required": "Select at least one kind of exploitation you are worried about",
            "invalid_choice": "Select the kinds of exploitation from the list",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["concern_types"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = rc.concern_types().choices


class SignsForm(ReferralForm):
    indicators = forms.MultipleChoiceField(
        label="Which signs did you see?",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply. These are the signs for the concerns you chose.",
        error_messages={"invalid_choice": "Select the signs from the list"},
    )
    signs_text = text_field(
        "What did you see or hear?",
        5000,
        required=False,
        textarea=True,
        help_text="What happened, when, and who was there. Say where your information comes "
        "from if you did not see it yourself.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicators"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = rc.indicators().choices


class UrgencyForm(ReferralForm):
    urgency = radios("How urgent is this?", (), "Select how urgent this is")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["urgency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = rc.urgency_levels().choices


class ConsentForm(ReferralForm):
    lawful_basis = radios(
        "What is your lawful basis for sharing this information?",
        (),
        "Select the lawful basis for sharing this information",
        help_text="If you are not sure, most safeguarding referrals rely on "
        "'Safeguarding of children and individuals at risk'",
    )
    consent = radios(
        "Does the person know about this referral and agree to it?",
        ConsentStatus.choices,
        "Select whether the person agreed to this referral",
    )
    consent_reason = radios(
        "If they did not agree, why are you referring without their consent?",
        (),
        "Select why you are referring without the person's consent",
    )
    consent_notes = text_field("Notes on consent", 2000, required=False, textarea=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        basis = self.fields["lawful_basis"]
        reason = self.fields["consent_reason"]
        assert isinstance(basis, forms.ChoiceField) and isinstance(reason, forms.ChoiceField)
        basis.choices = lawful_bases().choices
        reason.choices = rc.consent_reasons().choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("consent") == ConsentStatus.GIVEN or "consent" not in data:
            self.drop_errors("consent_reason")
        return data


class TriageForm(ReferralForm):
    decision = radios("What is your decision?", TriageDecision.choices, "Select a decision")
    reason_code = forms.ChoiceField(
        label="Why are you declining it?",
        error_messages={
            "required": "Select why you are declining the referral",
            "invalid_choice": "Select why you are declining the referral",
        },
    )
    redirect_to = forms.ChoiceField(
        label="Where are you sending it?",
        error_messages={
            "required": "Select the service you are sending the referral to",
            "invalid_choice": "Select the service you are sending the referral to",
        },
    )
    case_reference = text_field(
        "Case reference",
        20,
        required_message="Enter the reference of the case to add this referral to",
        help_text="For example, CASE-000123",
    )
    reason = text_field(
        "Reason",
        5000,
        required=False,
        textarea=True,
        help_text="Required if you decline or redirect. The referrer will see this, so write "
        "it for them.",
    )
    version = VersionField()
    error_fields = {"case": "case_reference"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reason = self.fields["reason_code"]
        target = self.fields["redirect_to"]
        assert isinstance(reason, forms.ChoiceField) and isinstance(target, forms.ChoiceField)
        reason.choices = [("", "Choose a reason"), *rc.decline_reasons().choices]
        target.choices = [("", "Choose a service"), *rc.redirect_targets().choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if decision != TriageDecision.DECLINE:
            self.drop_errors("reason_code")
        if decision != TriageDecision.REDIRECT:
            self.drop_errors("redirect_to")
        if decision != TriageDecision.MERGE:
            self.drop_errors("case_reference")
        return data


class QueueFilterForm(forms.Form):
    concern = forms.ChoiceField(label="Concern type", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["concern"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "All concern types"), *rc.concern_types().choices]
