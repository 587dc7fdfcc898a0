"""Cases for partner systems: list and read the cases the token's user may see; record a risk
assessment, an intervention, or the closing of a case.

The same services as the pages: serializers check shapes and types, the services check
meaning and permission and write the audit trail. See docs/api.md (section "cases").
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from nestguard.access.door import load, record_list
from nestguard.access.restrictions import may_change_restriction, withheld_from_subject
from nestguard.access.rules import CASEWORK, api
from nestguard.api.base import (
    CONFLICT,
    VERSION_HELP,
    NestguardAPIView,
    validation_error_response,
    version_in,
)
from nestguard.api.pagination import Pagination
from nestguard.api.restrictions import RESTRICTION_HELP, RestrictionInSerializer
from nestguard.cases import rules, selectors
from nestguard.cases.models import (
    Case,
    CaseStatus,
    InterventionStatus,
    intervention_types,
    outcomes,
    resolutions,
)
from nestguard.cases.services import closing, interventions, work
from nestguard.risk import services as risk_services
from nestguard.risk.loader import current_instruments, get_instrument
from nestguard.risk.models import AssessmentStage, RiskAssessment, Trend

API_PURPOSE = "partner_system"

# ---------------------------------------------------------------------------------------------
# Response bodies


class AgencyRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class UserRefSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    agency = serializers.CharField(source="agency.name", allow_null=True, default=None)


class CaseSubjectSerializer(serializers.Serializer):
    person_id = serializers.UUIDField(source="person.pk")
    name = serializers.CharField(source="person.display_name")
    roles = serializers.ListField(
        child=serializers.CharField(), help_text="subject_roles codes; one person may hold several"
    )


def _subjects(case: Case) -> list[dict[str, Any]]:
    return CaseSubjectSerializer(selectors.subject_rows(case), many=True).data  # type: ignore[return-value]


class CaseSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    lead_agency = AgencyRefSerializer()
    lead_worker = UserRefSerializer(allow_null=True)
    concern_types = serializers.ListField(child=serializers.CharField())
    subjects = serializers.SerializerMethodField()
    risk_band = serializers.CharField(help_text="Band code of the latest assessment, or empty")
    risk_score = serializers.IntegerField(allow_null=True)
    next_review_on = serializers.DateField(allow_null=True)
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text=VERSION_HELP)

    @extend_schema_field(CaseSubjectSerializer(many=True))
    def get_subjects(self, case: Case) -> list[dict[str, Any]]:
        return _subjects(case)


class CasePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = CaseSummarySerializer(many=True)


class InterventionOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.CharField()
    type_label = serializers.SerializerMethodField()
    owner = UserRefSerializer()
    starts_on = serializers.DateField()
    due_on = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=InterventionStatus.choices)
    notes = serializers.CharField()

    def get_type_label(self, intervention: Any) -> str:
        return intervention_types().label(intervention.type)


class AssessmentItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    answer = serializers.CharField(help_text="The option code chosen")
    answer_label = serializers.CharField()
    score = serializers.IntegerField()
    max_score = serializers.IntegerField()


class AssessmentOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    case_id = serializers.UUIDField()
    instrument = serializers.CharField()
    instrument_version = serializers.CharField()
    stage = serializers.ChoiceField(choices=AssessmentStage.choices)
    person_id = serializers.UUIDField(allow_null=True)
    assessment_score = serializers.IntegerField(help_text="The sum of the items' scores")
    judgement_adjustment = serializers.IntegerField()
    judgement_reason = serializers.CharField()
    score = serializers.IntegerField(
        source="overall_score", help_text="Overall: assessment score plus judgement, in range"
    )
    max_score = serializers.SerializerMethodField()
    band = serializers.CharField()
    band_label = serializers.SerializerMethodField()
    trend = serializers.ChoiceField(choices=Trend.choices)
    next_review_on = serializers.DateField()
    assessed_at = serializers.DateTimeField()
    assessed_by = serializers.CharField(source="assessed_by.username")
    items = serializers.SerializerMethodField()

    def _instrument(self, record: RiskAssessment) -> Any:
        return get_instrument(record.instrument, record.instrument_version)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_max_score(self, record: RiskAssessment) -> int | None:
        instrument = self._instrument(record)
        return instrument.max_score if instrument else None

    def get_band_label(self, record: RiskAssessment) -> str:
        instrument = self._instrument(record)
        band = instrument.band(record.band) if instrument else None
        return band.label if band else record.band

    @extend_schema_field(AssessmentItemSerializer(many=True))
    def get_items(self, record: RiskAssessment) -> list[dict[str, Any]]:
        instrument = self._instrument(record)
        if instrument is None:
            return []
        rows = []
        for item in instrument.items:
            chosen = record.answers.get(item.code, "")
            option = item.option(chosen)
            rows.append(
                {
                    "code": item.code,
                    "label": item.label,
                    "answer": chosen,
                    "answer_label": option.label if option else "",
                    "score": record.item_scores.get(item.code, 0),
                    "max_score": item.max_score,
                }
            )
        return AssessmentItemSerializer(rows, many=True).data  # type: ignore[return-value]


class TeamSerializer(serializers.Serializer):
    users = serializers.ListField(child=UserRefSerializer())
    agencies = serializers.ListField(child=AgencyRefSerializer())


class AddressRefSerializer(serializers.Serializer):
    address_id = serializers.UUIDField(source="address.pk")
    address = serializers.CharField(source="address.one_line")
    description = serializers.CharField()


class CaseDetailSerializer(CaseSummarySerializer):
    summary = serializers.CharField()
    team = serializers.SerializerMethodField()
    addresses = serializers.SerializerMethodField()
    interventions = serializers.SerializerMethodField()
    latest_assessment = serializers.SerializerMethodField()
    outcomes = serializers.ListField(child=serializers.CharField())
    resolution = serializers.CharField()
    closing_summary = serializers.CharField()

    @extend_schema_field(TeamSerializer)
    def get_team(self, case: Case) -> dict[str, Any]:
        detail = self.context["detail"]
        return {
            "users": UserRefSerializer([m.user for m in detail.team_users], many=True).data,
            "agencies": AgencyRefSerializer(
                [m.agency for m in detail.team_agencies], many=True
            ).data,
        }

    @extend_schema_field(CaseSubjectSerializer(many=True))
    def get_subjects(self, case: Case) -> list[dict[str, Any]]:
        return CaseSubjectSerializer(self.context["detail"].subjects, many=True).data  # type: ignore[return-value]

    @extend_schema_field(AddressRefSerializer(many=True))
    def get_addresses(self, case: Case) -> list[dict[str, Any]]:
        return AddressRefSerializer(self.context["detail"].addresses, many=True).data  # type: ignore[return-value]

    @extend_schema_field(InterventionOutSerializer(many=True))
    def get_interventions(self, case: Case) -> list[dict[str, Any]]:
        return InterventionOutSerializer(self.context["detail"].interventions, many=True).data  # type: ignore[return-value]

    @extend_schema_field(AssessmentOutSerializer(allow_null=True))
    def get_latest_assessment(self, case: Case) -> dict[str, Any] | None:
        latest = self.context["detail"].latest_assessment
        return AssessmentOutSerializer(latest).data if latest else None


class ChronologyEntryOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    occurred_at = serializers.DateTimeField()
    kind = serializers.CharField(help_text="event or note")
    text = serializers.CharField()
    author = serializers.CharField(source="author.username", allow_null=True, default=None)
    agency = serializers.CharField(source="agency.name", allow_null=True, default=None)
    restriction = serializers.CharField(help_text=RESTRICTION_HELP)
    withheld_from_subject = serializers.SerializerMethodField(
        help_text="True when a subject access disclosure leaves this entry out"
    )

    def get_withheld_from_subject(self, entry: Any) -> bool:
        return entry.restriction in withheld_from_subject()


class ChronologyPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ChronologyEntryOutSerializer(many=True)


# ---------------------------------------------------------------------------------------------
# Request bodies


class NoteInSerializer(serializers.Serializer):
    text = serializers.CharField()
    restriction = serializers.CharField(required=False, default="", help_text=RESTRICTION_HELP)


class AssessmentInSerializer(serializers.Serializer):
    instrument = serializers.ChoiceField(
        choices=[], help_text="An instrument code, e.g. cce_child or cuckooing_adult"
    )
    stage = serializers.ChoiceField(choices=AssessmentStage.choices)
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="Every item code of the instrument, each with one of its option codes",
    )
    judgement_adjustment = serializers.IntegerField(required=False, default=0)
    judgement_reason = serializers.CharField(required=False, allow_blank=True, default="")
    person_id = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="A person named on the case"
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [  # type: ignore[attr-defined]
            (i.code, i.title) for i in current_instruments()
        ]


class InterventionInSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=intervention_types().choices)
    owner = serializers.CharField(help_text="The owner's username: a user of an agency on the case")
    starts_on = serializers.DateField()
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class CloseInSerializer(serializers.Serializer):
    outcomes = serializers.ListField(
        child=serializers.ChoiceField(choices=outcomes().choices), allow_empty=False
    )
    resolution = serializers.ChoiceField(choices=resolutions().choices)
    summary = serializers.CharField()
    cancel_open_interventions = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Cancel any planned or in-progress interventions as the case closes; "
        "without it, closing refuses and names them",
    )
    version = version_in(required=False)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _nested_answers(response: Response) -> Response:
    """`answers.<item>` service keys as {"answers": {"<item>": [...]}} like a serializer."""
    body = response.data
    nested: dict[str, Any] = {}
    for key in [k for k in body if k.startswith("answers.")]:
        nested[key.removeprefix("answers.")] = body.pop(key)
    if nested:
        existing = body.get("answers")
        if existing:
            nested["non_field_errors"] = existing
        body["answers"] = nested
    return response


# ---------------------------------------------------------------------------------------------
# Views

_NOT_FOUND = OpenApiResponse(description="No such case, or not one the token's user may see")
_BAD = OpenApiResponse(description="Field errors; nothing was written")
_DENIED = OpenApiResponse(description="The user sees the case but may not do this to it")


class CaseList(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="cases_list",
        summary="Cases the token's user may see, soonest risk review first",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                description="open, monitoring, closed, active (open or monitoring; the "
                "default) or all",
            ),
            OpenApiParameter("limit", int, description="Page size (default 50)"),
            OpenApiParameter("offset", int, description="Rows to skip"),
        ],
        responses=CasePageSerializer,
    )
    def get(self, request: Request) -> Response:
        wanted = request.query_params.get("status", selectors.ACTIVE)
        if wanted not in [*CaseStatus.values, selectors.ACTIVE, "all"]:
            return Response(
                {"status": ["Use open, monitoring, closed, active or all"]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        filters = selectors.CaseFilters(status=wanted)
        paginator = Pagination()
        page = paginator.paginate_queryset(
            selectors.case_list(request.user, filters), request, view=self
        )
        cases = list(page or [])
        record_list(
            request.user, Case, cases, purpose=API_PURPOSE, details={"filters": filters.as_dict()}
        )
        return paginator.get_paginated_response(CaseSummarySerializer(cases, many=True).data)


class CaseDetail(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="cases_retrieve",
        summary="One case: people and roles, team, addresses, interventions, latest risk",
        responses={200: CaseDetailSerializer, 404: _NOT_FOUND},
    )
    def get(self, request: Request, pk: Any) -> Response:
        detail = selectors.case_detail(
            request.user, load(request.user, Case, pk, purpose=API_PURPOSE)
        )
        return Response(CaseDetailSerializer(detail.case, context={"detail": detail}).data)


class CaseAssessments(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="cases_assessments_create",
        summary="Record a risk assessment: every item answered; score, band, trend, review",
        request=AssessmentInSerializer,
        responses={201: AssessmentOutSerializer, 400: _BAD, 403: _DENIED, 404: _NOT_FOUND},
    )
    def post(self, request: Request, pk: Any) -> Response:
        case = load(request.user, Case, pk, purpose=API_PURPOSE)
        # Access before input: someone who may not act here learns nothing from a 400.
        _require(rules.can_edit_case(request.user, case), "You may not assess risk on this case")
        body = AssessmentInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        person = None
        if data["person_id"] is not None:
            row = next(
                (r for r in selectors.subject_rows(case) if r.person.pk == data["person_id"]),
                None,
            )
            if row is None:
                return Response(
                    {"person_id": ["Give the id of a person named on this case"]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            person = row.person
        try:
            record = risk_services.assessment_record(
                actor=request.user,
                case=case,
                instrument=data["instrument"],
                stage=data["stage"],
                answers=data["answers"],
                judgement_adjustment=data["judgement_adjustment"],
                judgement_reason=data["judgement_reason"],
                person=person,
            )
        except DjangoValidationError as exc:
            return _nested_answers(validation_error_response(exc))
        return Response(AssessmentOutSerializer(record).data, status=status.HTTP_201_CREATED)


class CaseInterventions(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="cases_interventions_create",
        summary="Record an intervention with its owner and dates",
        request=InterventionInSerializer,
        responses={201: InterventionOutSerializer, 400: _BAD, 403: _DENIED, 404: _NOT_FOUND},
    )
    def post(self, request: Request, pk: Any) -> Response:
        case = load(request.user, Case, pk, purpose=API_PURPOSE)
        # Access before input: someone who may not act here learns nothing from a 400.
        _require(
            rules.can_contribute_to_case(request.user, case),
            "You may not record interventions on this case",
        )
        body = InterventionInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        owner = selectors.user_by_username(data["owner"])
        if owner is None:
            return Response(
                {"owner": ["There is no user with that username"]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        intervention = interventions.intervention_add(
            actor=request.user,
            case=case,
            type=data["type"],
            owner=owner,
            starts_on=data["starts_on"],
            due_on=data["due_on"],
            notes=data["notes"],
        )
        return Response(
            InterventionOutSerializer(intervention).data, status=status.HTTP_201_CREATED
        )


class CaseClose(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="cases_close",
        summary="Close a case with outcomes, a resolution and a closing summary",
        request=CloseInSerializer,
        responses={
            200: CaseDetailSerializer,
            400: _BAD,
            403: _DENIED,
            404: _NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, pk: Any) -> Response:
        case = load(request.user, Case, pk, purpose=API_PURPOSE)
        # Access before input: someone who may not act here learns nothing from a 400.
        _require(rules.can_close_case(request.user, case), "You may not close this case")
        body = CloseInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        closing.case_close(
            actor=request.user,
            case=case,
            outcomes=data["outcomes"],
            resolution=data["resolution"],
            summary=data["summary"],
            cancel_open_interventions=data["cancel_open_interventions"],
            expected_version=data["version"],
        )
        case.refresh_from_db()
        detail = selectors.case_detail(request.user, case)
        return Response(CaseDetailSerializer(detail.case, context={"detail": detail}).data)


class CaseChronology(NestguardAPIView):
    """The case chronology as far as the entries' handling restrictions let the token's
    user read them (decision 78); the same read as the case page."""

    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="cases_chronology_list",
        summary="The case chronology the token's user may read, newest first",
        parameters=[
            OpenApiParameter("limit", int, description="Page size (default 50)"),
            OpenApiParameter("offset", int, description="Rows to skip"),
        ],
        responses={200: ChronologyPageSerializer, 404: _NOT_FOUND},
    )
    def get(self, request: Request, pk: Any) -> Response:
        # The case's load through the door writes the read event.
        case = load(request.user, Case, pk, purpose=API_PURPOSE)
        paginator = Pagination()
        page = paginator.paginate_queryset(
            selectors.case_chronology(request.user, case).select_related("agency"),
            request,
            view=self,
        )
        return paginator.get_paginated_response(
            ChronologyEntryOutSerializer(list(page or []), many=True).data
        )


class CaseNotes(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="cases_notes_create",
        summary="Add a note to the chronology, with a handling restriction",
        request=NoteInSerializer,
        responses={201: ChronologyEntryOutSerializer, 400: _BAD, 403: _DENIED, 404: _NOT_FOUND},
    )
    def post(self, request: Request, pk: Any) -> Response:
        case = load(request.user, Case, pk, purpose=API_PURPOSE)
        # Access before input: someone who may not act here learns nothing from a 400.
        _require(
            rules.can_contribute_to_case(request.user, case), "You may not add notes to this case"
        )
        body = NoteInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = work.case_note_add(
            actor=request.user,
            case=case,
            text=body.validated_data["text"],
            restriction=body.validated_data["restriction"],
        )
        return Response(ChronologyEntryOutSerializer(entry).data, status=status.HTTP_201_CREATED)


class CaseChronologyEntryRestriction(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="cases_chronology_restriction_update",
        summary="Change who may read a note or entry (the recording agency only)",
        request=RestrictionInSerializer,
        responses={200: ChronologyEntryOutSerializer, 400: _BAD, 403: _DENIED, 404: _NOT_FOUND},
    )
    def put(self, request: Request, pk: Any, entry_pk: Any) -> Response:
        case = load(request.user, Case, pk, purpose=API_PURPOSE)
        entry = selectors.get_chronology_entry(request.user, case, entry_pk, purpose=API_PURPOSE)
        _require(
            may_change_restriction(request.user, entry.agency_id),
            "Only the agency that recorded it can change its restriction",
        )
        body = RestrictionInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = work.chronology_entry_restrict(
            actor=request.user, entry=entry, restriction=body.validated_data["restriction"]
        )
        return Response(ChronologyEntryOutSerializer(entry).data)
