"""Meetings: scheduled by cadence, agendas that build themselves, attendance and the
confidentiality agreement, the minutes of each item."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from nestguard.accounts.models import Agency, User
from nestguard.audit.disclosure import DisclosureBasis, disclosure_basis
from nestguard.audit.services import audit_record
from nestguard.core.agenda import AgendaCandidate, agenda_source
from nestguard.core.models import next_reference
from nestguard.panels.loader import AgendaRule, meeting_type, panel_rules
from nestguard.panels.models import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionCarry,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    Panel,
    non_completion_reasons,
)
from nestguard.panels.selectors import agenda_scope
from nestguard.panels.services.common import (
    DESCRIPTION_MAX,
    TEXT_MAX,
    TITLE_MAX,
    date_value,
    require_chair,
    text_field,
)
from nestguard.risk.display import band_choices

VENUE_MAX = 200
# Rule parameters the panels app reads itself (see meeting_types.json "note").
PANEL_PARAMS = frozenset({"max_items"})


def next_meeting_date(panel: Panel, today: date | None = None) -> date:
    """The last meeting's date plus the cadence, stepped on past today; today if none."""
    today = today or timezone.localdate()
    last = Meeting.objects.filter(panel=panel).aggregate(last=Max("meets_on"))["last"]
    if last is None:
        return today
    following = last + timedelta(days=panel.cadence_days)
    while following < today:
        following += timedelta(days=panel.cadence_days)
    return following


def meeting_schedule(
    *,
    actor: Any,
    panel: Panel,
    meets_on: date | None = None,
    venue: str = "",
    build_agenda: bool = True,
) -> Meeting:
    """Schedule a meeting (by default the next by cadence) and build its agenda."""
    if actor is not None:
        require_chair(actor, panel)
    errors: dict[str, str] = {}
    if meets_on is None or meets_on == "":
        meets_on = next_meeting_date(panel)
    when = date_value(errors, "meets_on", meets_on, "meeting date")
    if when and actor is not None and when < timezone.localdate():
        errors["meets_on"] = "The meeting date must be today or in the future"
    if when and Meeting.objects.filter(panel=panel, meets_on=when).exists():
        errors["meets_on"] = f"{panel} already meets on {when:%-d %B %Y}"
    place = text_field(errors, "venue", venue, label="Venue", max_length=VENUE_MAX, required=False)
    if not panel.active:
        errors["panel"] = f"{panel} is no longer active"
    if errors:
        raise ValidationError(errors)
    assert when is not None
    with transaction.atomic():
        meeting = Meeting.objects.create(
            reference=next_reference("meeting", "MTG"), panel=panel, meets_on=when, venue=place
        )
        audit_record(
            actor=actor,
            action="meeting.schedule",
            obj=meeting,
            details={"panel": panel.name, "meets_on": when.isoformat()},
        )
        if build_agenda:
            meeting_agenda_build(actor=actor, meeting=meeting)
    return meeting


def _key(candidate: AgendaCandidate) -> str:
    if candidate.key:
        return candidate.key[:200]
    for prefix, value in (
        ("case", candidate.case_id),
        ("person", candidate.person_id),
        ("address", candidate.address_id),
    ):
        if value is not None:
            return f"{prefix}:{value}"
    return f"{candidate.source}:{candidate.title}"[:200]


def _carry_reason(action: Action, meeting: Meeting) -> tuple[str, str]:
    """Why an action not done comes to this meeting: the owner's reason if they gave one,
    otherwise from its state (SafeLives: change of circumstance vs not undertaken)."""
    reasons = non_completion_reasons()
    note = f": {action.note}" if action.note else ""
    if action.reason:
        code = action.reason
    elif action.due_on >= meeting.meets_on:
        code = "not_yet_due"
    elif action.status == "in_progress":
        code = "in_progress"
    else:
        code = "overdue_no_update"
    due = f"due {action.due_on:%-d %B %Y}"
    return code, f"{reasons.label(code)} ({due}){note}"[:DESCRIPTION_MAX]


def _carry_open_actions(meeting: Meeting) -> int:
    """Every action of the panel raised at an earlier meeting and not done comes to this one,
    once; an action done before the build does not."""
    already = ActionCarry.objects.filter(meeting=meeting).values("action_id")
    actions = (
        Action.objects.filter(
            panel=meeting.panel,
            status__in=OPEN_ACTION_STATUSES,
            meeting__meets_on__lt=meeting.meets_on,
        )
        .exclude(pk__in=already)
        .order_by("due_on", "reference")
    )
    carries = []
    for action in actions:
        code, text = _carry_reason(action, meeting)
        carries.append(ActionCarry(action=action, meeting=meeting, reason=code, reason_text=text))
    ActionCarry.objects.bulk_create(carries)
    return len(carries)


def _in_scope(candidate: AgendaCandidate, case_ids: set[Any], person_ids: set[Any]) -> bool:
    if candidate.case_id is not None and candidate.case_id not in case_ids:
        return False
    return candidate.person_id is None or candidate.person_id in person_ids


def collect_candidates(
    rules: Iterable[AgendaRule], *, as_of: date, panel_id: Any
) -> tuple[list[tuple[AgendaRule, AgendaCandidate]], list[dict[str, str]]]:
    """What the rules propose, in rule order, and a note for each rule that could not be used:
    its source is not registered (the app that provides it is absent), or the source refused
    the rule's parameters (ValueError). Neither stops the other rules.

    Every source draws only on the panel's scope (what its member agencies may see,
    `selectors.agenda_scope`), and a candidate naming a case or person outside it is
    dropped here as well, so a source that forgot the scope still shows nothing more."""
    scope = agenda_scope(panel_id)
    case_ids = set(scope.case_ids.values_list("pk", flat=True))
    person_ids = set(scope.person_ids.values_list("person_id", flat=True))
    proposals: list[tuple[AgendaRule, AgendaCandidate]] = []
    notes: list[dict[str, str]] = []
    for rule in rules:
        try:
            source = agenda_source(rule.source)
        except KeyError:
            notes.append(
                {
                    "source": rule.source,
                    "rule": rule.label,
                    "note": f"Skipped: no agenda source {rule.source!r} is registered",
                }
            )
            continue
        # What the panels app reads itself is not the source's business.
        params = {k: v for k, v in rule.params.items() if k not in PANEL_PARAMS}
        try:
            found = source.propose(as_of=as_of, params=params, scope=scope, panel_id=panel_id)
        except ValueError as exc:
            notes.append({"source": rule.source, "rule": rule.label, "note": f"Skipped: {exc}"})
            continue
        found = [c for c in found if _in_scope(c, case_ids, person_ids)]
        limit = rule.params.get("max_items")
        if isinstance(limit, int) and not isinstance(limit, bool) and 0 < limit < len(found):
            notes.append(
                {
                    "source": rule.source,
                    "rule": rule.label,
                    "note": f"{len(found) - limit} more found; the first {limit} are on the "
                    "agenda (the rule's limit)",
                }
            )
            found = found[:limit]
        proposals.extend((rule, candidate) for candidate in found)
    return proposals, notes


def meeting_agenda_build(*, actor: Any, meeting: Meeting, as_of: date | None = None) -> Meeting:
    """Build (or bring up to date) the agenda from the meeting type's rules.

    Idempotent: a matter already on the agenda (by its key) is not added again, and items
    the chair added or moved keep their place. A rule naming a source that is not registered,
    or whose parameters its source refuses, is skipped with a note shown on the agenda.
    Actions not done at earlier meetings of the panel are carried to this one with the reason.
    """
    panel = meeting.panel
    if actor is not None:
        require_chair(actor, panel)
    if meeting.status == MeetingStatus.HELD:
        raise ValidationError({"meeting": "The meeting has been held: its agenda is final"})
    day = as_of or meeting.meets_on
    try:
        kind = meeting_type(panel.meeting_type)
    except KeyError:
        raise ValidationError(
            {"meeting": f"The panel's meeting type {panel.meeting_type!r} is not in the data"}
        ) from None
    with transaction.atomic():
        # One build at a time per meeting (a chair's click and the daily command).
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        existing = set(
            AgendaItem.objects.filter(meeting=meeting).exclude(key="").values_list("key", flat=True)
        )
        position = (
            AgendaItem.objects.filter(meeting=meeting).aggregate(top=Max("position"))["top"] or 0
        )
        proposals, notes = collect_candidates(kind.agenda_rules, as_of=day, panel_id=panel.pk)
        new_items: list[AgendaItem] = []
        added_by_rule: dict[str, int] = {}
        for rule, candidate in proposals:
            key = _key(candidate)
            if key in existing:
                continue
            existing.add(key)
            position += 1
            added_by_rule[rule.source] = added_by_rule.get(rule.source, 0) + 1
            new_items.append(
                AgendaItem(
                    meeting=meeting,
                    position=position,
                    source=rule.source,
                    key=key,
                    title=candidate.title[:TITLE_MAX],
                    reason=f"{rule.label}: {candidate.reason}"[:DESCRIPTION_MAX],
                    case_id=candidate.case_id,
                    person_id=candidate.person_id,
                    address_id=candidate.address_id,
                )
            )
        AgendaItem.objects.bulk_create(new_items)
        carried = _carry_open_actions(meeting)
        meeting.agenda_built_at = timezone.now()
        meeting.agenda_notes = notes
        meeting.save(update_fields=["agenda_built_at", "agenda_notes", "updated_at"])
        audit_record(
            actor=actor,
            action="meeting.agenda_build",
            obj=meeting,
            details={
                "as_of": day.isoformat(),
                "added": added_by_rule,
                "carried": carried,
                "skipped": [n["source"] for n in notes if n["note"].startswith("Skipped")],
            },
        )
    return meeting


def meeting_hold(*, actor: Any, meeting: Meeting) -> Meeting:
    """Record that the meeting took place; its agenda is then final."""
    require_chair(actor, meeting.panel)
    if meeting.status == MeetingStatus.HELD:
        raise ValidationError({"meeting": "The meeting is already recorded as held"})
    if meeting.meets_on > timezone.localdate():
        raise ValidationError({"meeting": "A meeting cannot be held before its date"})
    with transaction.atomic():
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="meeting.hold", obj=meeting)
    return meeting


def meeting_basis(actor: Any, meeting: Meeting) -> DisclosureBasis:
    """The sharing agreement under which a meeting's agenda and minutes show the lead
    agencies' information about its cases to the reader (decision 0077). The door's meeting
    policy records it on the read event (`meeting.view`)."""
    # The distinct lead agencies, not every item with its case: one row per agency.
    leads = meeting.items.filter(case__isnull=False).values("case__lead_agency_id")
    return disclosure_basis(
        holders=list(Agency.objects.filter(pk__in=leads)),
        recipient=getattr(actor, "agency", None),
        fallback="no_records_shown",
    )


def meeting_view(*, actor: Any, meeting: Meeting, purpose: str = "panel") -> None:
    """The read event of a meeting's agenda and minutes, with its disclosure basis: what the
    door writes when it loads a meeting whose minutes are shown (pages and API load through
    the door and do not call this)."""
    basis = meeting_basis(actor, meeting)
    audit_record(actor=actor, action="meeting.view", obj=meeting, purpose=purpose, basis=basis)


def _require_not_held(meeting: Meeting, doing: str) -> None:
    if meeting.status == MeetingStatus.HELD:
        raise ValidationError({"meeting": f"The meeting has been held: you cannot {doing}"})


def agenda_item_add(*, actor: Any, meeting: Meeting, title: str, reason: str = "") -> AgendaItem:
    """The chair adds an item of their own at the end of the agenda."""
    require_chair(actor, meeting.panel)
    _require_not_held(meeting, "add items")
    errors: dict[str, str] = {}
    cleaned_title = text_field(
        errors, "title", title, label="Title", max_length=TITLE_MAX, required=True
    )
    cleaned_reason = text_field(
        errors, "reason", reason, label="Reason", max_length=DESCRIPTION_MAX, required=False
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        top = AgendaItem.objects.filter(meeting=meeting).aggregate(top=Max("position"))["top"]
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=(top or 0) + 1,
            source=AgendaItem.MANUAL,
            title=cleaned_title,
            reason=cleaned_reason,
            added_by=actor,
        )
        audit_record(
            actor=actor,
            action="agenda_item.add",
            obj=meeting,
            details={"item": str(item.pk), "position": item.position},
        )
    return item


def agenda_item_move(*, actor: Any, item: AgendaItem, direction: str) -> AgendaItem:
    """Swap the item with the one above ("up") or below ("down")."""
    meeting = item.meeting
    require_chair(actor, meeting.panel)
    _require_not_held(meeting, "reorder the agenda")
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Choose up or down"})
    with transaction.atomic():
        ordered = list(
            AgendaItem.objects.select_for_update()
            .filter(meeting=meeting)
            .order_by("position", "created_at")
        )
        index = next(i for i, other in enumerate(ordered) if other.pk == item.pk)
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(ordered):
            edge = "first" if direction == "up" else "last"
            raise ValidationError({"direction": f"The item is already {edge}"})
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for number, other in enumerate(ordered, start=1):
            other.position = number
        AgendaItem.objects.bulk_update(ordered, ["position"])
        item.position = target + 1
        audit_record(
            actor=actor,
            action="agenda_item.move",
            obj=meeting,
            details={"item": str(item.pk), "direction": direction, "position": item.position},
        )
    return item


def agenda_item_minutes(
    *,
    actor: Any,
    item: AgendaItem,
    discussion: str,
    decisions: str,
    risk_before: str = "",
    risk_after: str = "",
) -> AgendaItem:
    """The chair records what was discussed, what was decided, and any change of risk."""
    require_chair(actor, item.meeting.panel)
    errors: dict[str, str] = {}
    summary = text_field(
        errors, "discussion", discussion, label="Discussion summary", max_length=TEXT_MAX,
        required=True,
    )  # fmt: skip
    decided = text_field(
        errors, "decisions", decisions, label="Decisions", max_length=TEXT_MAX, required=False
    )
    bands = {code for code, _ in band_choices()}
    for field, value in (("risk_before", risk_before), ("risk_after", risk_after)):
        if value not in ("", None) and value not in bands:
            errors[field] = "Choose a risk level from the list"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item.discussion = summary
        item.decisions = decided
        item.risk_before = risk_before or ""
        item.risk_after = risk_after or ""
        item.save(
            update_fields=["discussion", "decisions", "risk_before", "risk_after", "updated_at"]
        )
        audit_record(
            actor=actor,
            action="agenda_item.minutes",
            obj=item.meeting,
            details={
                "item": str(item.pk),
                "risk_before": item.risk_before,
                "risk_after": item.risk_after,
            },
        )
    return item


def attendance_record(
    *, actor: Any, meeting: Meeting, user: User, status: str = AttendanceStatus.ATTENDING
) -> Attendance:
    """The chair records who attends (or sends apologies). An attendee signs the
    confidentiality agreement themselves before they read the minutes."""
    require_chair(actor, meeting.panel)
    errors: dict[str, str] = {}
    if not isinstance(user, User) or not user.is_active or user.agency_id is None:
        errors["user"] = "Choose an active user of an agency"
    elif Attendance.objects.filter(meeting=meeting, user=user).exists():
        errors["user"] = f"{user} is already recorded at this meeting"
    if status not in AttendanceStatus.values:
        errors["status"] = "Choose attending or apologies"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assert user.agency is not None
        attendance = Attendance.objects.create(
            meeting=meeting, user=user, agency=user.agency, status=status
        )
        audit_record(
            actor=actor,
            action="attendance.record",
            obj=meeting,
            details={"user": user.get_username(), "status": status},
        )
    return attendance


def attendance_sign(*, actor: Any, attendance: Attendance, agreed: bool) -> Attendance:
    """The attendee signs the confidentiality agreement (the version in panel_rules.json)."""
    if actor is None or attendance.user_id != actor.pk:
        raise PermissionDenied("Only the attendee signs their own agreement")
    if attendance.signed:
        raise ValidationError({"agreed": "You have already signed the agreement"})
    if agreed is not True:
        raise ValidationError(
            {"agreed": "Confirm that you agree to keep the information confidential"}
        )
    version = panel_rules().confidentiality_version
    with transaction.atomic():
        attendance.agreement_signed_at = timezone.now()
        attendance.agreement_version = version
        attendance.save(update_fields=["agreement_signed_at", "agreement_version", "updated_at"])
        audit_record(
            actor=actor,
            action="attendance.sign",
            obj=attendance.meeting,
            details={"version": version},
        )
    return attendance


def meetings_schedule_due(*, refresh: bool = False, today: date | None = None) -> list[str]:
    """The daily round (`nestguard schedule_panel_meetings` and the job
    `panels.schedule_meetings`): each active panel without a meeting to come gets its next
    one by its cadence; with `refresh`, agendas of meetings to come are rebuilt. The system is
    the actor. Idempotent: a second round the same day changes nothing. Returns one line per
    change and a closing count."""
    today = today or timezone.localdate()
    lines: list[str] = []
    scheduled = refreshed = 0
    for panel in Panel.objects.filter(active=True).order_by("name"):
        upcoming = Meeting.objects.filter(
            panel=panel, meets_on__gte=today, status=MeetingStatus.SCHEDULED
        ).order_by("meets_on")
        if not upcoming.exists():
            meeting = meeting_schedule(actor=None, panel=panel)
            scheduled += 1
            lines.append(f"{panel}: scheduled {meeting.reference} on {meeting.meets_on}")
        elif refresh:
            for meeting in upcoming:
                meeting_agenda_build(actor=None, meeting=meeting)
                refreshed += 1
    lines.append(f"{scheduled} scheduled, {refreshed} agendas brought up to date")
    return lines
