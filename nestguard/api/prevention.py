"""Housing signals from housing agencies' systems, and their prevention list (decision 0090).

The same services as the command and the pages: the serializer checks shapes and types, the
service checks meaning (a register UPRN, a signal code, a date not in the future) and writes
all of a request or none of it. See docs/api.md (section "Prevention").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from nestguard.access.door import record_list
from nestguard.access.rules import CASEWORK, api
from nestguard.api.base import NestguardAPIView
from nestguard.api.pagination import Pagination, page_of
from nestguard.prevention import selectors
from nestguard.prevention.models import PreventionEntry, SignalBatch
from nestguard.prevention.policy import signal_codes, week_start_of
from nestguard.prevention.rules import works_prevention
from nestguard.prevention.services.signals import (
    MAX_API_SIGNALS,
    NOTES_LIMIT,
    SignalImportError,
    housing_signals_receive,
)

PURPOSE = "prevention"
NOT_HOUSING = "Only a housing agency's caseworkers and supervisors have a prevention list"
_BAD = OpenApiResponse(description="Field errors; nothing was written")
_DENIED = OpenApiResponse(description=NOT_HOUSING)


class HousingSignalInSerializer(serializers.Serializer):
    uprn = serializers.CharField(max_length=12, help_text="The property's UPRN (register)")
    signal = serializers.CharField(
        max_length=40, help_text="One of: " + ", ".join(signal_codes().values)
    )
    observed_on = serializers.CharField(max_length=10, help_text="YYYY-MM-DD, not in the future")
    amount = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True,
        help_text="Rent owed in pounds (rent_arrears only)",
    )  # fmt: skip
    notes = serializers.CharField(
        max_length=NOTES_LIMIT, required=False, allow_blank=True, default="", trim_whitespace=False
    )


class ReceivedSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    batch = serializers.UUIDField()


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


class HousingSignals(NestguardAPIView):
    """Send one signal (an object) or up to 500 (a list): all are written, or none."""

    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="housing_signals_create",
        summary="Send housing signals (one object, or a list of up to 500)",
        request=HousingSignalInSerializer,
        responses={201: ReceivedSerializer, 400: _BAD, 403: _DENIED},
    )
    def post(self, request: Request) -> Response:
        if not works_prevention(request.user):
            raise PermissionDenied("Only a housing agency's caseworkers send housing signals")
        many = isinstance(request.data, list)
        items = request.data if many else [request.data]
        if many and not 1 <= len(items) <= MAX_API_SIGNALS:
            message = f"Send from 1 to {MAX_API_SIGNALS} signals in one request"
            return Response({"non_field_errors": [message]}, status=status.HTTP_400_BAD_REQUEST)
        body = HousingSignalInSerializer(data=items, many=True)
        if not body.is_valid():
            errors: Any = body.errors
            return Response(errors if many else errors[0], status=status.HTTP_400_BAD_REQUEST)
        rows = [
            (index, {key: _as_text(value) for key, value in item.items()})
            for index, item in enumerate(body.validated_data)
        ]
        try:
            signals = housing_signals_receive(
                actor=request.user, agency=None, rows=rows, via=SignalBatch.Via.API,
                source_name="API",
            )  # fmt: skip
        except SignalImportError as exc:
            by_item: list[dict[str, list[str]]] = [{} for _ in items]
            for error in exc.errors:
                by_item[error.row].setdefault(error.column, []).append(error.reason)
            return Response(by_item if many else by_item[0], status=status.HTTP_400_BAD_REQUEST)
        batch = signals[0].batch_id if signals else None
        return Response({"received": len(signals), "batch": batch}, status=201)


class ReasonSerializer(serializers.Serializer):
    signal = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    observed_on = serializers.DateField()
    weight = serializers.IntegerField()


class ActionSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="visited, referred or no_concern")
    recorded_at = serializers.DateTimeField(source="created_at")
    referral = serializers.CharField(source="referral.reference", allow_null=True, default=None)


class EntrySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    week_start = serializers.DateField()
    uprn = serializers.CharField(source="address.uprn")
    address = serializers.CharField(source="address.one_line")
    score = serializers.IntegerField()
    rules_version = serializers.CharField()
    closed = serializers.SerializerMethodField()
    signals = serializers.SerializerMethodField(help_text="The signals that put it there")
    actions = serializers.SerializerMethodField()

    def get_closed(self, entry: PreventionEntry) -> bool:
        return entry.closed_at is not None

    def get_signals(self, entry: PreventionEntry) -> list[dict[str, Any]]:
        return ReasonSerializer(selectors.reasons(entry), many=True).data  # type: ignore[return-value]

    def get_actions(self, entry: PreventionEntry) -> list[dict[str, Any]]:
        return ActionSerializer(entry.actions.all(), many=True).data  # type: ignore[return-value]


class PreventionList(NestguardAPIView):
    """The token's agency's prevention list, newest week first (the page's list)."""

    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="prevention_list",
        summary="Your housing agency's prevention list, newest week first",
        parameters=[
            OpenApiParameter("week", date, description="Only the week containing this date")
        ],
        responses={200: page_of(EntrySerializer, "PreventionListPage"), 400: _BAD, 403: _DENIED},
    )
    def get(self, request: Request) -> Response:
        if not works_prevention(request.user):
            raise PermissionDenied(NOT_HOUSING)
        entries = selectors.entries_for(request.user).prefetch_related("actions__referral")
        raw = request.query_params.get("week", "")
        if raw:
            try:
                entries = entries.filter(week_start=week_start_of(date.fromisoformat(raw)))
            except ValueError:
                return Response({"week": ["Enter a date like 2026-11-30"]}, status=400)
        paginator = Pagination()
        shown = list(paginator.paginate_queryset(entries, request, view=self) or [])
        record_list(request.user, PreventionEntry, shown, purpose=PURPOSE, details={"via": "API"})
        return paginator.get_paginated_response(EntrySerializer(shown, many=True).data)
