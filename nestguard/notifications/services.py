"""Sending notifications (docs/decisions/0085-notifications.md).

Two plain functions the job queue runs, each for a moment `now` it is given:

- `send_due_notifications(now=...)` records what happened since the look-back (one row per
  event per user, so a rerun repeats nothing) and emails those who chose immediate emails;
- `send_daily_digests(now=...)` records the same and emails everyone else one summary of
  their unsent items.

Who is told: the users an event is for (`sources`), kept only while they are active, their
agency is active, they have an email address, and the door lets them see the record
(`door.visible`), which is where an ended sharing agreement ends what a partner sees. This is
asked when the row is recorded and again when it is sent: an item that no longer stands (the
referral was triaged before the morning summary) or that the user may no longer see is
withdrawn with its reason, not sent. An email holds the kind of item, its reference and a link
back: no name, no address, no case text (`messages`).
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

from nestguard.access import door
from nestguard.accounts.models import User
from nestguard.audit.services import audit_record
from nestguard.core.codes import code_list
from nestguard.notifications import messages
from nestguard.notifications.models import Delivery, Notification, NotificationPreference
from nestguard.notifications.sources import Event, events_between

log = logging.getLogger(__name__)


def lookback() -> timedelta:
    days = code_list("notifications", "rules").get("lookback_days")["value"]
    return timedelta(days=int(days))


# ---------------------------------------------------------------------------------------------
# The preference


def notification_preference_set(*, actor: Any, delivery: str) -> NotificationPreference:
    """The signed-in user chooses immediate emails or the daily summary (for themselves only)."""
    if not actor or not actor.is_authenticated:
        raise PermissionDenied("Sign in to choose how you are told")
    if delivery not in Delivery.values:
        raise ValidationError({"delivery": "Choose how you want to be told"})
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=actor)
        previous = preference.delivery
        preference.delivery = delivery
        preference.save(update_fields=["delivery", "updated_at"])
        audit_record(
            actor=actor,
            action="notification.preference",
            obj=actor,
            object_label=actor.username,
            details={"from": previous, "to": delivery},
        )
    return preference


# ---------------------------------------------------------------------------------------------
# Who may be told


def _reachable(user_ids: Iterable[Any]) -> dict[Any, User]:
    """Active users of active agencies, with an email address to send to."""
    return {
        u.pk: u
        for u in User.objects.filter(pk__in=list(user_ids), is_active=True, agency__active=True)
        .exclude(email="")
        .select_related("agency")
    }


def _door_allows(user: User, model: type[Model], pks: Iterable[Any]) -> set[str]:
    """The records among `pks` the door lets `user` see (as strings, to compare)."""
    return {
        str(pk)
        for pk in door.visible(user, model).filter(pk__in=list(pks)).values_list("pk", flat=True)
    }


def _recipients(events: list[Event]) -> dict[tuple[str, str, datetime], list[User]]:
    """For each event, the users who may be told of it: those it is for, or its fallback when
    none of them may. One door query per user and model, whatever the number of events."""
    wanted: set[Any] = set()
    for event in events:
        wanted |= event.to | event.fallback
    users = _reachable(wanted)
    asked: dict[tuple[Any, type[Model]], set[Any]] = defaultdict(set)
    for event in events:
        for pk in event.to | event.fallback:
            if pk in users:
                asked[(pk, event.door_model)].add(event.door_pk)
    allowed = {
        (pk, model): _door_allows(users[pk], model, door_pks)
        for (pk, model), door_pks in asked.items()
    }

    def may(pk: Any, event: Event) -> bool:
        return pk in users and str(event.door_pk) in allowed.get((pk, event.door_model), set())

    found: dict[tuple[str, str, datetime], list[User]] = {}
    for event in events:
        told = [users[pk] for pk in event.to if may(pk, event)]
        if not told:
            told = [users[pk] for pk in event.fallback if may(pk, event)]
        found[event.key] = told
    return found


# ---------------------------------------------------------------------------------------------
# Recording and sending


@dataclass
class RunSummary:
    recorded: int = 0
    emails: int = 0
    items: int = 0
    withdrawn: int = 0
    failed: int = 0

    def line(self, what: str) -> str:
        text = (
            f"{what}: {self.emails} emails ({self.items} items); {self.recorded} new items "
            f"recorded, {self.withdrawn} withdrawn"
        )
        return text + (f"; {self.failed} emails failed and will be retried" if self.failed else "")


class NotificationsFailed(RuntimeError):
    """Some emails could not be sent; their items stay unsent for the next run."""


def record_events(now: datetime) -> int:
    """One row per event per user who may be told, for events since the look-back; rows that
    exist already are left as they are (so each event is sent once)."""
    events = events_between(now - lookback(), now)
    recipients = _recipients(events)
    rows = [
        Notification(
            user=user,
            kind=event.kind,
            object_type=event.object_type,
            object_id=event.object_id,
            reference=event.reference,
            path=event.path,
            event_at=event.at,
            created_at=now,
        )
        for event in events
        for user in recipients[event.key]
    ]
    before = Notification.objects.count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return Notification.objects.count() - before


def _still_standing(
    now: datetime, pending: list[Notification]
) -> dict[tuple[str, str, datetime], Event]:
    """The events behind `pending` that still stand at `now`, and who may still be told."""
    if not pending:
        return {}
    since = min(n.event_at for n in pending) - timedelta(seconds=1)
    return {event.key: event for event in events_between(since, now)}


def _deliveries() -> dict[Any, str]:
    return dict(NotificationPreference.objects.values_list("user_id", "delivery"))


def _pending_for(delivery: str) -> dict[Any, list[Notification]]:
    chosen = _deliveries()
    by_user: dict[Any, list[Notification]] = defaultdict(list)
    pending = Notification.objects.filter(sent_at__isnull=True, withdrawn_at__isnull=True)
    for row in pending.select_related("user", "user__agency").order_by("event_at"):
        if chosen.get(row.user_id, Delivery.DAILY_DIGEST) == delivery:
            by_user[row.user_id].append(row)
    return by_user


def _sendable(
    now: datetime,
    rows: list[Notification],
    standing: dict[tuple[str, str, datetime], Event],
    told: dict[tuple[str, str, datetime], list[User]],
) -> tuple[list[Notification], int]:
    """Withdraw the rows whose event no longer stands or whose user may no longer be told;
    answer the rest and how many were withdrawn."""
    keep: list[Notification] = []
    withdrawn = 0
    for row in rows:
        key = (row.kind, row.object_id, row.event_at)
        reason = ""
        if key not in standing:
            reason = "No longer stands (done, decided or withdrawn before sending)"
        elif row.user_id not in {u.pk for u in told.get(key, [])}:
            reason = "The user may no longer be told (access, account or agency ended)"
        if reason:
            row.withdrawn_at, row.withdrawn_reason = now, reason
            row.claimed_at, row.claimed_by = None, ""
            row.save(
                update_fields=[
                    "withdrawn_at", "withdrawn_reason", "claimed_at", "claimed_by", "updated_at"
                ]
            )  # fmt: skip
            withdrawn += 1
        else:
            keep.append(row)
    return keep, withdrawn


CLAIM_TIMEOUT = timedelta(minutes=10)


def _claim(pks: list[Any], token: str) -> list[Notification]:
    """Claim the rows still unsent and unclaimed (or claimed by a run that died), in one short
    UPDATE, and answer those this run now holds. No lock is held while email is sent."""
    moment = timezone.now()  # liveness of a run, not the notifications' `now`
    Notification.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=moment - CLAIM_TIMEOUT),
        pk__in=pks,
        sent_at__isnull=True,
        withdrawn_at__isnull=True,
    ).update(claimed_at=moment, claimed_by=token)
    return list(
        Notification.objects.filter(pk__in=pks, claimed_by=token, sent_at__isnull=True)
        .select_related("user", "user__agency")
        .order_by("event_at")
    )


def _release(token: str) -> None:
    """What this run claimed but did not send waits for the next run."""
    Notification.objects.filter(claimed_by=token, sent_at__isnull=True).update(
        claimed_at=None, claimed_by=""
    )


def _mark_sent(now: datetime, user: User, rows: list[Notification], delivery: str) -> None:
    with transaction.atomic():
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
            sent_at=now, delivery=delivery, claimed_at=None, claimed_by="", updated_at=now
        )
        audit_record(
            actor=None,
            action="notification.email",
            obj=user,
            object_label=user.username,
            details={"delivery": delivery, "items": [[r.kind, r.reference] for r in rows]},
        )


def _send(now: datetime, delivery: str, summary: RunSummary, compose: Any) -> RunSummary:
    by_user = _pending_for(delivery)
    if not by_user:
        return summary
    standing = _still_standing(now, [r for rows in by_user.values() for r in rows])
    told = _recipients(list(standing.values()))
    connection = get_connection()
    try:
        connection.open()
    except OSError as exc:
        summary.failed += len(by_user)
        log.warning("the SMTP server could not be reached: %s", exc)
        return summary
    token = uuid.uuid4().hex
    try:
        for user_id, pending in by_user.items():
            rows = _claim([r.pk for r in pending], token)
            rows, withdrawn = _sendable(now, rows, standing, told)
            summary.withdrawn += withdrawn
            if not rows:
                continue
            user = rows[0].user
            for message_rows in compose(rows):
                email = messages.build(user, message_rows, delivery, connection)
                try:
                    email.send()
                except OSError as exc:  # smtplib.SMTPException is an OSError
                    log.warning("notification email to user %s failed: %s", user_id, exc)
                    summary.failed += 1
                    continue
                # Marked sent once the server has taken it: a crash in between sends it
                # again (at least once), never loses it.
                _mark_sent(now, user, message_rows, delivery)
                summary.emails += 1
                summary.items += len(message_rows)
    finally:
        connection.close()
        _release(token)
    return summary


def _enabled() -> bool:
    return bool(getattr(settings, "NESTGUARD_EMAIL_ENABLED", False))


def send_due_notifications(*, now: datetime) -> str:
    """Record what happened and email it, one email per item, to those who chose immediate
    emails. Run every few minutes (the schedule is data)."""
    if not _enabled():
        return "Email is not configured (NESTGUARD_EMAIL_HOST): nothing recorded or sent"
    summary = RunSummary(recorded=record_events(now))
    _send(now, Delivery.IMMEDIATE, summary, lambda rows: [[row] for row in rows])
    return _finish(summary, "Immediate notifications")


def send_daily_digests(*, now: datetime) -> str:
    """Record what happened and email each user who chose the daily summary (the default)
    one summary of all their unsent items. Run once each morning (the schedule is data)."""
    if not _enabled():
        return "Email is not configured (NESTGUARD_EMAIL_HOST): nothing recorded or sent"
    summary = RunSummary(recorded=record_events(now))
    _send(now, Delivery.DAILY_DIGEST, summary, lambda rows: [rows])
    return _finish(summary, "Daily summaries")


def _finish(summary: RunSummary, what: str) -> str:
    line = summary.line(what)
    if summary.failed:
        # The job fails, says why, and is retried; what was sent stays sent.
        raise NotificationsFailed(line)
    return line
