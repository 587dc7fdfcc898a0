"""Pathways for partner systems: missing episodes, NRM referrals and onward referrals.

The same services as the pages: serializers check shapes and types, the services check meaning
and permission and write the audit trail. People and cases named in a body must be ones the
token's user may see; any other id is refused exactly as one that does not exist. See
docs/api.md (section "Pathways").
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from nestguard.access.door import load, record_list, visible
from nestguard.access.rules import CASEWORK, api
from nestguard.api.base import NestguardAPIView
from nestguard.api.pagination import Pagination, page_of
from nestguard.cases.models import Case
from nestguard.pathways import policy, rules, selectors
from nestguard.pathways.models import MissingEpisode, NrmReferral, OnwardReferral
from nestguard.pathways.services import missing, nrm, onward
from nestguard.people.models import Person

API_PURPOSE = "partner_system"
_NOT_FOUND = OpenApiResponse(description="No such record, or not one the token's user may see")
_BAD = OpenApiResponse(description="Field errors; nothing was written")
_DENIED = OpenApiResponse(
    description="The user's organisation or part in the case does not allow it"
)
NO_PERSON = "No person with this id that you may see"
NO_CASE = "No case with this id that you may see"


class TextField(serializers.CharField):
    """Text must be sent as text: a number or a list is a mistake, not something to coerce."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


def _codes(name: str) -> list[str]:
    return policy.codes(name).values


class PersonRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField(source="display_name")


class CaseRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()


def _lookups(request: Request, data: dict[str, Any]) -> tuple[Any, Any, dict[str, list[str]]]:
    """The person and the case a body names, from what the user may see."""
    errors: dict[str, list[str]] = {}
    person = visible(request.user, Person).filter(pk=data["person_id"]).first()
    if person is None:
        errors["person_id"] = [NO_PERSON]
    case = None
    if data.get("case_id") is not None:
        case = visible(request.user, Case).filter(pk=data["case_id"]).first()
        if case is None:
            errors["case_id"] = [NO_CASE]
    return person, case, errors


def _page(request: Request, view: Any, rows: QuerySet[Any], out: Any) -> Response:
    paginator = Pagination()
    page = list(paginator.paginate_queryset(rows, request, view=view) or [])
    record_list(request.user, rows.model, page, purpose=API_PURPOSE)
    return paginator.get_paginated_response(out(page, many=True).data)


# ---------------------------------------------------------------------------------------------
# Missing episodes


class ReturnInterviewOutSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    offered_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    interviewer_independent = serializers.BooleanField()
    themes = serializers.ListField(child=serializers.CharField())


class FoundAddressOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    address = serializers.CharField(source="one_line")
    in_register = serializers.BooleanField()


class MissingEpisodeOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    person = PersonRefSerializer()
    case = CaseRefSerializer(allow_null=True)
    report_type = serializers.CharField()
    risk_grade = serializers.CharField()
    category = serializers.CharField()
    care_status = serializers.CharField()
    age_at_start = serializers.IntegerField(allow_null=True)
    started_at = serializers.DateTimeField()
    reported_at = serializers.DateTimeField()
    police_reference = TextField()
    returned_at = serializers.DateTimeField(allow_null=True)
    found_by = serializers.CharField()
    found_location = serializers.CharField()
    found_address = FoundAddressOutSerializer(
        allow_null=True, help_text="The address where they were found, if one was given"
    )
    safe_and_well_at = serializers.DateTimeField(allow_null=True)
    harm = serializers.ListField(child=serializers.CharField())
    return_interview_due_at = serializers.SerializerMethodField()
    return_interview_overdue = serializers.SerializerMethodField()
    return_interview = serializers.SerializerMethodField()

    def _clock(self, episode: Any) -> Any:
        return selectors.rhi_clock(episode, selectors.return_interview_of(episode))

    def get_return_interview_due_at(self, episode: Any) -> str | None:
        due = episode.rhi_due_at(policy.rhi_hours())
        return due.isoformat() if due else None

    def get_return_interview_overdue(self, episode: Any) -> bool:
        return self._clock(episode).overdue()

    @extend_schema_field(ReturnInterviewOutSerializer(allow_null=True))
    def get_return_interview(self, episode: Any) -> dict[str, Any] | None:
        interview = selectors.return_interview_of(episode)
        return ReturnInterviewOutSerializer(interview).data if interview else None  # type: ignore[return-value]


class MissingEpisodeInSerializer(serializers.Serializer):
    person_id = serializers.UUIDField()
    case_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    report_type = serializers.ChoiceField(choices=_codes("report_types"))
    risk_grade = serializers.ChoiceField(choices=_codes("missing_risk_grades"))
    category = serializers.ChoiceField(choices=_codes("missing_categories"))
    care_status = serializers.ChoiceField(choices=_codes("care_statuses"))
    started_at = serializers.DateTimeField(help_text="ISO 8601 with its UTC offset")
    reported_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    police_reference = TextField(required=False, allow_blank=True, default="", max_length=40)
    circumstances = TextField(required=False, allow_blank=True, default="", trim_whitespace=False)


class MissingEpisodeListCreate(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="missing_episodes_list",
        summary="Missing episodes the token's user may see, newest first",
        parameters=[
            OpenApiParameter("person_id", str, description="Only this person's episodes"),
            OpenApiParameter("limit", int), OpenApiParameter("offset", int),
        ],
        responses=page_of(MissingEpisodeOutSerializer, "MissingEpisodePage"),
    )  # fmt: skip
    def get(self, request: Request) -> Response:
        rows = visible(request.user, MissingEpisode).select_related("person", "case")
        person_id = request.query_params.get("person_id")
        if person_id:
            try:
                rows = rows.filter(person_id=serializers.UUIDField().to_internal_value(person_id))
            except serializers.ValidationError:
                return Response({"person_id": ["Give a person's id"]}, status=400)
        rows = rows.order_by("-started_at")
        return _page(request, self, rows, MissingEpisodeOutSerializer)

    @extend_schema(
        operation_id="missing_episodes_create",
        summary="Record a missing episode for a person the user may see",
        request=MissingEpisodeInSerializer,
        responses={201: MissingEpisodeOutSerializer, 400: _BAD, 403: _DENIED},
    )
    def post(self, request: Request) -> Response:
        body = MissingEpisodeInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        person, case, errors = _lookups(request, data)
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        episode = missing.missing_episode_record(
            actor=request.user, person=person, case=case, report_type=data["report_type"],
            risk_grade=data["risk_grade"], category=data["category"],
            care_status=data["care_status"], started_at=data["started_at"],
            reported_at=data["reported_at"], police_reference=data["police_reference"],
            circumstances=data["circumstances"],
        )  # fmt: skip
        return Response(MissingEpisodeOutSerializer(episode).data, status=status.HTTP_201_CREATED)


def _optional_text(max_length: int, help_text: str = "") -> TextField:
    return TextField(
        required=False, allow_blank=True, default="", max_length=max_length, help_text=help_text
    )


class MissingReturnInSerializer(serializers.Serializer):
    returned_at = serializers.DateTimeField(help_text="ISO 8601 with its UTC offset")
    found_by = serializers.ChoiceField(choices=_codes("found_by"))
    found_location = _optional_text(200, "Where they were found, in words")
    found_address_line1 = _optional_text(
        200, "The address where they were found (optional; with its postcode)"
    )
    found_address_line2 = _optional_text(200)
    found_address_town = _optional_text(100)
    found_address_postcode = _optional_text(20, "A UK postcode, like NB1 2AB")
    safe_and_well_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    safe_and_well_by = _optional_text(200)
    harm = serializers.ListField(
        child=serializers.ChoiceField(choices=_codes("harm_kinds")), required=False, default=list
    )
    harm_details = TextField(required=False, allow_blank=True, default="", trim_whitespace=False)


class MissingEpisodeReturn(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="missing_episodes_return",
        summary="Record the return of a missing person: when, by whom and where they were found",
        request=MissingReturnInSerializer,
        responses={200: MissingEpisodeOutSerializer, 400: _BAD, 403: _DENIED, 404: _NOT_FOUND},
    )
    def post(self, request: Request, pk: Any) -> Response:
        episode = load(request.user, MissingEpisode, pk, purpose=API_PURPOSE)
        body = MissingReturnInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        episode = missing.missing_episode_return(
            actor=request.user, episode=episode, **body.validated_data
        )
        return Response(MissingEpisodeOutSerializer(episode).data)


class MissingEpisodeDetail(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="missing_episodes_retrieve",
        summary="One missing episode with its return and return home interview",
        responses={200: MissingEpisodeOutSerializer, 404: _NOT_FOUND},
    )
    def get(self, request: Request, pk: Any) -> Response:
        episode = load(
            request.user,
            MissingEpisode,
            pk,
            purpose=API_PURPOSE,
        )
        return Response(MissingEpisodeOutSerializer(episode).data)


# ---------------------------------------------------------------------------------------------
# NRM referrals


class NrmReferralOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    person = PersonRefSerializer()
    case = CaseRefSerializer(allow_null=True)
    referring_agency = serializers.CharField(source="referring_agency.name")
    referred_on = serializers.DateField()
    is_child = serializers.BooleanField()
    consent = serializers.CharField()
    exploitation_types = serializers.ListField(child=serializers.CharField())
    decision_body = serializers.CharField()
    stage = serializers.CharField()
    reconsidering = serializers.CharField(help_text="rg or cg while a reconsideration is pending")
    reasonable_grounds_due_on = serializers.DateField(source="rg_due_on")
    reasonable_grounds_overdue = serializers.SerializerMethodField()
    reasonable_grounds_decided_on = serializers.DateField(source="rg_decided_on", allow_null=True)
    recovery_period_ends_on = serializers.DateField(source="recovery_ends_on", allow_null=True)
    conclusive_grounds_decided_on = serializers.DateField(source="cg_decided_on", allow_null=True)
    withdrawn_on = serializers.DateField(allow_null=True)

    def get_reasonable_grounds_overdue(self, referral: Any) -> bool:
        return selectors.nrm_standing(referral).rg_overdue


class NrmReferralInSerializer(serializers.Serializer):
    person_id = serializers.UUIDField()
    case_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    referred_on = serializers.DateField()
    consent = serializers.ChoiceField(choices=_codes("nrm_consent"))
    may_be_child = serializers.BooleanField(required=False, default=False)
    exploitation_types = serializers.ListField(child=serializers.CharField(), allow_empty=False)
    decision_body = serializers.ChoiceField(choices=_codes("nrm_decision_bodies"), default="sca")
    summary = TextField(required=False, allow_blank=True, default="", trim_whitespace=False)


class NrmReferralListCreate(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="nrm_referrals_list",
        summary="NRM referrals the token's user may see (their agency's, or on their cases)",
        parameters=[OpenApiParameter("limit", int), OpenApiParameter("offset", int)],
        responses=page_of(NrmReferralOutSerializer, "NrmReferralPage"),
    )
    def get(self, request: Request) -> Response:
        rows = visible(request.user, NrmReferral).select_related(
            "person", "case", "referring_agency"
        )
        rows = rows.order_by("-referred_on", "-reference")
        return _page(request, self, rows, NrmReferralOutSerializer)

    @extend_schema(
        operation_id="nrm_referrals_create",
        summary="Record an NRM referral (first responder organisations only)",
        request=NrmReferralInSerializer,
        responses={201: NrmReferralOutSerializer, 400: _BAD, 403: _DENIED},
    )
    def post(self, request: Request) -> Response:
        body = NrmReferralInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if not rules.can_refer_to_nrm(request.user):
            return Response({"detail": rules.NOT_FIRST_RESPONDER}, status=status.HTTP_403_FORBIDDEN)
        person, case, errors = _lookups(request, data)
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        referral = nrm.nrm_referral_record(
            actor=request.user, person=person, case=case, referred_on=data["referred_on"],
            consent=data["consent"], may_be_child=data["may_be_child"],
            exploitation_types=data["exploitation_types"],
            decision_body=data["decision_body"], summary=data["summary"],
        )  # fmt: skip
        return Response(NrmReferralOutSerializer(referral).data, status=status.HTTP_201_CREATED)


class NrmReferralDetail(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="nrm_referrals_retrieve",
        summary="One NRM referral: its stage and clocks",
        responses={200: NrmReferralOutSerializer, 404: _NOT_FOUND},
    )
    def get(self, request: Request, pk: Any) -> Response:
        referral = load(
            request.user,
            NrmReferral,
            pk,
            purpose=API_PURPOSE,
        )
        return Response(NrmReferralOutSerializer(referral).data)


# ---------------------------------------------------------------------------------------------
# Onward referrals


class OnwardReferralOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    case = CaseRefSerializer()
    person = PersonRefSerializer()
    service = serializers.CharField()
    status = serializers.CharField()
    follow_up_due_on = serializers.DateField(allow_null=True)
    followed_up_on = serializers.DateField(allow_null=True)
    consent_given = serializers.BooleanField()
    reason = serializers.CharField()
    sent_on = serializers.DateField()
    responded_on = serializers.DateField(allow_null=True)
    response_note = serializers.CharField()
    completed_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()


class OnwardReferralInSerializer(serializers.Serializer):
    case_id = serializers.UUIDField()
    person_id = serializers.UUIDField()
    service = TextField(
        help_text="The code of an active service in the directory (GET /api/v1/services/); "
        "a person the service does not take is refused with the reasons under `service`"
    )
    reason = TextField(trim_whitespace=False)
    consent_given = serializers.BooleanField(default=False)


class OnwardReferralListCreate(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="onward_referrals_list",
        summary="Onward referrals from the cases the token's user may see",
        parameters=[OpenApiParameter("limit", int), OpenApiParameter("offset", int)],
        responses=page_of(OnwardReferralOutSerializer, "OnwardReferralPage"),
    )
    def get(self, request: Request) -> Response:
        rows = visible(request.user, OnwardReferral).select_related("case", "person")
        rows = rows.order_by("-sent_on", "-reference")
        return _page(request, self, rows, OnwardReferralOutSerializer)

    @extend_schema(
        operation_id="onward_referrals_create",
        summary="Refer someone on a case to a service in the directory; eligibility is checked",
        request=OnwardReferralInSerializer,
        responses={201: OnwardReferralOutSerializer, 400: _BAD, 403: _DENIED},
    )
    def post(self, request: Request) -> Response:
        body = OnwardReferralInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        person, case, errors = _lookups(request, data)
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        referral = onward.onward_referral_send(
            actor=request.user, case=case, person=person, service=data["service"],
            reason=data["reason"], consent_given=data["consent_given"],
        )  # fmt: skip
        return Response(OnwardReferralOutSerializer(referral).data, status=status.HTTP_201_CREATED)
