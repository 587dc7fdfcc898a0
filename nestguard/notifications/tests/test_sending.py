"""Notifications sent through a real SMTP server, at a fixed moment: who is told of what, once,
and that no email carries a name, an address or case text (issue 13 point 8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from nestguard.audit.models import AuditEvent
from nestguard.core.codes import code_list
from nestguard.notifications.models import Notification
from nestguard.notifications.services import (
    NotificationsFailed,
    send_daily_digests,
    send_due_notifications,
)
from nestguard.notifications.tests.conftest import (
    BASE_URL,
    NOW,
    SECRETS,
    immediate,
    name_ended_partner_on_case,
)
from nestguard.referrals.models import ReferralStatus

pytestmark = pytest.mark.django_db

KINDS = code_list("notifications", "kinds")
OWNER = "owner@hub.example.org"
SUPERVISOR = "supervisor@hub.example.org"
PARTNER = "partner@police.example.org"


def subject(kind: str) -> str:
    return f"Nestguard: {KINDS.get(kind)['subject']}"


def test_each_kind_reaches_its_owner_once_with_a_link_and_nothing_about_anyone(world, mailbox):  # type: ignore[no-untyped-def]
    immediate(world.personas.owner, world.personas.supervisor, world.personas.partner)
    summary = send_due_notifications(now=NOW)
    assert summary.startswith("Immediate notifications: ")

    # The owner owns the actions, interventions and markers, recorded the episode, leads the
    # case and triages at the hub (a community safety agency: also an alert lead).
    assert mailbox.subjects(OWNER) == sorted(subject(k) for k in KINDS.values)
    sent_kinds = {n.kind for n in Notification.objects.filter(sent_at=NOW)}
    assert sent_kinds == set(KINDS.values), "every kind was sent"

    for message in mailbox.messages:
        text = f"{message['Subject']}\n{message.get_content()}"
        for what, secret in SECRETS.items():
            assert secret.lower() not in text.lower(), f"{what} in {message['Subject']!r}"
        assert message["From"] == "nestguard@council.example.org"
        assert f"{BASE_URL}/account/notifications/" in text

    by_subject = {str(m["Subject"]): m.get_content() for m in mailbox.to(OWNER)}
    triage = by_subject[subject("triage_overdue")]
    assert f"Reference: {world.referral.reference}" in triage
    assert f"{BASE_URL}/referrals/{world.referral.pk}/" in triage
    action = by_subject[subject("action_overdue")]
    assert f"Reference: {world.action_overdue.reference}" in action
    assert BASE_URL + reverse("panels:action", args=[world.action_overdue.pk]) in action
    episode = by_subject[subject("return_interview_overdue")]
    assert f"Reference: {world.episode.reference}" in episode

    # The hub's supervisor triages, leads alerts and is told of the police's warrant at the
    # hub's case address; the police caseworker leads alerts and sees the case (the police
    # are on its team), and planned the warrant (a planner is not told of its own plan).
    assert mailbox.subjects(SUPERVISOR) == sorted(
        subject(k)
        for k in (
            "triage_overdue",
            "repeat_address_alert",
            "displacement_alert",
            "deconfliction_notice",
            "transition_due",
        )
    )
    assert mailbox.subjects(PARTNER) == sorted(
        subject(k) for k in ("repeat_address_alert", "displacement_alert")
    )

    # Run again (the next quarter hour): nothing new, nothing repeated.
    mailbox.clear()
    later = NOW + timedelta(minutes=15)
    assert send_due_notifications(now=later).startswith("Immediate notifications: 0 emails")
    assert mailbox.messages == []
    assert AuditEvent.objects.filter(action="notification.email").count() == (
        len(KINDS.values) + 5 + 2
    )


def test_nobody_who_may_not_see_the_record_is_told(world, mailbox):  # type: ignore[no-untyped-def]
    p = world.personas
    everyone = [p.owner, p.supervisor, p.partner, p.outsider, p.ended_partner, p.retired]
    immediate(*everyone)
    # The ended partner owns an intervention and is named on the case's team: their
    # agreement with the hub has ended, so the door hides the case and they are not told.
    name_ended_partner_on_case(world)
    world.intervention_overdue.owner = p.ended_partner
    world.intervention_overdue.save(update_fields=["owner"])
    # The retired caseworker's agency is inactive: they own an action but are not told.
    world.action_overdue.owner = p.retired
    world.action_overdue.save(update_fields=["owner"])

    send_due_notifications(now=NOW)

    for address in (
        "outsider@housing.example.org",
        "ended@yjs.example.org",
        "retired@former.example.org",
    ):
        assert mailbox.to(address) == [], address
    assert subject("intervention_overdue") not in mailbox.subjects(OWNER)
    assert subject("action_overdue") not in mailbox.subjects(OWNER)


def test_an_inactive_owner_is_not_told_and_the_agency_supervisors_are_instead(world, mailbox):  # type: ignore[no-untyped-def]
    p = world.personas
    immediate(p.owner, p.supervisor)
    p.owner.is_active = False
    p.owner.save(update_fields=["is_active"])
    send_due_notifications(now=NOW)
    assert mailbox.to(OWNER) == []
    # The return interview, the onward follow-ups and the marker reviews fall to the hub's
    # supervisors when no one responsible can be told; actions and interventions have no such
    # fallback.
    assert set(mailbox.subjects(SUPERVISOR)) == {
        subject(k)
        for k in (
            "triage_overdue",
            "repeat_address_alert",
            "displacement_alert",
            "return_interview_overdue",
            "onward_follow_up_due",
            "onward_follow_up_overdue",
            "warning_review_due",
            "warning_review_overdue",
            "deconfliction_notice",  # the agency was told: its supervisors are too
            "transition_due",  # so was the lead agency of the young person's case
        )
    }


def test_the_daily_summary_gathers_the_unsent_items_once(world, mailbox):  # type: ignore[no-untyped-def]
    # Nobody chose immediate emails: the quarter-hourly run records but sends nothing.
    assert send_due_notifications(now=NOW).startswith("Immediate notifications: 0 emails")
    assert mailbox.messages == []
    recorded = Notification.objects.filter(user=world.personas.owner).count()
    assert recorded == len(KINDS.values)

    # The referral is triaged before the morning: it leaves the summary, withdrawn.
    world.referral.status = ReferralStatus.ACCEPTED
    world.referral.save(update_fields=["status"])
    morning = NOW + timedelta(hours=22)
    summary = send_daily_digests(now=morning)
    assert summary.startswith("Daily summaries: 3 emails")

    [digest] = mailbox.to(OWNER)
    body = digest.get_content()
    # The summary holds what still stands at the morning: the triaged referral is gone, and
    # the item due yesterday is now overdue (a new event, in the summary beside it).
    assert "Nestguard: your daily summary (" in str(digest["Subject"])
    assert world.referral.reference not in body
    # Everything else the owner is told of is in it, each with its link.
    for reference in (
        world.action_overdue.reference,
        world.action_due.reference,
        world.episode.reference,
    ):
        assert f"Reference: {reference}" in body
    assert BASE_URL + reverse("pathways:missing_detail", args=[world.episode.pk]) in body
    # The action and intervention due yesterday are now overdue: the summary says so once
    # (their "due" items are withdrawn, superseded), and the triaged referral is gone.
    assert body.count("Reference: ") == len(KINDS.values) - 1
    assert "A panel action is due today" not in body
    assert body.count("A panel action is overdue") == 2
    for secret in SECRETS.values():
        assert secret.lower() not in f"{digest['Subject']}\n{body}".lower()
    withdrawn = Notification.objects.get(user=world.personas.owner, kind="triage_overdue")
    assert withdrawn.withdrawn_at == morning and withdrawn.sent_at is None

    mailbox.clear()
    assert send_daily_digests(now=morning + timedelta(minutes=5)).startswith(
        "Daily summaries: 0 emails"
    )
    assert mailbox.messages == []


def test_an_smtp_failure_fails_the_run_and_the_items_are_sent_next_time(world, mailbox):  # type: ignore[no-untyped-def]
    immediate(world.personas.partner)
    mailbox.stop()
    with pytest.raises(NotificationsFailed, match="failed and will be retried"):
        send_due_notifications(now=NOW)
    assert not Notification.objects.filter(sent_at__isnull=False).exists()
    mailbox.restart()
    send_due_notifications(now=NOW + timedelta(minutes=15))
    assert mailbox.subjects(PARTNER) == sorted(
        subject(k) for k in ("repeat_address_alert", "displacement_alert")
    )


def test_events_older_than_the_lookback_are_not_emailed(world, mailbox):  # type: ignore[no-untyped-def]
    immediate(world.personas.partner)
    send_due_notifications(now=NOW + timedelta(days=30))
    assert mailbox.messages == []


def test_without_an_smtp_host_nothing_is_recorded_or_sent(world, settings):  # type: ignore[no-untyped-def]
    settings.NESTGUARD_EMAIL_ENABLED = False
    assert "not configured" in send_due_notifications(now=NOW)
    assert "not configured" in send_daily_digests(now=NOW)
    assert not Notification.objects.exists()


def test_a_row_claimed_by_another_run_is_left_to_it_unless_that_run_died(world, mailbox):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from nestguard.notifications.services import CLAIM_TIMEOUT, record_events

    immediate(world.personas.partner)
    record_events(NOW)
    rows = Notification.objects.filter(user=world.personas.partner)
    assert rows.count() == 2
    # Another worker is sending these right now: this run leaves them alone.
    rows.update(claimed_at=timezone.now(), claimed_by="another-run")
    send_due_notifications(now=NOW)
    assert mailbox.messages == []
    # That worker died long ago: its claim is taken over and the items are sent once.
    rows.update(claimed_at=timezone.now() - CLAIM_TIMEOUT - timedelta(minutes=1))
    send_due_notifications(now=NOW + timedelta(minutes=15))
    assert len(mailbox.to(PARTNER)) == 2
    assert not Notification.objects.exclude(claimed_by="").exists()
