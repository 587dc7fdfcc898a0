"""GET /api/v1/people/{id}/: one person, as the token's user may see them; PATCH records
their equality monitoring details (sex, gender identity, ethnicity; decision 0091).

The same reads as the person page (`nestguard.people.selectors.person_profile`): roles are
given only with the cases the user may see, and "also known to" names only the agencies holding
a case or triage referral about the person whose involvement the user may know (decision
0079), with the records the user may see of theirs and nothing more; `ask` says whom to ask at
the hub about anything other partners may hold, the same for everyone.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from nestguard.access.door import load
from nestguard.access.rules import CASEWORK, api
from nestguard.api.base import NestguardAPIView
from nestguard.api.linkage import HubContactSerializer
from nestguard.people import equality
from nestguard.people.models import Person
from nestguard.people.selectors import KnownTo, person_profile
from nestguard.people.services import person_equality_record

EQUALITY_HELP = (
    "Equality monitoring only, never used to assess risk (decision 0091): a code of the "
    'people/data code list of this name (ONS 2021 census), or "" when not recorded'
)


def _equality_field(name: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=[*equality.codes(name).values, ""], required=False, help_text=EQUALITY_HELP
    )


class EqualitySerializer(serializers.Serializer):
    """PATCH body: any of the three fields; "" clears one. Any other key is refused."""

    sex = _equality_field("sex")
    gender_identity = _equality_field("gender_identity")
    ethnicity = _equality_field("ethnicity")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(equality.EQUALITY_FIELDS))
        if unknown:
            raise serializers.ValidationError(
                {
                    name: ["Only sex, gender_identity and ethnicity may be changed"]
                    for name in unknown
                }
            )
        if not attrs:
            raise serializers.ValidationError(
                "Send at least one of sex, gender_identity, ethnicity"
            )
        return attrs


class PersonCaseSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="case.pk")
    reference = serializers.CharField(source="case.reference")
    status = serializers.CharField(source="case.status")
    lead_agency = serializers.CharField(source="case.lead_agency.name")
    opened_at = serializers.DateTimeField(source="case.opened_at")
    roles = serializers.ListField(
        child=serializers.CharField(),
        help_text="This person's roles in this case (subject_roles codes)",
    )


class PersonReferralSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="referral.pk")
    reference = serializers.CharField(source="referral.reference")
    status = serializers.CharField(source="referral.status")
    referrer_agency = serializers.CharField(source="referral.referrer_agency.name")
    submitted_at = serializers.DateTimeField(source="referral.submitted_at")
    roles = serializers.ListField(child=serializers.CharField())


class KnownToSerializer(serializers.Serializer):
    agency_id = serializers.UUIDField(source="agency.pk")
    agency = serializers.CharField(source="agency.name")
    agency_type = serializers.CharField(source="agency.type")
    contact_name = serializers.CharField(source="agency.contact_name")
    contact_phone = serializers.CharField(source="agency.contact_phone")
    contact_email = serializers.CharField(source="agency.contact_email")
    cases = serializers.SerializerMethodField(
        help_text="References of this agency's cases about the person that you may see"
    )
    referrals = serializers.SerializerMethodField(
        help_text="References of this agency's referrals about the person that you may see"
    )

    def get_cases(self, instance: KnownTo) -> list[str]:
        return [case.reference for case in instance.cases]

    def get_referrals(self, instance: KnownTo) -> list[str]:
        return [referral.reference for referral in instance.referrals]


class PersonSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="person.pk")
    display_name = serializers.CharField(source="person.display_name")
    given_name = serializers.CharField(source="person.given_name")
    family_name = serializers.CharField(source="person.family_name")
    aliases = serializers.ListField(child=serializers.CharField())
    date_of_birth = serializers.DateField(source="person.date_of_birth", allow_null=True)
    age_estimate = serializers.IntegerField(source="person.age_estimate", allow_null=True)
    age = serializers.IntegerField(
        source="age_now.years",
        allow_null=True,
        help_text="Age today: exact from the date of birth, or the estimate grown since recorded",
    )
    age_is_estimated = serializers.BooleanField(source="age_now.estimated")
    identity_unknown = serializers.BooleanField(source="person.identity_unknown")
    description = serializers.CharField(source="person.description")
    sex = serializers.CharField(source="person.sex", help_text=EQUALITY_HELP)
    gender_identity = serializers.CharField(
        source="person.gender_identity", help_text=EQUALITY_HELP
    )
    ethnicity = serializers.CharField(source="person.ethnicity", help_text=EQUALITY_HELP)
    cases = PersonCaseSerializer(many=True)
    referrals = PersonReferralSerializer(many=True)
    also_known_to = KnownToSerializer(
        many=True,
        source="known_to",
        help_text=(
            "Agencies holding a case or triage referral about the person, limited to the "
            "lead and team agencies of the cases here, the agencies your agency shares an "
            "active sharing agreement with, and your own. Any other agency is never named "
            "or counted: other partners may hold information, ask the hub (`ask`)."
        ),
    )
    ask = HubContactSerializer(
        many=True,
        help_text="Whom to ask at the hub (its triage team). The same whatever is held.",
    )


class PersonDetailAPIView(NestguardAPIView):
    """One person, as the token's user may see them (the person page's rules).

    `cases` and `referrals` hold only the records the user may see, with the person's roles
    in each. `also_known_to` names the agencies holding a case or triage referral about the
    person whose involvement the user may know (the lead and team agencies of those cases,
    the agencies sharing an active agreement with the user's, and the user's own), with
    their contacts; under each, only the references the user may see. `ask` is whom to ask
    at the hub about what other partners may hold, the same for everyone. A person the
    user may not see answers 404, exactly like one that does not exist. Audited as
    `person.view`.
    """

    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="people_retrieve",
        summary="A person, with their roles in the cases you may see, and who else knows them",
        responses={
            200: PersonSerializer,
            401: OpenApiResponse(description="No valid token"),
            403: OpenApiResponse(description="The token's user is not a caseworker or supervisor"),
            404: OpenApiResponse(description="No such person, or not one you may see"),
        },
    )
    def get(self, request: Request, pk: Any) -> Response:
        person = load(request.user, Person, pk, purpose="partner_system")
        profile = person_profile(request.user, person)
        return Response(PersonSerializer(profile).data)

    @extend_schema(
        operation_id="people_equality_update",
        summary="Record a person's equality monitoring details (sex, gender identity, ethnicity)",
        request=EqualitySerializer,
        responses={
            200: PersonSerializer,
            400: OpenApiResponse(description="An unknown code or field, with field errors"),
            401: OpenApiResponse(description="No valid token"),
            403: OpenApiResponse(description="The token's user is not a caseworker or supervisor"),
            404: OpenApiResponse(description="No such person, or not one you may see"),
        },
    )
    def patch(self, request: Request, pk: Any) -> Response:
        """Equality monitoring only, never used to assess risk; audited as
        `person.equality_record` (the fields changed, not their values)."""
        person = load(request.user, Person, pk, purpose="partner_system")
        body = EqualitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person_equality_record(
            actor=request.user,
            person=person,
            purpose="Equality monitoring, from a partner system",
            **body.validated_data,
        )
        profile = person_profile(request.user, person)
        return Response(PersonSerializer(profile).data)
