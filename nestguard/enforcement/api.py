"""The enforcement API (docs/api.md, section "Enforcement"): the same selectors and service
as the pages.

- GET  /api/v1/enforcement/?address=UPRN (or the address id): the steps there the token's
  user may see, each with its deadlines, rules and sources.
- POST /api/v1/addresses/{uprn}/enforcement/: record a step.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from nestguard.access.door import load, visible
from nestguard.access.rules import CASEWORK, api
from nestguard.api.base import NestguardAPIView, validation_error_response
from nestguard.cases.models import Case
from nestguard.enforcement import selectors, services
from nestguard.enforcement.ladder import ladder
from nestguard.enforcement.models import EnforcementAction, Scope
from nestguard.people.models import Person
from nestguard.places.models import Address


class SourceSerializer(serializers.Serializer):
    act = serializers.CharField()
    section = serializers.CharField()
    url = serializers.CharField()
    status = serializers.CharField(help_text="primary, secondary, unverified or policy")
    note = serializers.CharField(required=False)


class DeadlineSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    due_at = serializers.DateTimeField()
    rule = serializers.CharField()
    source = SourceSerializer()  # type: ignore[assignment]
    on_passing = serializers.CharField(help_text="overdue (must be met) or lapses")
    note = serializers.CharField()
    met_at = serializers.DateTimeField(allow_null=True)


class ActionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    step = serializers.CharField()
    step_label = serializers.SerializerMethodField()
    address_id = serializers.UUIDField()
    uprn = serializers.CharField(source="address.uprn", allow_null=True)
    person_id = serializers.UUIDField(allow_null=True)
    person = serializers.SerializerMethodField()
    case = serializers.CharField(source="case.reference", allow_null=True, default=None)
    parent = serializers.CharField(source="parent.reference", allow_null=True, default=None)  # type: ignore[assignment]
    taken_at = serializers.DateTimeField()
    issuer = serializers.CharField()
    agency = serializers.CharField(source="agency.name")
    conduct = serializers.CharField()
    scope = serializers.CharField()
    part_description = serializers.CharField()
    comply_by = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    rules_version = serializers.CharField()
    deadlines = DeadlineSerializer(many=True, source="deadlines.all")

    def get_step_label(self, action: EnforcementAction) -> str:
        step = ladder().steps.get(action.step)
        return step.label if step else action.step

    def get_person(self, action: EnforcementAction) -> str | None:
        return action.person.display_name if action.person else None


class StepInSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=[], help_text="A step code of the ladder, e.g. cpw")
    taken_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When it was issued, served, made or applied for (ISO 8601; default now)",
    )
    issuer = serializers.CharField(help_text="The issuer rank code, e.g. police_inspector")
    person_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    case_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    parent = serializers.CharField(  # type: ignore[assignment]
        required=False, allow_blank=True, default="", help_text="Reference of the earlier step"
    )
    conduct = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    scope = serializers.ChoiceField(
        choices=Scope.choices, required=False, allow_blank=True, default=""
    )
    part_description = serializers.CharField(required=False, allow_blank=True, default="")
    comply_by = serializers.DateTimeField(required=False, allow_null=True, default=None)
    ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [  # type: ignore[attr-defined]
            (code, step.label) for code, step in ladder().steps.items()
        ]


def _address(user: Any, key: str) -> Address:
    """An address by UPRN, or by its id."""
    try:
        pk = uuid.UUID(key)
    except ValueError:
        return load(user, Address, key, purpose="enforcement", field="uprn")
    return load(user, Address, pk, purpose="enforcement")


_NOT_FOUND = OpenApiResponse(description="No such address, or none the token's user may see")


class EnforcementList(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="enforcement_list",
        summary="Enforcement steps at an address, with their deadlines and legal sources",
        parameters=[
            OpenApiParameter(
                "address", str, required=True, description="The address's UPRN (or its id)"
            )
        ],
        responses={200: ActionSerializer(many=True), 400: OpenApiResponse(), 404: _NOT_FOUND},
    )
    def get(self, request: Request) -> Response:
        key = (request.query_params.get("address") or "").strip()
        if not key:
            return Response(
                {"address": ["Give the address's UPRN: ?address=UPRN"]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        address = _address(request.user, key)
        actions = selectors.actions_at(request.user, address)
        return Response(ActionSerializer(actions, many=True).data)


class AddressEnforcementCreate(NestguardAPIView):
    access_rule = api(CASEWORK)

    @extend_schema(
        operation_id="enforcement_record",
        summary="Record an enforcement step at an address",
        request=StepInSerializer,
        responses={
            201: ActionSerializer,
            400: OpenApiResponse(
                description="Field errors with the rule that refused; nothing written"
            ),
            403: OpenApiResponse(description="The user's agency holds no enforcement power"),
            404: _NOT_FOUND,
        },
    )
    def post(self, request: Request, uprn: str) -> Response:
        user = request.user
        address = _address(user, uprn)
        body = StepInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        errors: dict[str, list[str]] = {}
        person = None
        if data["person_id"]:
            # Hidden and missing alike: the same message for a person id that does not exist
            # and one the user may not see.
            person = visible(user, Person).filter(pk=data["person_id"]).first()
            if person is None:
                errors["person_id"] = ["There is no person you can see with that id"]
        case = None
        if data["case_id"]:
            case = visible(user, Case).filter(pk=data["case_id"]).first()
            if case is None:
                errors["case_id"] = ["There is no case you can see with that id"]
        parent = None
        if data["parent"]:
            parent = (
                visible(user, EnforcementAction)
                .filter(reference=data["parent"], address=address)
                .first()
            )
            if parent is None:
                errors["parent"] = ["There is no earlier step you can see with that reference here"]
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        try:
            action = services.enforcement_action_record(
                actor=user,
                address=address,
                step=data["step"],
                taken_at=data["taken_at"] or _now(),
                issuer=data["issuer"],
                person=person,
                case=case,
                parent=parent,
                conduct=data["conduct"],
                notes=data["notes"],
                scope=data["scope"],
                part_description=data["part_description"],
                comply_by=data["comply_by"],
                ends_at=data["ends_at"],
            )
        except DjangoValidationError as exc:
            response = validation_error_response(exc)
            if "person" in response.data:
                response.data["person_id"] = response.data.pop("person")
            if "case" in response.data:
                response.data["case_id"] = response.data.pop("case")
            return response
        # Read back through the selector, with its deadlines, as a GET would show it.
        created = next(a for a in selectors.actions_at(user, address) if a.pk == action.pk)
        return Response(ActionSerializer(created).data, status=status.HTTP_201_CREATED)


def _now() -> Any:
    return timezone.now()
