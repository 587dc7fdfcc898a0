"""The person index in the API: agencies send source records, and anyone who may refer asks
"is this person already known, and to whom?".

- POST /api/v1/source-records/: one record of the token's user's agency, stored as sent
  (201), or the same record already held unchanged (200). Never overwrites: a changed record
  with the same id is stored beside the earlier one.
- GET /api/v1/people/matches/?given_name=&family_name=&date_of_birth=&postcode=: whether
  the person may already be known to the partnership and whom to ask at the hub; for the
  triage team and linkage reviewers, also the candidates with the evidence and the agencies
  (their agreements cover) that know them and whom to contact; never what they know
  (docs/decisions/0072-already-known-need-to-know.md). (The referral form's script asks the
  same of the page URL /person-index/matches/, with the browser's session: the API takes
  tokens only.)
- GET /api/v1/referrals/{id}/matches/: the same for each person a referral names.

While the web process is still building its candidate index both answer 503 with a
Retry-After header and {"detail": "..."} (docs/decisions/0043-candidate-index-warm-up.md);
past NESTGUARD_KNOWN_LOOKUPS_PER_HOUR new searches in an hour, 429 with Retry-After.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from nestguard.access.door import load, look_up
from nestguard.access.rules import api
from nestguard.accounts.models import User
from nestguard.api.base import (
    NestguardAPIView,
    TemporarilyUnavailable,
)
from nestguard.linkage.rules import LOOKING_UP, SENDING
from nestguard.linkage.selectors import (
    QUERY_FIELDS,
    Answer,
    Candidate,
    Lookup,
    source_record_reloaded,
    subject_values,
)
from nestguard.linkage.services.lookups import LookupsExhausted
from nestguard.linkage.services.records import source_record_receive
from nestguard.referrals.models import Referral


class SourceRecordInSerializer(serializers.Serializer):
    system = serializers.CharField(help_text="The agency's system the record comes from")
    record_id = serializers.CharField(help_text="The record's id in that system")
    given_name = serializers.CharField(required=False, allow_blank=True)
    family_name = serializers.CharField(required=False, allow_blank=True)
    date_of_birth = serializers.CharField(
        required=False, allow_blank=True, help_text="YYYY-MM-DD, YYYY-MM or YYYY (or DD/MM/YYYY)"
    )
    sex = serializers.CharField(required=False, allow_blank=True)
    address_line1 = serializers.CharField(required=False, allow_blank=True)
    address_line2 = serializers.CharField(required=False, allow_blank=True)
    town = serializers.CharField(required=False, allow_blank=True)
    postcode = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    identifier = serializers.CharField(required=False, allow_blank=True)
    contact_name = serializers.CharField(required=False, allow_blank=True)
    contact_email = serializers.CharField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(required=False, allow_blank=True)


class SourceRecordOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    agency = serializers.CharField(source="agency.name")
    system = serializers.CharField()
    record_id = serializers.CharField()
    received_at = serializers.DateTimeField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.CharField(
        help_text="The date as parsed; blank when what was sent is not a real date"
    )
    date_of_birth_given = serializers.CharField(
        help_text="The date of birth exactly as sent (kept and compared as text when not real)"
    )
    sex = serializers.CharField()
    address_line1 = serializers.CharField()
    address_line2 = serializers.CharField()
    town = serializers.CharField()
    postcode = serializers.CharField()
    phone = serializers.CharField()
    identifier = serializers.CharField()
    contact_name = serializers.CharField()
    contact_email = serializers.CharField()
    contact_phone = serializers.CharField()


class SourceRecordWarningSerializer(serializers.Serializer):
    field = serializers.CharField()
    message = serializers.CharField()


class SourceRecordReceivedSerializer(SourceRecordOutSerializer):
    warnings = SourceRecordWarningSerializer(
        many=True,
        help_text="Values kept as sent but not understood (a date of birth that is not real)",
    )


class SourceRecordCreate(NestguardAPIView):
    """Send one person record of your agency to the person index."""

    access_rule = api(SENDING)

    @extend_schema(
        operation_id="source_records_create",
        summary="Send a person record of your agency to the person index",
        request=SourceRecordInSerializer,
        responses={
            201: SourceRecordReceivedSerializer,
            200: OpenApiResponse(SourceRecordReceivedSerializer, description="Already held"),
            400: OpenApiResponse(description="Field errors"),
            401: OpenApiResponse(description="No valid token"),
            403: OpenApiResponse(description="The token's user may not send records"),
        },
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        if not isinstance(request.data, dict):
            return Response({"non_field_errors": ["Send a JSON object"]}, status=400)
        values = {k: v for k, v in data.items() if k != "system"}
        record, created, doubts = source_record_receive(
            actor=request.user, system=data.get("system"), values=values, purpose="API"
        )
        record = source_record_reloaded(record)
        body = dict(SourceRecordOutSerializer(record).data)
        body["warnings"] = [{"field": name, "message": text} for name, text in doubts.items()]
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()


class KnownBySerializer(serializers.Serializer):
    agency_id = serializers.UUIDField(source="agency.pk")
    agency = serializers.CharField(source="agency.name")
    agency_type = serializers.CharField(source="agency.type")
    contacts = ContactSerializer(many=True)


class EvidenceSerializer(serializers.Serializer):
    field = serializers.CharField()
    comparison = serializers.CharField()


class CandidateSerializer(serializers.Serializer):
    index_entry = serializers.UUIDField(source="cluster_id")
    match_probability = serializers.FloatField()
    match_weight = serializers.FloatField()
    evidence = serializers.SerializerMethodField()
    known_to = KnownBySerializer(many=True)
    people = serializers.SerializerMethodField(
        help_text="Nestguard people in this entry that you may see (name and link only)"
    )

    def get_evidence(self, candidate: Candidate) -> list[dict[str, str]]:
        return [{"field": f, "comparison": c} for f, c in candidate.evidence_rows]

    def get_people(self, candidate: Candidate) -> list[dict[str, str]]:
        out = []
        for person in candidate.people:
            try:
                url = reverse("people:detail", args=[person.pk])
            except NoReverseMatch:
                url = ""
            out.append({"id": str(person.pk), "display_name": person.display_name, "url": url})
        return out


NOT_READY = OpenApiResponse(
    description="The check is starting (or briefly unavailable): ask again after Retry-After "
    'seconds. Body: {"detail": "..."}'
)
TOO_MANY = OpenApiResponse(
    description="More new searches in the last hour than NESTGUARD_KNOWN_LOOKUPS_PER_HOUR: "
    'ask again after Retry-After seconds. Body: {"detail": "..."}'
)


class TooManyLookups(exceptions.APIException):
    """429 with Retry-After (DRF writes the header from `wait`) and the page's own words."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "too_many_lookups"

    def __init__(self, refused: LookupsExhausted) -> None:
        super().__init__(refused.message)
        self.wait = refused.retry_after


def token_user(request: Request) -> User:
    """The token's user, once the view's access rule has let them in (never anonymous)."""
    return cast("User", request.user)


def unless_waiting(lookup: Lookup) -> None:
    if lookup.waiting:
        raise TemporarilyUnavailable(lookup.message, retry_after=lookup.retry_after)


class HubContactSerializer(ContactSerializer):
    agency = serializers.CharField(help_text="The hub agency")
    team = serializers.CharField(help_text="Whom to ask there: its triage team")


ANSWER_HELP = (
    "not_checked (no linkage model yet), no_match, or may_be_known: someone in the person "
    "index may be this person. Ask the hub (`ask`) to learn more."
)
ASK_HELP = "Whom to ask at the hub: its triage team. The same whatever the answer."
CANDIDATES_HELP = (
    "Only for the triage team and linkage reviewers, and only agencies their agency shares "
    "an active sharing agreement with; always empty for a referrer"
)


class MatchesSerializer(serializers.Serializer):
    ready = serializers.BooleanField(help_text="False until a linkage model has been trained")
    answer = serializers.ChoiceField(choices=[a.value for a in Answer], help_text=ANSWER_HELP)
    ask = HubContactSerializer(many=True, help_text=ASK_HELP)
    candidates = CandidateSerializer(many=True, help_text=CANDIDATES_HELP)


def lookup_values(params: Any) -> tuple[dict[str, str], dict[str, list[str]]]:
    values: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for name in QUERY_FIELDS:
        value = params.get(name, "")
        if len(value) > 200:
            errors[name] = ["Must be 200 characters or fewer"]
        values[name] = value.strip()
    return values, errors


class PeopleMatches(NestguardAPIView):
    """Is this person already known? And, to those who may be told, to whom?"""

    access_rule = api(LOOKING_UP)

    @extend_schema(
        operation_id="people_matches",
        summary="Whether a person may already be known, and whom to ask at the hub",
        parameters=[OpenApiParameter(name, str, required=False) for name in QUERY_FIELDS],
        responses={
            200: MatchesSerializer,
            400: OpenApiResponse(description="A value too long"),
            401: OpenApiResponse(description="No valid token"),
            403: OpenApiResponse(description="The token's user may not look people up"),
            429: TOO_MANY,
            503: NOT_READY,
        },
    )
    def get(self, request: Request) -> Response:
        values, errors = lookup_values(request.query_params)
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            lookup = look_up(
                token_user(request), "already_known", values, purpose="already_known"
            ).result
        except LookupsExhausted as refused:
            raise TooManyLookups(refused) from refused
        unless_waiting(lookup)
        return Response(MatchesSerializer(lookup).data)


class SubjectMatchesSerializer(serializers.Serializer):
    subject_id = serializers.UUIDField(source="subject.pk")
    given_name = serializers.CharField(source="subject.given_name")
    family_name = serializers.CharField(source="subject.family_name")
    ready = serializers.BooleanField(source="lookup.ready")
    answer = serializers.ChoiceField(
        source="lookup.answer", choices=[a.value for a in Answer], help_text=ANSWER_HELP
    )
    ask = HubContactSerializer(many=True, source="lookup.ask", help_text=ASK_HELP)
    candidates = CandidateSerializer(
        many=True, source="lookup.candidates", help_text=CANDIDATES_HELP
    )


class ReferralMatches(NestguardAPIView):
    """Whether the people a referral names may already be known: for its referrer and
    whoever may see the referral in full (the triage team, the case team)."""

    access_rule = api(LOOKING_UP)

    @extend_schema(
        operation_id="referrals_matches",
        summary="For each person a referral names, whether they may already be known",
        responses={
            200: SubjectMatchesSerializer(many=True),
            401: OpenApiResponse(description="No valid token"),
            404: OpenApiResponse(description="No such referral, or not one you may see"),
            429: TOO_MANY,
            503: NOT_READY,
        },
    )
    def get(self, request: Request, pk: Any) -> Response:
        try:
            referral = load(request.user, Referral, pk, purpose="partner_system")
        except Http404:
            referral = load(request.user, Referral, pk, purpose="own_referral")
        subjects = list(referral.subjects.filter(identity_unknown=False).order_by("created_at"))
        try:
            # All of them are shown and audited, or none (the index starting, the limit).
            lookups = look_up(
                token_user(request),
                "already_known_all",
                [subject_values(s) for s in subjects],
                purpose="already_known",
            ).result
        except LookupsExhausted as refused:
            raise TooManyLookups(refused) from refused
        for lookup in lookups:
            unless_waiting(lookup)
        rows = [
            {"subject": s, "lookup": lookup} for s, lookup in zip(subjects, lookups, strict=True)
        ]
        return Response(SubjectMatchesSerializer(rows, many=True).data)
