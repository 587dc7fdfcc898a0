"""Partner intelligence over the API (decision 0097): submit a report, list and read the
originals the door lets the token's user read, and the sanitised versions. The same services
and the same door as the pages: hidden and missing answer 404 alike. Lists page by keyset
(`cursor`). See docs/api.md (section "Intelligence")."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from nestguard.access.door import load, may, record_list, visible
from nestguard.access.rules import api
from nestguard.accounts.models import User
from nestguard.api.base import NestguardAPIView
from nestguard.core.keyset import keyset_page
from nestguard.intelligence.models import IntelligenceReport, SanitisedVersion, SubjectKind
from nestguard.intelligence.rules import RECEIVING, SUBMITTING
from nestguard.intelligence.selectors import NEWEST_FIRST
from nestguard.intelligence.services.reports import intelligence_report_submit
from nestguard.intelligence.services.subjects import SubjectIn

PURPOSE = "intelligence"
PAGE_SIZE = 25
_BAD = OpenApiResponse(description="Field errors; nothing was written")
_HIDDEN = OpenApiResponse(description="No such record, or not one you may read")


class IntelligencePersonIn(serializers.Serializer):
    person = serializers.UUIDField(required=False, allow_null=True, default=None,
                                   help_text="A person you may see (optional)")  # fmt: skip
    description = serializers.CharField(required=False, allow_blank=True, default="")


class IntelligenceAddressIn(serializers.Serializer):
    address = serializers.UUIDField(required=False, allow_null=True, default=None,
                                    help_text="A register address (optional)")  # fmt: skip
    text = serializers.CharField(required=False, allow_blank=True, default="")


class IntelligenceReportIn(serializers.Serializer):
    observed_on = serializers.DateField(
        help_text="When it happened (YYYY-MM-DD), not in the future"
    )
    observed_time = serializers.CharField(required=False, allow_blank=True, default="")
    location = serializers.CharField(required=False, allow_blank=True, default="")
    what = serializers.CharField(help_text="What was seen or told")
    how_known = serializers.CharField(help_text="A code of intelligence/data/how_known.json")
    how_known_detail = serializers.CharField(required=False, allow_blank=True, default="")
    people = IntelligencePersonIn(many=True, required=False, default=list)
    addresses = IntelligenceAddressIn(many=True, required=False, default=list)
    phones = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                   help_text="UK numbers; stored in E.164")  # fmt: skip
    vehicles = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                     help_text="Registrations (VRM), e.g. AB12 CDE")  # fmt: skip
    other = serializers.ListField(child=serializers.CharField(), required=False, default=list)


def _subjects_in(data: dict[str, Any]) -> list[SubjectIn]:
    return [
        *(SubjectIn(SubjectKind.PERSON, p["description"], p["person"]) for p in data["people"]),
        *(SubjectIn(SubjectKind.ADDRESS, a["text"], a["address"]) for a in data["addresses"]),
        *(SubjectIn(SubjectKind.PHONE, p) for p in data["phones"]),
        *(SubjectIn(SubjectKind.VEHICLE, v) for v in data["vehicles"]),
        *(SubjectIn(SubjectKind.TEXT, t) for t in data["other"]),
    ]


class IntelligenceSubjectOut(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    phone = serializers.CharField()
    vrm = serializers.CharField()
    person = serializers.UUIDField(source="person_id", allow_null=True)
    address = serializers.UUIDField(source="address_id", allow_null=True)


class IntelligenceGradeOut(serializers.Serializer):
    source_evaluation = serializers.CharField()
    intelligence_assessment = serializers.CharField()
    handling_code = serializers.CharField()
    handling_conditions = serializers.CharField()
    graded_at = serializers.DateTimeField()


class IntelligenceReportOut(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    agency = serializers.CharField(source="agency.name")
    submitted_by = serializers.CharField(source="submitted_by.username")
    function_agency = serializers.CharField(source="function_agency.name")
    submitted_at = serializers.DateTimeField(source="created_at")
    observed_on = serializers.DateField()
    observed_time = serializers.CharField()
    location = serializers.CharField()
    what = serializers.CharField()
    how_known = serializers.CharField()
    how_known_detail = serializers.CharField()
    status = serializers.CharField()
    graded_at = serializers.DateTimeField(allow_null=True)
    grade = serializers.SerializerMethodField(
        help_text="The 3x5x2 grade: for the function's own agency only; null otherwise"
    )
    subjects = IntelligenceSubjectOut(many=True, source="subjects.all")

    def get_grade(self, report: IntelligenceReport) -> dict[str, Any] | None:
        user = self.context["user"]
        if not report.graded_at or not may(user, "see_grade", report):
            return None
        return IntelligenceGradeOut(report).data  # type: ignore[return-value]


class SanitisedVersionOut(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    function_agency = serializers.CharField(source="function_agency.name")
    observed_on = serializers.DateField()
    text = serializers.CharField()
    source_evaluation = serializers.CharField()
    intelligence_assessment = serializers.CharField()
    handling_code = serializers.CharField()
    handling_conditions = serializers.CharField()
    status = serializers.CharField()
    released_at = serializers.DateTimeField(allow_null=True)
    subjects = IntelligenceSubjectOut(many=True, source="subjects.all")


def _page(view: NestguardAPIView, request: Request, rows: Any, out: type, model: type) -> Response:
    page = keyset_page(
        rows, NEWEST_FIRST, cursor=request.query_params.get("cursor"), size=PAGE_SIZE
    )
    record_list(request.user, model, page.rows, purpose=PURPOSE, details={"via": "API"})
    base = request.build_absolute_uri(request.path)
    return Response(
        {
            "next": f"{base}?cursor={page.next_cursor}" if page.next_cursor else None,
            "previous": f"{base}?cursor={page.previous_cursor}" if page.previous_cursor else None,
            "results": out(page.rows, many=True, context={"user": request.user}).data,
        }
    )


def _keyset_page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    fields = {
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), fields)


_CURSOR = OpenApiParameter("cursor", str, description="The `next` or `previous` link's cursor")


class IntelligenceReports(NestguardAPIView):
    access_rule = api(SUBMITTING)

    @extend_schema(
        operation_id="intelligence_reports_list",
        summary="Original reports you may read (your own, your agency's, or the function's)",
        parameters=[_CURSOR],
        responses={200: _keyset_page_of(IntelligenceReportOut, "IntelligenceReportPage")},
    )
    def get(self, request: Request) -> Response:
        rows = (
            visible(request.user, IntelligenceReport)
            .select_related("agency", "submitted_by", "function_agency")
            .prefetch_related("subjects")
        )
        return _page(self, request, rows, IntelligenceReportOut, IntelligenceReport)

    @extend_schema(
        operation_id="intelligence_reports_create",
        summary="Submit partner intelligence to the intelligence function",
        request=IntelligenceReportIn,
        responses={201: IntelligenceReportOut, 400: _BAD},
    )
    def post(self, request: Request) -> Response:
        body = IntelligenceReportIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        report = intelligence_report_submit(
            actor=cast(User, request.user), observed_on=data["observed_on"], what=data["what"],
            how_known=data["how_known"], how_known_detail=data["how_known_detail"],
            observed_time=data["observed_time"], location=data["location"],
            subjects=_subjects_in(data),
        )  # fmt: skip
        return Response(
            IntelligenceReportOut(report, context={"user": request.user}).data, status=201
        )


class IntelligenceReportDetail(NestguardAPIView):
    access_rule = api(SUBMITTING)

    @extend_schema(
        operation_id="intelligence_reports_retrieve",
        summary="One original report (its read is audited)",
        responses={200: IntelligenceReportOut, 404: _HIDDEN},
    )
    def get(self, request: Request, pk: Any) -> Response:
        report = load(request.user, IntelligenceReport, pk, purpose=PURPOSE)
        return Response(IntelligenceReportOut(report, context={"user": request.user}).data)


class SanitisedVersions(NestguardAPIView):
    access_rule = api(RECEIVING)

    @extend_schema(
        operation_id="sanitised_intelligence_list",
        summary="Sanitised versions you may read (shared with your agency, or your function's)",
        parameters=[_CURSOR],
        responses={200: _keyset_page_of(SanitisedVersionOut, "SanitisedVersionPage")},
    )
    def get(self, request: Request) -> Response:
        rows = (
            visible(request.user, SanitisedVersion)
            .select_related("function_agency")
            .prefetch_related("subjects")
        )
        return _page(self, request, rows, SanitisedVersionOut, SanitisedVersion)


class SanitisedVersionDetail(NestguardAPIView):
    access_rule = api(RECEIVING)

    @extend_schema(
        operation_id="sanitised_intelligence_retrieve",
        summary="One sanitised version (its read is audited with the agreement relied on)",
        responses={200: SanitisedVersionOut, 404: _HIDDEN},
    )
    def get(self, request: Request, pk: Any) -> Response:
        version = load(request.user, SanitisedVersion, pk, purpose=PURPOSE)
        return Response(SanitisedVersionOut(version, context={"user": request.user}).data)
