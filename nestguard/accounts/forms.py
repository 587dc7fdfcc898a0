from django import forms

from nestguard.core.forms import GovukDateField, GovukForm


class SignInForm(GovukForm):
    username = forms.CharField(label="Username", max_length=150)
    password = forms.CharField(label="Password", max_length=200, widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code shown in your authenticator app",
        max_length=6,
        min_length=6,
        error_messages={
            "required": "Enter the 6-digit security code",
            "min_length": "The security code must be 6 digits",
            "max_length": "The security code must be 6 digits",
        },
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError("The security code must be 6 digits")
        return code


class EnrolmentCodeForm(GovukForm):
    enrolment_code = forms.CharField(
        label="Enrolment code",
        help_text="The code your administrator gave you, for example ABCD-EFGH-JKMN",
        max_length=20,
        error_messages={"required": "Enter the enrolment code your administrator gave you"},
    )


class RoleForm(GovukForm):
    role = forms.ChoiceField(
        label="Add a role",
        error_messages={
            "required": "Select a role to add",
            "invalid_choice": "Select a role the user does not have yet",
        },
    )

    def __init__(self, *args, held: frozenset[str] = frozenset(), **kwargs):  # type: ignore[no-untyped-def]
        from nestguard.accounts.models import Role

        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [("", "Choose a role")] + [
            (r.value, r.label) for r in Role if r.value not in held
        ]


class SharingAgreementForm(GovukForm):
    name = forms.CharField(label="Name of the agreement", max_length=200)
    parties = forms.MultipleChoiceField(
        label="Agencies that are parties to it",
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={"required": "Select the agencies that are parties to the agreement"},
    )
    purposes = forms.CharField(
        label="What the information is shared for", widget=forms.Textarea, max_length=2000
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the lawful basis"},
    )
    starts_on = GovukDateField(label="Start date", help_text="For example, 1 4 2026")
    review_on = GovukDateField(label="Review date")
    ends_on = GovukDateField(label="End date", required=False)

    def __init__(self, *args, agencies=(), bases=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        parties, basis = self.fields["parties"], self.fields["lawful_basis"]
        assert isinstance(parties, forms.ChoiceField) and isinstance(basis, forms.ChoiceField)
        parties.choices = [(str(a.id), a.name) for a in agencies]
        basis.choices = list(bases)
        self.fields["name"].error_messages["required"] = "Enter the name of the agreement"
        self.fields["purposes"].error_messages["required"] = (
            "Say what the information is shared for"
        )
        for name, label in (("starts_on", "the start date"), ("review_on", "the review date")):
            self.fields[name].error_messages["required"] = f"Enter {label}"


class AgreementEndForm(GovukForm):
    reason = forms.CharField(
        label="Why is the agreement ending?",
        help_text="Recorded in the audit trail with your name",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Say why the agreement is ending"},
    )
