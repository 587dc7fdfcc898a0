"""The person index in the API: agencies send source records, and anyone who may refer asks
"is this person already known, and to whom?".

- POST /api/v1/source-records/: one record of the token's user's agency, stored as sent
  (201), or the same record already held unchanged (200). Never overwrites: a changed record
  with the same id is stored beside the earlier one.
- GET /api/v1/people/matches/?given_name=&family_name=&date_of_birth=&postcode=: candidates
  with the evidence and the agencies that know them and whom to contact; not what they know.
  (The referral form's script asks the same of the page URL /person-index/matches/, with
  the browser's session: the API takes tokens only.)
- GET /api/v1/referrals/{id}/matches/: the same for each person a referral names.

While the web process is still building its candidate index both answer 503 with a
Retry-After header and {"detail": "..."} (docs/decisions/0043-candidate-index-warm-up.md).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from nestguard.access.door import load, look_up
from nestguard.access.rules import api
from nestguard.api.base import (
    NestguardAPIView,
    TemporarilyUnavailable,
    validation_error_response,
)
from nestguard.linkage.rules import LOOKING_UP, SENDING
from nestguard.linkage.selectors import (
    QUERY_FIELDS,
    Candidate,
    Lookup,
    source_record_reloaded,
    subject_values,
)
from nestguard.linkage.services.records import source_record_create
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
    date_of_birth = serializers.CharField()
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


class SourceRecordCreate(NestguardAPIView):
    """Send one person record of your agency to the person index."""

    access_rule = api(SENDING)

    @extend_schema(
        operation_id="source_records_create",
        summary="Send a person record of your agency to the person index",
        request=SourceRecordInSerializer,
        responses={
            201: SourceRecordOutSerializer,
            200: OpenApiResponse(SourceRecordOutSerializer, description="Already held"),
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
        try:
            record, created = source_record_create(
                actor=request.user, system=data.get("system"), values=values, purpose="API"
            )
        except DjangoValidationError as exc:
            return validation_error_response(exc)
        record = source_record_reloaded(record)
        return Response(
            SourceRecordOutSerializer(record).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


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


def unless_waiting(lookup: Lookup) -> None:
    if lookup.waiting:
        raise TemporarilyUnavailable(lookup.message, retry_after=lookup.retry_after)


class MatchesSerializer(serializers.Serializer):
    ready = serializers.BooleanField(help_text="False until a linkage model has been trained")
    candidates = CandidateSerializer(many=True)


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
    """Is this person already known, and to whom?"""

    access_rule = api(LOOKING_UP)

    @extend_schema(
        operation_id="people_matches",
        summary="Candidate matches for a person, with the agencies that know them",
        parameters=[OpenApiParameter(name, str, required=False) for name in QUERY_FIELDS],
        responses={
            200: MatchesSerializer,
            400: OpenApiResponse(description="A value too long"),
            401: OpenApiResponse(description="No valid token"),
            403: OpenApiResponse(description="The token's user may not look people up"),
            503: NOT_READY,
        },
    )
    def get(self, request: Request) -> Response:
        values, errors = lookup_values(request.query_params)
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        lookup = look_up(request.user, "already_known", values, purpose="already_known").result
        unless_waiting(lookup)
        return Response(MatchesSerializer(lookup).data)


class SubjectMatchesSerializer(serializers.Serializer):
    subject_id = serializers.UUIDField(source="subject.pk")
    given_name = serializers.CharField(source="subject.given_name")
    family_name = serializers.CharField(source="subject.family_name")
    ready = serializers.BooleanField(source="lookup.ready")
    candidates = CandidateSerializer(many=True, source="lookup.candidates")


class ReferralMatches(NestguardAPIView):
    """Who already knows the people a referral names: for its referrer and whoever may see
    the referral in full (the triage team, the case team)."""

    access_rule = api(LOOKING_UP)

    @extend_schema(
        operation_id="referrals_matches",
        summary="Candidate matches for each person a referral names, with who knows them",
        responses={
            200: SubjectMatchesSerializer(many=True),
            401: OpenApiResponse(description="No valid token"),
            404: OpenApiResponse(description="No such referral, or not one you may see"),
            503: NOT_READY,
        },
    )
    def get(self, request: Request, pk: Any) -> Response:
        try:
            referral = load(request.user, Referral, pk, purpose="partner_system")
        except Http404:
            referral = load(request.user, Referral, pk, purpose="own_referral")
        subjects = list(referral.subjects.filter(identity_unknown=False).order_by("created_at"))
        # The index is ready for all of them or for none: a waiting index answers 503 before
        # the first lookup is shown (and a lookup that could not run is not audited).
        lookups = [
            look_up(request.user, "already_known", subject_values(s), purpose="already_known")
            for s in subjects
        ]
        for answer in lookups:
            unless_waiting(answer.result)
        lookups = [answer.result for answer in lookups]
        rows = [
            {"subject": s, "lookup": lookup} for s, lookup in zip(subjects, lookups, strict=True)
        ]
        return Response(SubjectMatchesSerializer(rows, many=True).data)
