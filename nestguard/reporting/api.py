"""The reports for partner systems and the partnership's own tools:
`GET /api/v1/reports/{name}/?from=YYYY-MM-DD&to=YYYY-MM-DD[&ward=...&agency=...]`.

The same report as the pages, suppressed the same way and audited the same way
(`reading.read_report`), as `Report.to_json`: `{"report", "from", "to", "tables":
[{"name", "title", "columns", "rows"}], "figures"}`. See docs/api.md (section "Reports")."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from nestguard.access.rules import REPORTING, api
from nestguard.api.base import NestguardAPIView
from nestguard.reporting.period import Asked, problems
from nestguard.reporting.reading import read_report
from nestguard.reporting.registry import report_spec


class ReportQuerySerializer(serializers.Serializer):
    # "from" is a Python keyword: the fields are declared below by name.
    ward = serializers.CharField(required=False, allow_blank=True, default="")
    agency = serializers.UUIDField(required=False, allow_null=True, default=None)

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = super().get_fields()
        for name, label, help_text in (
            ("from", "The first day", "The first day counted (YYYY-MM-DD)"),
            ("to", "The last day", "The last day counted, inclusive (YYYY-MM-DD)"),
        ):
            fields[name] = serializers.DateField(
                input_formats=["iso-8601"],
                help_text=help_text,
                error_messages={
                    "invalid": f"{label} must be a real date, as YYYY-MM-DD",
                    "required": f"Give {label.lower()} of the period, as YYYY-MM-DD",
                },
            )
        return fields


class TableSerializer(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(
        child=serializers.ListField(),
        help_text='Each row a list of cells: a label, a count, "[c]" (confidential), a '
        "percentage or figure as a string, or null",
    )


class ReportSerializer(serializers.Serializer):
    report = serializers.CharField()
    # `from` and `to` are set in get_fields (keywords).
    tables = TableSerializer(many=True)
    figures = serializers.DictField(help_text='Headline counts ("[c]" when small) and figures')

    def get_fields(self):  # type: ignore[no-untyped-def]
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        fields["to"] = serializers.DateField()
        return fields


class ReportView(NestguardAPIView):
    access_rule = api(REPORTING)

    @extend_schema(
        operation_id="reports_read",
        summary="A report's tables of counts for a period, small numbers suppressed",
        parameters=[
            OpenApiParameter("from", str, required=True, description="YYYY-MM-DD, first day"),
            OpenApiParameter("to", str, required=True, description="YYYY-MM-DD, last day"),
            OpenApiParameter("ward", str, description="Only this ward (a large enough one)"),
            OpenApiParameter("agency", str, description="Only this agency's id"),
        ],
        responses={
            200: ReportSerializer,
            400: OpenApiResponse(description="Field errors in the period or filters"),
            404: OpenApiResponse(description="No report of this name"),
        },
    )
    def get(self, request: Request, name: str) -> Response:
        try:
            spec = report_spec(name)
        except LookupError:
            raise NotFound("No report of this name") from None
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        asked = Asked(data["from"], data["to"], data["ward"], data["agency"])
        errors = problems(request.user, asked)
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        shown = read_report(request.user, spec, asked, output="api")
        return Response(shown.report.to_json())
