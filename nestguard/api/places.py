"""The places API: the door check, warning markers, the register around a property and the
repeat-address queue. The same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from nestguard.access.door import load, record_list, record_search, visible
from nestguard.access.restrictions import may_change_restriction
from nestguard.access.rules import CASEWORK, SIGNED_IN, api
from nestguard.api.base import NestguardAPIView, validation_error_response
from nestguard.api.pagination import Pagination, page_of
from nestguard.api.restrictions import RESTRICTION_HELP, RestrictionInSerializer
from nestguard.cases.models import Case
from nestguard.places import selectors
from nestguard.places.models import Address, RepeatAddressAlert, WarningMarker
from nestguard.places.policy import places_rules
from nestguard.places.services.doors import door_check_ask
from nestguard.places.services.repeats import can_work_repeat_alerts
from nestguard.places.services.warnings import warning_place, warning_restrict
from nestguard.places.validation import clean_door_query

API_PURPOSE = "partner_system"
_BAD = OpenApiResponse(description="Field errors; nothing was written")
_NOT_FOUND = OpenApiResponse(
    description="No such address, or not one with a case or referral the token's user may see"
)


def _visible_by_uprn(user: Any, uprn: str) -> Address:
    """The address with this UPRN if the user sees something there; 404 otherwise."""
    return load(user, Address, uprn, purpose=API_PURPOSE, field="uprn")


class DoorAnswerSerializer(serializers.Serializer):
    level = serializers.CharField(help_text="none, low, medium or high")
    advice = serializers.CharField()
    contact = serializers.CharField(help_text="Empty when there is no warning")


class DoorCheck(NestguardAPIView):
    """ "Is there a risk behind this door?" Exactly level, advice and contact, in the same
    shape with or without a warning; never the reasons or the people. Every check is
    audited (`address.door_check`)."""

    access_rule = api(SIGNED_IN)

    @extend_schema(
        operation_id="addresses_door_check",
        summary="Is there a risk behind this door? (by UPRN, or postcode and house)",
        parameters=[
            OpenApiParameter("uprn", str, description="The property's UPRN"),
            OpenApiParameter("postcode", str, description="With number: the postcode"),
            OpenApiParameter("number", str, description="With postcode: house number or name"),
        ],
        responses={200: DoorAnswerSerializer, 400: _BAD},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        query, errors = clean_door_query(
            params.get("uprn"), params.get("postcode"), params.get("number")
        )
        if errors:
            return Response({k: [v] for k, v in errors.items()}, status=400)
        answer = door_check_ask(actor=request.user, query=query, via="API: door check")
        return Response(answer.as_dict())


class WarningInSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="A code of the warning_categories list")
    level = serializers.CharField(help_text="low, medium or high")
    advice = serializers.CharField(max_length=1000, help_text="Safety advice for visitors")
    contact = serializers.CharField(max_length=300, help_text="Whom to contact")
    review_on = serializers.DateField()
    expires_on = serializers.DateField()
    case_id = serializers.UUIDField(
        required=False, allow_null=True, default=None,
        help_text="The case at this address it is placed through (default: the newest you work on)",
    )  # fmt: skip
    restriction = serializers.CharField(
        required=False, default="", help_text=RESTRICTION_HELP + "; the door check ignores it"
    )


class WarningOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    uprn = serializers.CharField(source="address.uprn")
    category = serializers.CharField()
    level = serializers.CharField()
    advice = serializers.CharField()
    contact = serializers.CharField()
    owner_agency = serializers.CharField(source="owner_agency.name")
    case = serializers.CharField(source="case.reference", allow_null=True)
    review_on = serializers.DateField()
    expires_on = serializers.DateField()
    restriction = serializers.CharField(help_text=RESTRICTION_HELP)
    state = serializers.CharField(help_text="in_force, review_overdue, lapsed or withdrawn")


class AddressWarnings(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="addresses_warnings_list",
        summary="The markers at an address whose reasons the token's user may read",
        responses={200: WarningOutSerializer(many=True), 404: _NOT_FOUND},
    )
    def get(self, request: Request, uprn: str) -> Response:
        address = _visible_by_uprn(request.user, uprn)
        markers = selectors.markers_at(request.user, address)
        # The door records the markers shown with their reasons (`warning.list`).
        record_list(
            request.user,
            WarningMarker,
            markers,
            purpose=API_PURPOSE,
            details={"address": address.audit_label},
        )
        return Response(WarningOutSerializer(markers, many=True).data)

    @extend_schema(
        operation_id="addresses_warnings_create",
        summary="Place a warning marker on an address",
        request=WarningInSerializer,
        responses={201: WarningOutSerializer, 400: _BAD, 404: _NOT_FOUND},
    )
    def post(self, request: Request, uprn: str) -> Response:
        address = _visible_by_uprn(request.user, uprn)
        body = WarningInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        case = None
        if data["case_id"] is not None:
            case = visible(request.user, Case).filter(pk=data["case_id"]).first()
            if case is None:
                return Response({"case_id": ["No case you can see has that id"]}, status=400)
        try:
            marker = warning_place(
                actor=request.user,
                address=address,
                category=data["category"],
                level=data["level"],
                advice=data["advice"],
                contact=data["contact"],
                review_on=data["review_on"],
                expires_on=data["expires_on"],
                case=case,
                restriction=data["restriction"],
            )
        except DjangoValidationError as exc:
            return validation_error_response(exc, rename={"case": "case_id"})
        return Response(WarningOutSerializer(marker).data, status=status.HTTP_201_CREATED)


class NearbyAddressSerializer(serializers.Serializer):
    uprn = serializers.CharField(source="address.uprn")
    line1 = serializers.CharField(source="address.line1")
    line2 = serializers.CharField(source="address.line2")
    town = serializers.CharField(source="address.town")
    postcode = serializers.CharField(source="address.postcode")
    metres = serializers.SerializerMethodField()

    def get_metres(self, row: Any) -> int:
        return round(row.metres)


class NearbyOutSerializer(serializers.Serializer):
    uprn = serializers.CharField()
    radius = serializers.IntegerField()
    count = serializers.IntegerField()
    results = NearbyAddressSerializer(many=True)


class AddressNearby(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="addresses_nearby",
        summary="Register addresses within a radius (metres, British National Grid)",
        parameters=[OpenApiParameter("radius", int, description="Metres; default 150")],
        responses={200: NearbyOutSerializer, 400: _BAD, 404: _NOT_FOUND},
    )
    def get(self, request: Request, uprn: str) -> Response:
        address = _visible_by_uprn(request.user, uprn)
        rule = places_rules().leaflet_drop
        raw = request.query_params.get("radius", "")
        if raw == "":
            radius = rule.default_radius_m
        elif not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= rule.max_radius_m:
            message = f"Enter a radius from 1 to {rule.max_radius_m} metres"
            return Response({"radius": [message]}, status=400)
        else:
            radius = int(raw)
        rows = selectors.nearby(address, radius)
        record_search(
            request.user,
            "address.nearby",
            obj=address,
            purpose=API_PURPOSE,
            terms={"radius": radius},
            found=len(rows),
        )
        return Response(
            {
                "uprn": address.uprn,
                "radius": radius,
                "count": len(rows),
                "results": NearbyAddressSerializer(rows, many=True).data,
            }
        )


class RepeatAlertSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    uprn = serializers.CharField(source="address.uprn", allow_null=True)
    address = serializers.CharField(source="address.one_line")
    ward = serializers.CharField(source="address.ward")
    report_count = serializers.IntegerField()
    window_days = serializers.IntegerField()
    threshold = serializers.IntegerField()
    raised_at = serializers.DateTimeField()


class RepeatAlerts(NestguardAPIView):
    """Open repeat-address alerts, for the police and ASB leads (caseworkers and supervisors
    of police and community safety agencies); 403 for anyone else."""

    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="addresses_repeat_alerts",
        summary="Open repeat-address alerts",
        responses={200: page_of(RepeatAlertSerializer, "RepeatAlertPage")},
    )
    def get(self, request: Request) -> Response:
        if not can_work_repeat_alerts(request.user):
            return Response(
                {"detail": "Repeat-address alerts are for the police and ASB leads"}, status=403
            )
        paginator = Pagination()
        alerts = paginator.paginate_queryset(
            selectors.open_repeat_alerts(request.user), request, view=self
        )
        record_list(request.user, RepeatAddressAlert, list(alerts or []), purpose=API_PURPOSE)
        return paginator.get_paginated_response(RepeatAlertSerializer(alerts, many=True).data)


class WarningRestriction(NestguardAPIView):
    """Change who may read a marker's reasons: caseworkers of the agency that placed it."""

    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="warnings_restriction_update",
        summary="Change a warning marker's handling restriction (the owning agency only)",
        request=RestrictionInSerializer,
        responses={
            200: WarningOutSerializer,
            400: _BAD,
            403: OpenApiResponse(description="Not the agency that placed the marker"),
            404: OpenApiResponse(description="No such marker, or not one the user may read"),
        },
    )
    def put(self, request: Request, pk: Any) -> Response:
        # A marker whose reasons the user may not read answers 404, as a missing one.
        marker = load(request.user, WarningMarker, pk, purpose=API_PURPOSE)
        if not may_change_restriction(request.user, marker.owner_agency_id):
            return Response(
                {"detail": "Only the agency that placed the marker can change its restriction"},
                status=403,
            )
        body = RestrictionInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        marker = warning_restrict(
            actor=request.user, marker=marker, restriction=body.validated_data["restriction"]
        )
        return Response(WarningOutSerializer(marker).data)
