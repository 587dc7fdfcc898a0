"""Panels for partner systems: the panels a token's user may see, a meeting's agenda and
minutes (for those entitled), recording an action, and updating an action's status.

The same services and rules as the pages (docs/decisions/0050-who-reads-panel-minutes.md):
serializers check shapes and types, the services check meaning and permission and write the
audit trail. See docs/api.md, section "Panels".
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from nestguard.access.door import load
from nestguard.access.rules import api
from nestguard.accounts.models import Agency, User
from nestguard.api.base import (
    CONFLICT,
    VERSION_HELP,
    NestguardAPIView,
    version_in,
)
from nestguard.api.cases import AgencyRefSerializer
from nestguard.api.pagination import Pagination, page_of
from nestguard.panels import rules, selectors
from nestguard.panels.loader import meeting_types
from nestguard.panels.models import Action, ActionStatus, Meeting, MeetingStatus
from nestguard.panels.services import actions as action_services
from nestguard.panels.services.actions import chosen_reasons

API_PURPOSE = "partner_system"
_NOT_FOUND = OpenApiResponse(description="No such record, or not one the token's user may see")
_BAD = OpenApiResponse(description="Field errors; nothing was written")
_DENIED = OpenApiResponse(
    description="The user sees the panel but may not read these minutes or do this"
)


class PanelUserRef(serializers.Serializer):
    """A chair, contact or owner: no agency (the agency is on the member or the action)."""

    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")


class MemberOut(serializers.Serializer):
    agency = AgencyRefSerializer()
    contact = PanelUserRef(allow_null=True)


class MeetingRef(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    meets_on = serializers.DateField()
    status = serializers.ChoiceField(choices=MeetingStatus.choices)


class PanelOut(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    meeting_type = serializers.CharField()
    meeting_type_label = serializers.SerializerMethodField()
    cadence_days = serializers.IntegerField()
    chairs = PanelUserRef(many=True)
    members = MemberOut(many=True)
    meetings = MeetingRef(many=True)

    def get_meeting_type_label(self, panel: Any) -> str:
        kind = meeting_types().get(panel.meeting_type)
        return kind.label if kind else panel.meeting_type


class ActionOut(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    meeting = serializers.CharField(source="meeting.reference")
    item = serializers.SerializerMethodField()
    description = serializers.CharField()
    owner_agency = AgencyRefSerializer()
    owner = PanelUserRef(allow_null=True)
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    completed_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField(help_text="non_completion_reasons code, or empty")
    note = serializers.CharField()
    version = serializers.IntegerField(help_text=VERSION_HELP)

    def get_item(self, action: Any) -> str | None:
        return str(action.item_id) if action.item_id else None


class ItemOut(serializers.Serializer):
    id = serializers.UUIDField(source="item.pk")
    number = serializers.IntegerField()
    source = serializers.CharField(source="item.source")  # type: ignore[assignment]
    title = serializers.CharField(source="item.title")
    reason = serializers.CharField(source="item.reason")
    case = serializers.CharField(source="item.case.reference", allow_null=True, default=None)
    person_id = serializers.UUIDField(source="item.person_id", allow_null=True)
    discussion = serializers.CharField(source="item.discussion")
    decisions = serializers.CharField(source="item.decisions")
    risk_before = serializers.CharField(source="item.risk_before")
    risk_after = serializers.CharField(source="item.risk_after")
    actions = ActionOut(many=True)


class CarriedOut(serializers.Serializer):
    action = ActionOut(source="carry.action")
    reason = serializers.CharField(source="carry.reason")
    reason_text = serializers.CharField(source="carry.reason_text")
    times_carried = serializers.IntegerField()
    escalate = serializers.BooleanField()


class NoteOut(serializers.Serializer):
    source = serializers.CharField()  # type: ignore[assignment]
    rule = serializers.CharField()
    note = serializers.CharField()


class AgendaOut(serializers.Serializer):
    meeting = MeetingRef()
    panel = serializers.CharField()
    agenda_built_at = serializers.DateTimeField(allow_null=True)
    notes = NoteOut(many=True, help_text="Agenda rules skipped, and why")
    items = ItemOut(many=True)
    carried = CarriedOut(many=True)
    actions = ActionOut(many=True, help_text="Actions for the meeting as a whole")


class ActionIn(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    owner = serializers.CharField(
        required=False, allow_blank=True, default="",
        help_text="The owner's username; their agency owns the action unless owner_agency says",
    )  # fmt: skip
    owner_agency = serializers.UUIDField(
        required=False, allow_null=True, default=None,
        help_text="The owning agency's id; needed when no owner is named",
    )  # fmt: skip
    due_on = serializers.DateField()
    item = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1,
        help_text="The agenda item's number as shown (1 is the first); empty for the meeting",
    )  # fmt: skip


class ActionUpdateIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    completed_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.ChoiceField(
        choices=[("", "None"), *chosen_reasons()], required=False, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default=None)
    version = version_in(required=True)


class PanelList(NestguardAPIView):
    access_rule = api(rules.PANEL_PAGES)

    @extend_schema(
        operation_id="panels_list",
        summary="Panels the token's user may see, with members, chairs, cadence and meetings",
        responses=page_of(PanelOut, "PanelPage"),
    )
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        panels = selectors.panel_list(request.user).prefetch_related(
            selectors.members_prefetch(), selectors.prefetch_meetings()
        )
        page = paginator.paginate_queryset(panels, request, view=self)
        return paginator.get_paginated_response(PanelOut(page, many=True).data)


def _readable_meeting(request: Request, pk: Any) -> Meeting:
    meeting = load(request.user, Meeting, pk, purpose=API_PURPOSE)
    if rules.must_sign_first(request.user, meeting):
        raise exceptions.PermissionDenied(
            "Sign the meeting's confidentiality agreement (on its page) before reading it"
        )
    if not rules.may_read_minutes(request.user, meeting):
        raise exceptions.PermissionDenied("The agenda and minutes are restricted")
    return meeting


class MeetingAgenda(NestguardAPIView):
    access_rule = api(rules.PANEL_PAGES)

    @extend_schema(
        operation_id="meetings_agenda",
        summary="A meeting's agenda and minutes: items, actions, carried-over actions",
        responses={200: AgendaOut, 403: _DENIED, 404: _NOT_FOUND},
    )
    def get(self, request: Request, pk: Any) -> Response:
        meeting = _readable_meeting(request, pk)
        detail = selectors.meeting_detail(meeting)
        body = {
            "meeting": meeting,
            "panel": meeting.panel.name,
            "agenda_built_at": meeting.agenda_built_at,
            "notes": meeting.agenda_notes,
            "items": detail.items,
            "carried": detail.carried,
            "actions": detail.loose_actions,
        }
        return Response(AgendaOut(body).data)


class MeetingActions(NestguardAPIView):
    access_rule = api(rules.PANEL_PAGES)

    @extend_schema(
        operation_id="meetings_actions_create",
        summary="Record an action (the panel's chairs): owner, owner agency, due date, item",
        request=ActionIn,
        responses={201: ActionOut, 400: _BAD, 403: _DENIED, 404: _NOT_FOUND},
    )
    def post(self, request: Request, pk: Any) -> Response:
        meeting = load(request.user, Meeting, pk, purpose=API_PURPOSE)
        if not rules.is_chair(request.user, meeting.panel):
            raise exceptions.PermissionDenied("Only the panel's chairs record actions")
        body = ActionIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        errors: dict[str, list[str]] = {}
        owner = None
        if data["owner"]:
            owner = User.objects.select_related("agency").filter(username=data["owner"]).first()
            if owner is None:
                errors["owner"] = ["There is no user with that username"]
        agency = owner.agency if owner is not None else None
        if data["owner_agency"] is not None:
            agency = Agency.objects.filter(pk=data["owner_agency"]).first()
            if agency is None:
                errors["owner_agency"] = ["There is no agency with that id"]
        elif not data["owner"]:
            errors["owner_agency"] = ["Give the owner agency, or an owner"]
        item = None
        if data["item"] is not None:
            items = selectors.meeting_detail(meeting).items
            if data["item"] > len(items):
                errors["item"] = [f"The agenda has {len(items)} items"]
            else:
                item = items[data["item"] - 1].item
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        action = action_services.action_record(
            actor=request.user,
            meeting=meeting,
            item=item,
            description=data["description"],
            owner_agency=agency,
            owner=owner,
            due_on=data["due_on"],
        )
        return Response(ActionOut(action).data, status=status.HTTP_201_CREATED)


class ActionStatusUpdate(NestguardAPIView):
    access_rule = api(rules.PANEL_PAGES)

    @extend_schema(
        operation_id="actions_update",
        summary="Update an action's status (its owner, their agency's supervisors, the chairs)",
        request=ActionUpdateIn,
        responses={200: ActionOut, 400: _BAD, 403: _DENIED, 404: _NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, pk: Any) -> Response:
        action: Action = load(request.user, Action, pk, purpose=API_PURPOSE)
        if not rules.may_update_action(request.user, action):
            raise exceptions.PermissionDenied(
                "Only the owner, their agency's supervisors or the panel's chairs update it"
            )
        body = ActionUpdateIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        action_services.action_update(
            actor=request.user,
            action=action,
            status=data["status"],
            completed_on=data["completed_on"],
            reason=data["reason"],
            note=data["note"],
            expected_version=data["version"],
        )
        action = selectors.action_reloaded(action)
        return Response(ActionOut(action).data)
