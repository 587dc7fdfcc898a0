"""Panel pages: HTTP only. Reads come from `panels.selectors`, writes go through the panel
services, who may do what is `panels.rules` (docs/decisions/0050-who-reads-panel-minutes.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from nestguard.access.door import load, record_list, visible
from nestguard.access.rules import access_rule, signed_in_user
from nestguard.accounts.models import Role
from nestguard.cases.models import Case
from nestguard.core.links import reverser
from nestguard.core.pages import form_acted, posted
from nestguard.panels import forms as panel_forms
from nestguard.panels import rules, selectors
from nestguard.panels.loader import meeting_type, meeting_types, panel_rules
from nestguard.panels.models import Action, ActionStatus, Meeting, MeetingStatus, Panel
from nestguard.panels.services import actions as action_services
from nestguard.panels.services import meetings as meeting_services
from nestguard.panels.services import panels as panel_services
from nestguard.panels.services.meetings import next_meeting_date
from nestguard.people.models import Person
from nestguard.risk.display import band_choices

PANEL_PAGES = rules.PANEL_PAGES


def _form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    title: str,
    caption: str,
    back: str,
    back_text: str,
    button: str,
    act: Callable[[dict[str, Any]], Any],
    done: str,
    success_url: str | Callable[[Any], str] | None = None,
    intro: str = "",
    extra: dict[str, Any] | None = None,
    template: str = "panels/form.html",
) -> HttpResponse:
    """Every panel form: on a good POST the service acts and the page says so; on a bad one,
    the error summary and nothing written."""
    acted = form_acted(request, form, act, done=done, then=success_url or back)
    if acted is not None:
        return acted
    context = {
        "form": form,
        "title": title,
        "caption": caption,
        "back": back,
        "back_text": back_text,
        "button": button,
        "intro": intro,
        **(extra or {}),
    }
    return render(request, template, context)


def _panel_url(panel: Panel) -> str:
    return reverse("panels:detail", args=[panel.pk])


def _meeting_url(meeting: Meeting) -> str:
    return reverse("panels:meeting", args=[meeting.pk])


def _chaired_panel(request: HttpRequest, pk: Any) -> Panel:
    user = signed_in_user(request)
    panel = load(user, Panel, pk, purpose="panel")
    if not rules.is_chair(user, panel):
        raise PermissionDenied
    return panel


def _chaired_meeting(request: HttpRequest, pk: Any) -> Meeting:
    user = signed_in_user(request)
    meeting = load(user, Meeting, pk, purpose="panel")
    if not rules.is_chair(user, meeting.panel):
        raise PermissionDenied
    return meeting


# ---------------------------------------------------------------------------------------------
# Panels


@access_rule(PANEL_PAGES)
def panel_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    panels = list(selectors.panel_list(user))
    chaired = set(selectors.chaired_panel_ids(user))
    return render(
        request,
        "panels/list.html",
        {
            "panels": [
                {
                    "panel": p,
                    "type": meeting_types().get(p.meeting_type),
                    "chair": p.pk in chaired,
                }
                for p in panels
            ],
            "may_create": user.has_role(Role.PANEL_CHAIR),
            "flagged": selectors.flags_for_chair(user) if chaired else 0,
        },
    )


@access_rule(PANEL_PAGES)
def panel_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not user.has_role(Role.PANEL_CHAIR):
        raise PermissionDenied
    return _form_page(
        request,
        form=panel_forms.PanelCreateForm(posted(request)),
        title="Create a panel",
        caption="Panels",
        back=reverse("panels:list"),
        back_text="Back to panels",
        button="Create panel",
        intro="You will chair it, and your agency will be its first member. Add the other "
        "agencies next.",
        act=lambda d: panel_services.panel_create(
            actor=user,
            name=d["name"],
            meeting_type=d["meeting_type"],
            cadence_days=d["cadence_days"],
        ),
        done="Panel created",
        success_url=_panel_url,
    )


@access_rule(PANEL_PAGES)
def panel_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    panel = load(user, Panel, pk, purpose="panel")
    chair = rules.is_chair(user, panel)
    readable = set(rules.readable_meetings(user).filter(panel=panel).values_list("pk", flat=True))
    meetings = selectors.panel_meetings(panel)
    try:
        kind = meeting_type(panel.meeting_type)
    except KeyError:
        kind = None
    return render(
        request,
        "panels/panel.html",
        {
            "panel": panel,
            "kind": kind,
            "chair": chair,
            "chairs": list(panel.chairs.select_related("agency").order_by("last_name")),
            "members": selectors.panel_members(panel),
            "meetings": [{"meeting": m, "readable": m.pk in readable} for m in meetings],
            "next_date": next_meeting_date(panel) if chair else None,
            "today": timezone.localdate(),
        },
    )


@access_rule(PANEL_PAGES)
def member_add(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    panel = _chaired_panel(request, pk)
    return _form_page(
        request,
        form=panel_forms.MemberForm(
            posted(request), agencies=selectors.member_agency_choices(panel)
        ),
        title="Add an agency to the panel",
        caption=panel.name,
        back=_panel_url(panel),
        back_text=f"Back to {panel.name}",
        button="Add agency",
        intro=(
            "Supervisors and panel chairs of member agencies receive the restricted minutes. "
            "An agency joins only if it has an active sharing agreement with every agency "
            "already on the panel."
        ),
        act=lambda d: panel_services.panel_member_add(actor=user, panel=panel, agency=d["agency"]),
        done="Agency added",
    )


@access_rule(PANEL_PAGES)
def meeting_schedule(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    panel = _chaired_panel(request, pk)
    form = panel_forms.ScheduleForm(posted(request), initial={"meets_on": next_meeting_date(panel)})
    return _form_page(
        request,
        form=form,
        title="Schedule a meeting",
        caption=panel.name,
        back=_panel_url(panel),
        back_text=f"Back to {panel.name}",
        button="Schedule meeting",
        intro=f"The panel meets every {panel.cadence_days} days. The agenda builds itself from "
        "the panel's rules, and actions not yet done are carried to it.",
        act=lambda d: meeting_services.meeting_schedule(
            actor=user, panel=panel, meets_on=d["meets_on"], venue=d["venue"]
        ),
        done="Meeting scheduled and its agenda built",
        success_url=_meeting_url,
    )


# ---------------------------------------------------------------------------------------------
# Meetings


@access_rule(PANEL_PAGES)
def meeting_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    meeting = load(user, Meeting, pk, purpose="panel")
    if rules.must_sign_first(user, meeting):
        return redirect("panels:agreement", pk=meeting.pk)
    if not rules.may_read_minutes(user, meeting):
        raise PermissionDenied("The agenda and minutes are restricted")
    chair = rules.is_chair(user, meeting.panel)
    detail = selectors.meeting_detail(meeting)
    today = timezone.localdate()
    bands = dict(band_choices())
    seen_cases = set(
        visible(user, Case)
        .filter(pk__in=[row.item.case_id for row in detail.items if row.item.case_id])
        .values_list("pk", flat=True)
    )
    people = set(
        visible(user, Person)
        .filter(pk__in=[row.item.person_id for row in detail.items if row.item.person_id])
        .values_list("pk", flat=True)
    )
    may = rules.action_updater(user, meeting.panel)
    may_update = {a.pk for row in detail.items for a in row.actions if may(a)} | {
        a.pk for a in detail.loose_actions if may(a)
    }
    # One reverse per kind of link, not one per row (decision 0094).
    person_page, case_page = reverser("people:detail"), reverser("cases:detail")
    minutes, move = (
        reverser("panels:item_minutes", meeting.pk),
        reverser("panels:item_move", meeting.pk),
    )
    action_add = reverse("panels:action_add", args=[meeting.pk])
    action_rows = _action_rows(may_update)
    for row in detail.items:
        item_id = row.item.pk
        if row.item.person_id in people:
            row.person_url = person_page(row.item.person_id)
        if row.item.case_id in seen_cases:
            row.case_url = case_page(row.item.case_id)
        row.risk_before_label = bands.get(row.item.risk_before, row.item.risk_before)
        row.risk_after_label = bands.get(row.item.risk_after, row.item.risk_after)
        row.action_rows = action_rows(row.actions)
        row.minutes_url, row.move_url = minutes(item_id), move(item_id)
        row.action_add_url = f"{action_add}?item={item_id}"
    return render(
        request,
        "panels/meeting.html",
        {
            "meeting": meeting,
            "panel": meeting.panel,
            "detail": detail,
            "chair": chair,
            "open": meeting.status != MeetingStatus.HELD,
            "flags": selectors.cross_panel_flags(meeting) if chair else [],
            "today": today,
            "loose_actions": action_rows(detail.loose_actions),
            "action_add": action_add,
            "escalation_note": panel_rules().escalation_note,
            "may_hold": chair
            and meeting.status != MeetingStatus.HELD
            and meeting.meets_on <= today,
        },
    )


@access_rule(PANEL_PAGES)
def agenda_build(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    meeting = _chaired_meeting(request, pk)
    return _form_page(
        request,
        form=panel_forms.ConfirmForm(posted(request)),
        title="Bring the agenda up to date",
        caption=str(meeting),
        back=_meeting_url(meeting),
        back_text="Back to the meeting",
        button="Update agenda",
        intro="New matters the panel's rules find are added at the end; items already on the "
        "agenda keep their place, and actions not yet done are carried to this meeting.",
        act=lambda d: meeting_services.meeting_agenda_build(actor=user, meeting=meeting),
        done="Agenda brought up to date",
    )


@access_rule(PANEL_PAGES)
def item_add(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    meeting = _chaired_meeting(request, pk)
    return _form_page(
        request,
        form=panel_forms.ItemForm(posted(request)),
        title="Add an agenda item",
        caption=str(meeting),
        back=_meeting_url(meeting),
        back_text="Back to the meeting",
        button="Add item",
        intro="It goes at the end of the agenda; move it up from the meeting page.",
        act=lambda d: meeting_services.agenda_item_add(
            actor=user, meeting=meeting, title=d["title"], reason=d["reason"]
        ),
        done="Item added",
    )


@access_rule(PANEL_PAGES)
@require_POST
def item_move(request: HttpRequest, pk: Any, item_pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    meeting = _chaired_meeting(request, pk)
    item = selectors.get_item(meeting, item_pk)
    form = panel_forms.MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose up or down")
    else:
        try:
            moved = meeting_services.agenda_item_move(
                actor=user, item=item, direction=form.cleaned_data["direction"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"“{item.title}” is now item {moved.position}")
    return redirect(f"{_meeting_url(meeting)}#item-{item.pk}")


@access_rule(PANEL_PAGES)
def item_minutes(request: HttpRequest, pk: Any, item_pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    meeting = _chaired_meeting(request, pk)
    item = selectors.get_item(meeting, item_pk)
    initial = {
        "discussion": item.discussion,
        "decisions": item.decisions,
        "risk_before": item.risk_before or (item.case.risk_band if item.case_id else ""),  # type: ignore[union-attr]
        "risk_after": item.risk_after,
    }
    return _form_page(
        request,
        form=panel_forms.MinutesForm(posted(request), initial=initial),
        title="Record the minutes of an item",
        caption=item.title,
        back=_meeting_url(meeting),
        back_text="Back to the meeting",
        button="Save minutes",
        act=lambda d: meeting_services.agenda_item_minutes(
            actor=user,
            item=item,
            discussion=d["discussion"],
            decisions=d["decisions"],
            risk_before=d["risk_before"],
            risk_after=d["risk_after"],
        ),
        done="Minutes saved",
        success_url=f"{_meeting_url(meeting)}#item-{item.pk}",
    )


@access_rule(PANEL_PAGES)
def attendance_add(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    meeting = _chaired_meeting(request, pk)
    return _form_page(
        request,
        form=panel_forms.AttendanceForm(posted(request), users=selectors.attendee_choices(meeting)),
        title="Record attendance",
        caption=str(meeting),
        back=_meeting_url(meeting),
        back_text="Back to the meeting",
        button="Record",
        intro="Each attendee signs the confidentiality agreement themselves before they can "
        "read the agenda and minutes.",
        act=lambda d: meeting_services.attendance_record(
            actor=user, meeting=meeting, user=d["user"], status=d["status"]
        ),
        done="Attendance recorded",
    )


@access_rule(PANEL_PAGES)
def agreement(request: HttpRequest, pk: Any) -> HttpResponse:
    """The attendee's own confidentiality agreement for this meeting."""
    user = signed_in_user(request)
    meeting = load(user, Meeting, pk, purpose="panel")
    attendance = meeting.attendance.filter(user=user).first()
    if attendance is None:
        raise PermissionDenied("Only people recorded at the meeting sign its agreement")
    text = panel_rules().confidentiality_text
    return _form_page(
        request,
        form=panel_forms.AgreementForm(posted(request)),
        title="Confidentiality agreement",
        caption=str(meeting),
        back=_panel_url(meeting.panel),
        back_text=f"Back to {meeting.panel.name}",
        button="Sign and continue",
        intro="",
        act=lambda d: meeting_services.attendance_sign(
            actor=user, attendance=attendance, agreed=d["agreed"]
        ),
        done="Agreement signed",
        success_url=_meeting_url(meeting),
        template="panels/agreement.html",
        extra={"agreement_text": text, "attendance": attendance},
    )


@access_rule(PANEL_PAGES)
def meeting_hold(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    meeting = _chaired_meeting(request, pk)
    return _form_page(
        request,
        form=panel_forms.ConfirmForm(posted(request)),
        title="Record the meeting as held",
        caption=str(meeting),
        back=_meeting_url(meeting),
        back_text="Back to the meeting",
        button="Record as held",
        intro="The agenda becomes final. Minutes and actions can still be recorded.",
        act=lambda d: meeting_services.meeting_hold(actor=user, meeting=meeting),
        done="Meeting recorded as held",
    )


# ---------------------------------------------------------------------------------------------
# Actions


@access_rule(PANEL_PAGES)
def action_add(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    meeting = _chaired_meeting(request, pk)
    item = None
    item_pk = request.GET.get("item") or request.POST.get("item")
    if item_pk:
        try:
            item = selectors.get_item(meeting, item_pk)
        except ValidationError:
            raise Http404 from None
    return _form_page(
        request,
        form=panel_forms.ActionForm(
            posted(request),
            agencies=selectors.owner_agency_choices(meeting),
            users=selectors.owner_choices(meeting),
        ),
        title="Record an action",
        caption=item.title if item else str(meeting),
        back=_meeting_url(meeting),
        back_text="Back to the meeting",
        button="Record action",
        intro="Until it is completed, the action is carried to each next meeting of the panel "
        "with the reason it is not done.",
        act=lambda d: action_services.action_record(
            actor=user,
            meeting=meeting,
            item=item,
            description=d["description"],
            owner_agency=d["owner_agency"],
            owner=d["owner"],
            due_on=d["due_on"],
        ),
        done="Action recorded",
        success_url=f"{_meeting_url(meeting)}#item-{item.pk}" if item else _meeting_url(meeting),
        extra={"item": item},
    )


def _action_rows(
    may_update: set[Any] | frozenset[Any] = frozenset(),
) -> Callable[[list[Action]], list[selectors.ActionRow]]:
    """Rows for `_actions_table.html`: each action with its links (two reverses in all)."""
    page, update = reverser("panels:action"), reverser("panels:action_update")

    def rows(actions: list[Action]) -> list[selectors.ActionRow]:
        return [
            selectors.ActionRow(a, page(a.pk), update(a.pk) if a.pk in may_update else "")
            for a in actions
        ]

    return rows


@access_rule(PANEL_PAGES)
def action_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    actions = list(selectors.action_list(user)[:500])
    record_list(user, Action, actions, purpose="panel")
    today = timezone.localdate()
    rows = _action_rows()
    return render(
        request,
        "panels/actions.html",
        {
            "mine": rows([a for a in actions if a.owner_id == user.pk]),
            "agency": rows([a for a in actions if a.owner_id != user.pk]),
            "today": today,
        },
    )


@access_rule(PANEL_PAGES)
def action_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    action = load(user, Action, pk, purpose="panel")
    return render(
        request,
        "panels/action.html",
        {
            "action": action,
            "carries": selectors.action_carries(action),
            "may_update": rules.may_update_action(user, action),
            "minutes": rules.may_read_minutes(user, action.meeting),
            "overdue": action.is_overdue(timezone.localdate()),
            "reason_label": _reason_label(action),
        },
    )


def _reason_label(action: Action) -> str:
    from nestguard.panels.models import non_completion_reasons

    return non_completion_reasons().label(action.reason) if action.reason else ""


@access_rule(PANEL_PAGES)
def action_update(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    action = load(user, Action, pk, purpose="panel")
    if not rules.may_update_action(user, action):
        raise PermissionDenied
    initial = {
        "status": action.status,
        "completed_on": action.completed_on,
        "reason": action.reason,
        "note": action.note,
        "version": action.version,
    }
    return _form_page(
        request,
        form=panel_forms.ActionUpdateForm(posted(request), initial=initial),
        title=f"Update action {action.reference}",
        caption=action.panel.name,
        back=reverse("panels:action", args=[action.pk]),
        back_text=f"Back to action {action.reference}",
        button="Save",
        intro=action.description,
        act=lambda d: action_services.action_update(
            actor=user,
            action=action,
            status=d["status"],
            completed_on=d["completed_on"],
            reason=d["reason"],
            note=d["note"],
            expected_version=d["version"],
        ),
        done="Action updated",
        extra={"statuses": ActionStatus},
    )
