"""Referrals for partner systems: make one in a single call, list and read them, triage.

The same services as the pages: the serializers check shapes and types, the services check
meaning, permissions and write the audit trail. See docs/api.md (section "referrals").
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from nestguard.access.door import load, visible
from nestguard.access.rules import REFERRING, TRIAGE, api
from nestguard.accounts.models import lawful_bases
from nestguard.api.base import (
    CONFLICT,
    VERSION_HELP,
    NestguardAPIView,
    error_body,
    validation_error_response,
    version_in,
)
from nestguard.api.pagination import Pagination
from nestguard.cases.models import Case
from nestguard.referrals import codes as rc
from nestguard.referrals import services
from nestguard.referrals.models import (
    ConsentStatus,
    Referral,
    ReferralStatus,
    ReferralSubject,
    TriageDecision,
)
from nestguard.referrals.outcomes import outcome_for_referrer
from nestguard.referrals.selectors import api_referrals

# ---------------------------------------------------------------------------------------------
# Request bodies


def _text(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, default="", **kwargs)


class SubjectInSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=rc.subject_roles().choices)
    given_name = _text()
    family_name = _text()
    aliases = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False, default=list
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    age_estimate = serializers.IntegerField(required=False, allow_null=True, default=None)
    identity_unknown = serializers.BooleanField(required=False, default=False)
    description = _text()
    phones = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=list,
        help_text="UK phone numbers in any common form (07700 900123, +44 7700 900123); "
        "stored in E.164",
    )


class AddressInSerializer(serializers.Serializer):
    line1 = _text()
    line2 = _text()
    town = _text()
    postcode = _text(help_text="A UK postcode, like NB1 2AB")
    not_known = serializers.BooleanField(
        required=False, default=False, help_text="No fixed address, or not known"
    )
    not_known_reason = _text(help_text="Required when not_known is true")


class ReferralCreateSerializer(serializers.Serializer):
    referrer_phone = serializers.CharField(
        required=False, allow_blank=True, help_text="Defaults to the phone on the user's account"
    )
    referrer_job_title = serializers.CharField(
        required=False, allow_blank=True, help_text="Defaults to the job title on the account"
    )
    subjects = SubjectInSerializer(many=True)
    address = AddressInSerializer()
    concern_types = serializers.ListField(
        child=serializers.ChoiceField(choices=rc.concern_types().choices)
    )
    indicators = serializers.ListField(
        child=serializers.ChoiceField(choices=rc.indicators().choices),
        required=False,
        default=list,
        help_text="Codes from indicators.json; any valid code is accepted",
    )
    signs_text = _text()
    urgency = serializers.ChoiceField(choices=rc.urgency_levels().choices)
    lawful_basis = serializers.ChoiceField(choices=lawful_bases().choices)
    consent = serializers.ChoiceField(choices=ConsentStatus.choices)
    consent_reason = serializers.ChoiceField(
        choices=rc.consent_reasons().choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required unless consent is 'given'",
    )
    consent_notes = _text()

    def validate_subjects(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not value:
            raise serializers.ValidationError("Add at least one person of concern")
        return value


class TriageInSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=TriageDecision.choices)
    reason_code = _text(help_text="For decline: a code from decline_reasons.json")
    reason = _text(help_text="In words, for the referrer; required to decline or redirect")
    redirect_to = _text(help_text="For redirect: a code from redirect_targets.json")
    case_id = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="For merge: the case's id"
    )
    version = version_in(required=False)


# ---------------------------------------------------------------------------------------------
# Response bodies


class ReferralStatusSerializer(serializers.Serializer):
    """What the referrer may know: status, outcome and the reason in words."""

    id = serializers.UUIDField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    submitted_at = serializers.DateTimeField(allow_null=True)
    triage_due_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.SerializerMethodField()
    reason = serializers.SerializerMethodField()
    reason_text = serializers.SerializerMethodField()

    def get_outcome(self, referral: Referral) -> str:
        return outcome_for_referrer(referral).summary

    def get_reason(self, referral: Referral) -> str:
        return outcome_for_referrer(referral).reason_label

    def get_reason_text(self, referral: Referral) -> str:
        return outcome_for_referrer(referral).reason_text


class ReferralSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    referrer_agency = serializers.CharField(source="referrer_agency.name")
    concern_types = serializers.ListField(child=serializers.CharField())
    urgency = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    triage_due_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class ReferralPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReferralSummarySerializer(many=True)


class SubjectOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    person_id = serializers.UUIDField(allow_null=True)
    role = serializers.CharField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    aliases = serializers.SerializerMethodField()
    date_of_birth = serializers.DateField(allow_null=True)
    age_estimate = serializers.IntegerField(allow_null=True)
    identity_unknown = serializers.BooleanField()
    description = serializers.CharField()
    phones = serializers.ListField(
        child=serializers.CharField(), help_text="Their phone numbers, in E.164 (+447700900123)"
    )

    def get_aliases(self, subject: ReferralSubject) -> list[str]:
        return [a.strip() for a in subject.aliases.split(",") if a.strip()]


class AddressOutSerializer(serializers.Serializer):
    address_id = serializers.UUIDField(source="address.id", allow_null=True, default=None)
    in_register = serializers.BooleanField(source="address.in_register", default=None)
    line1 = serializers.CharField(source="address_line1")
    line2 = serializers.CharField(source="address_line2")
    town = serializers.CharField(source="address_town")
    postcode = serializers.CharField(source="address_postcode")
    not_known = serializers.BooleanField(source="address_not_known")
    not_known_reason = serializers.CharField(source="address_not_known_reason")


class ReferralFullSerializer(ReferralStatusSerializer):
    """The whole referral, for the triage team and whoever sees the case it became."""

    referrer = serializers.CharField(source="referrer.get_full_name")
    referrer_agency = serializers.CharField(source="referrer_agency.name")
    referrer_phone = serializers.CharField()
    referrer_job_title = serializers.CharField()
    subjects = SubjectOutSerializer(many=True, source="subjects.all")
    address = AddressOutSerializer(source="*")
    concern_types = serializers.ListField(child=serializers.CharField())
    indicators = serializers.ListField(child=serializers.CharField())
    indicators_version = serializers.CharField()
    signs_text = serializers.CharField()
    urgency = serializers.CharField()
    lawful_basis = serializers.CharField()
    consent = serializers.CharField()
    consent_reason = serializers.CharField()
    consent_notes = serializers.CharField()
    decision = serializers.CharField()
    decision_reason_code = serializers.CharField()
    decision_reason = serializers.CharField()
    redirect_to = serializers.CharField()
    case_id = serializers.UUIDField(allow_null=True)
    version = serializers.IntegerField(help_text=VERSION_HELP)


class TriageOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    decision = serializers.CharField()
    case_id = serializers.UUIDField(allow_null=True, help_text="The case opened or added to")
    version = serializers.IntegerField(help_text=VERSION_HELP)


# ---------------------------------------------------------------------------------------------
# Making a referral in one call


class _Invalid(Exception):
    def __init__(self, body: dict[str, Any]):
        super().__init__("invalid referral")
        self.body = body


def referral_create_from_body(*, actor: Any, data: dict[str, Any]) -> Referral:
    """Start, fill every section and submit, in one transaction: a bad body writes nothing.

    Raises `_Invalid` with every field error found, shaped like the request body.
    """
    with transaction.atomic():
        referral = services.referral_start(actor=actor)
        errors: dict[str, Any] = {}

        def attempt(call: Any, rename: dict[str, str] | None = None) -> dict[str, Any]:
            try:
                call()
            except DjangoValidationError as exc:
                return error_body(exc, rename)
            return {}

        errors |= attempt(
            lambda: services.referral_details_update(
                actor=actor,
                referral=referral,
                phone=data.get("referrer_phone", actor.phone),
                job_title=data.get("referrer_job_title", actor.job_title),
            ),
            {"phone": "referrer_phone", "job_title": "referrer_job_title"},
        )
        subject_errors = [
            attempt(
                lambda s=subject: services.referral_subject_add(actor=actor, referral=referral, **s)
            )
            for subject in data["subjects"]
        ]
        if any(subject_errors):
            errors["subjects"] = subject_errors
        address_errors = attempt(
            lambda: services.referral_address_update(
                actor=actor, referral=referral, **data["address"]
            )
        )
        if address_errors:
            errors["address"] = address_errors
        errors |= attempt(
            lambda: services.referral_concerns_update(
                actor=actor,
                referral=referral,
                concern_types=data["concern_types"],
                indicators=data["indicators"],
                signs_text=data["signs_text"],
            )
        )
        errors |= attempt(
            lambda: services.referral_urgency_update(
                actor=actor, referral=referral, urgency=data["urgency"]
            )
        )
        errors |= attempt(
            lambda: services.referral_consent_update(
                actor=actor,
                referral=referral,
                lawful_basis=data["lawful_basis"],
                consent=data["consent"],
                consent_reason=data["consent_reason"],
                consent_notes=data["consent_notes"],
            )
        )
        if not errors:
            errors |= attempt(lambda: services.referral_submit(actor=actor, referral=referral))
        if errors:
            raise _Invalid(errors)
    return referral


class ReferralListCreate(NestguardAPIView):
    """Referrals: list those the token's user made or may triage; make one in a single call."""

    access_rule = api(REFERRING)

    @extend_schema(
        operation_id="referrals_list",
        summary="Referrals the token's user made or may triage",
        parameters=[
            OpenApiParameter("limit", int, description="Page size (default 50)"),
            OpenApiParameter("offset", int, description="Rows to skip"),
        ],
        responses=ReferralPageSerializer,
    )
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(api_referrals(request.user), request, view=self)
        return paginator.get_paginated_response(ReferralSummarySerializer(page, many=True).data)

    @extend_schema(
        operation_id="referrals_create",
        summary="Make a referral: every section in one body, submitted for triage",
        request=ReferralCreateSerializer,
        responses={
            201: ReferralStatusSerializer,
            400: OpenApiResponse(description="Field errors; nothing was written"),
        },
    )
    def post(self, request: Request) -> Response:
        body = ReferralCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            referral = referral_create_from_body(actor=request.user, data=body.validated_data)
        except _Invalid as exc:
            return Response(exc.body, status=status.HTTP_400_BAD_REQUEST)
        return Response(ReferralStatusSerializer(referral).data, status=status.HTTP_201_CREATED)


class ReferralDetail(NestguardAPIView):
    """A referral: in full for its triage team (audited), the status for its referrer."""

    access_rule = api(REFERRING)

    @extend_schema(
        operation_id="referrals_retrieve",
        summary="One referral: in full for the triage team, status only for its referrer",
        responses={200: ReferralFullSerializer, 404: OpenApiResponse(description="Not found")},
    )
    def get(self, request: Request, pk: Any) -> Response:
        user = request.user
        try:
            full = load(user, Referral, pk, purpose="partner_system")
        except Http404:
            own = load(user, Referral, pk, purpose="own_referral")
        else:
            return Response(ReferralFullSerializer(full).data)
        services.referral_status_view(actor=user, referral=own, mark_seen=False)
        return Response(ReferralStatusSerializer(own).data)


class ReferralTriage(NestguardAPIView):
    """The triage decision: accept, decline, redirect or merge. Accept opens a case."""

    access_rule = api(TRIAGE)

    @extend_schema(
        operation_id="referrals_triage",
        summary="Record the triage decision; accept answers with the new case's id",
        request=TriageInSerializer,
        responses={
            200: TriageOutSerializer,
            400: OpenApiResponse(description="Field errors; nothing was written"),
            404: OpenApiResponse(description="Not found"),
            409: CONFLICT,
        },
    )
    def post(self, request: Request, pk: Any) -> Response:
        user = request.user
        referral = load(user, Referral, pk, purpose="partner_system")
        body = TriageInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        case = None
        if data["decision"] == TriageDecision.MERGE:
            if data["case_id"] is None:
                return Response(
                    {"case_id": ["Give the id of the case to add this referral to"]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            case = visible(user, Case).filter(pk=data["case_id"]).first()
            if case is None:
                return Response(
                    {"case_id": ["There is no case with that id that you can see"]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        try:
            referral = services.referral_triage(
                actor=user,
                referral=referral,
                decision=data["decision"],
                reason_code=data["reason_code"],
                reason=data["reason"],
                redirect_to=data["redirect_to"],
                case=case,
                expected_version=data["version"],
            )
        except DjangoValidationError as exc:
            return validation_error_response(exc, rename={"case": "case_id"})
        return Response(TriageOutSerializer(referral).data)
