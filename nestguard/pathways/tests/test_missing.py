"""Missing episodes, returns and return home interviews through their services."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from nestguard.audit.models import AuditEvent
from nestguard.pathways.access_policy import visible_missing_episodes
from nestguard.pathways.models import MissingEpisode, ReturnInterview
from nestguard.pathways.selectors import rhi_clock
from nestguard.pathways.services.missing import (
    _write_episode,
    missing_episode_record,
    missing_episode_return,
    return_interview_record,
)
from nestguard.pathways.tests.conftest import hours_ago
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def record(pw, **overrides):
    values = dict(
        actor=pw.personas.owner, person=pw.child, case=pw.case, report_type="missing",
        risk_grade="medium", category="missing_from_care", care_status="looked_after",
        started_at=hours_ago(30), police_reference="NB-2026-1142",
    )  # fmt: skip
    values.update(overrides)
    return missing_episode_record(**values)


def test_record_an_episode_with_its_case_and_audit(pw) -> None:
    episode = record(pw)
    assert episode.reference.startswith("MISS-")
    assert episode.age_at_start == 15
    assert episode.is_open
    assert pw.case.chronology.filter(text__contains=episode.reference).exists()
    assert AuditEvent.objects.filter(action="missing_episode.record", object_id=str(episode.pk))


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("report_type", "lost", "report_type"),
        ("risk_grade", "extreme", "risk_grade"),
        ("category", None, "category"),
        ("care_status", 7, "care_status"),
        ("started_at", "yesterday", "started_at"),
        ("started_at", datetime(2020, 1, 1), "started_at"),  # naive
        # Worked out in the test, at its (frozen) instant, not when the module is imported.
        ("started_at", lambda: timezone.now() + timedelta(days=1), "started_at"),
        (
            "started_at",
            datetime(1999, 12, 31, tzinfo=timezone.get_current_timezone()),
            "started_at",
        ),
        ("police_reference", "x" * 41, "police_reference"),
        ("circumstances", "bad\x00text", "circumstances"),
        ("reported_at", lambda: hours_ago(40), "reported_at"),  # before it started
    ],
)
def test_bad_inputs_are_refused_and_nothing_written(pw, field, value, error_field) -> None:
    value = value() if callable(value) else value
    with pytest.raises(ValidationError) as exc:
        record(pw, **{field: value})
    assert error_field in exc.value.message_dict
    assert not MissingEpisode.objects.exists()


def test_absent_goes_with_no_apparent_risk_only(pw) -> None:
    with pytest.raises(ValidationError) as exc:
        record(pw, report_type="absent", risk_grade="high")
    assert "risk_grade" in exc.value.message_dict
    with pytest.raises(ValidationError):
        record(pw, report_type="missing", risk_grade="no_apparent_risk")
    assert record(pw, report_type="absent", risk_grade="no_apparent_risk").report_type == "absent"


def test_missing_from_care_needs_a_looked_after_child(pw) -> None:
    with pytest.raises(ValidationError) as exc:
        record(pw, care_status="not_looked_after")
    assert "care_status" in exc.value.message_dict


def test_markup_is_stored_as_text(pw) -> None:
    episode = record(pw, circumstances="<script>alert(1)</script>")
    assert episode.circumstances == "<script>alert(1)</script>"


def test_one_open_episode_at_a_time(pw) -> None:
    first = record(pw)
    with pytest.raises(ValidationError) as exc:
        record(pw, started_at=hours_ago(2))
    assert first.reference in exc.value.message_dict["started_at"][0]


def test_outsider_cannot_record_or_see(pw) -> None:
    with pytest.raises(PermissionDenied):
        record(pw, actor=pw.personas.outsider, case=None)
    episode = record(pw)
    assert not visible_missing_episodes(pw.personas.outsider).filter(pk=episode.pk).exists()
    assert visible_missing_episodes(pw.personas.partner).filter(pk=episode.pk).exists()
    for persona in ("referrer", "auditor", "admin"):
        assert not visible_missing_episodes(getattr(pw.personas, persona)).exists()


def test_return_then_interview_within_72_hours(pw) -> None:
    episode = record(pw, started_at=hours_ago(50))
    missing_episode_return(
        actor=pw.personas.owner, episode=episode, returned_at=hours_ago(48), found_by="police",
        found_location="Northbrook bus station", safe_and_well_at=hours_ago(47),
        safe_and_well_by="PC Ayres", harm=["none"],
    )  # fmt: skip
    episode.refresh_from_db()
    clock = rhi_clock(episode, None)
    assert clock.due_at == episode.returned_at + timedelta(hours=72)
    assert not clock.overdue()
    interview = return_interview_record(
        actor=pw.personas.owner, episode=episode, outcome="completed", offered_at=hours_ago(46),
        completed_at=hours_ago(30), interviewer="Jo Ellis (Northbrook Community Links)",
        interviewer_independent=True, themes=["cce", "went_out_of_area"],
        where_they_were="A flat in another town", who_with="Two older men",
    )  # fmt: skip
    clock = rhi_clock(episode, interview)
    assert clock.closed and clock.within is True


def test_interview_overdue_after_72_hours(pw) -> None:
    episode = record(pw, started_at=hours_ago(100))
    missing_episode_return(
        actor=pw.personas.owner, episode=episode, returned_at=hours_ago(80),
        found_by="parent_or_carer",
    )  # fmt: skip
    episode.refresh_from_db()
    assert rhi_clock(episode, None).overdue()
    interview = return_interview_record(
        actor=pw.personas.owner, episode=episode, outcome="offered", offered_at=hours_ago(79)
    )
    assert rhi_clock(episode, interview).overdue()  # offered is not done


def test_return_bad_inputs(pw) -> None:
    episode = record(pw, started_at=hours_ago(10))
    owner = pw.personas.owner
    with pytest.raises(ValidationError) as exc:
        missing_episode_return(
            actor=owner, episode=episode, returned_at=hours_ago(11), found_by="police"
        )
    assert "returned_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        missing_episode_return(
            actor=owner,
            episode=episode,
            returned_at=hours_ago(5),
            found_by="police",
            harm=["physical_harm", "other_harm"],
        )
    assert "harm_details" in exc.value.message_dict
    for alone in (["none", "self_harm"], ["not_known", "none"], ["made_up"], "physical_harm"):
        with pytest.raises(ValidationError) as exc:
            missing_episode_return(
                actor=owner, episode=episode, returned_at=hours_ago(5), found_by="police",
                harm=alone,
            )  # fmt: skip
        assert "harm" in exc.value.message_dict, alone
    with pytest.raises(ValidationError) as exc:
        missing_episode_return(
            actor=owner, episode=episode, returned_at=hours_ago(5), found_by="aliens"
        )
    assert "found_by" in exc.value.message_dict
    episode.refresh_from_db()
    assert episode.returned_at is None


def test_interview_rules(pw) -> None:
    episode = record(pw, started_at=hours_ago(10))
    owner = pw.personas.owner
    with pytest.raises(ValidationError):  # not returned yet
        return_interview_record(
            actor=owner, episode=episode, outcome="offered", offered_at=hours_ago(1)
        )
    missing_episode_return(
        actor=owner, episode=episode, returned_at=hours_ago(5), found_by="police"
    )
    episode.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        return_interview_record(
            actor=owner, episode=episode, outcome="not_conducted", offered_at=hours_ago(4)
        )
    assert "reason_not_held" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        return_interview_record(
            actor=owner, episode=episode, outcome="completed", offered_at=hours_ago(4),
            completed_at=hours_ago(3), interviewer="Jo", themes=["martians"],
        )  # fmt: skip
    assert "themes" in exc.value.message_dict
    return_interview_record(
        actor=owner, episode=episode, outcome="declined", offered_at=hours_ago(4)
    )
    with pytest.raises(ValidationError):  # already closed
        return_interview_record(
            actor=owner, episode=episode, outcome="offered", offered_at=hours_ago(4)
        )
    assert ReturnInterview.objects.get().outcome == "declined"


def test_only_caseworkers_update_an_episode(pw) -> None:
    episode = record(pw, started_at=hours_ago(10))
    hub_referrer = UserFactory(username="hubreferrer", agency=pw.personas.hub, roles=["referrer"])
    for actor in (hub_referrer, pw.personas.auditor, pw.personas.outsider):
        with pytest.raises(PermissionDenied):
            missing_episode_return(
                actor=actor, episode=episode, returned_at=hours_ago(5), found_by="police"
            )
    missing_episode_return(
        actor=pw.personas.partner, episode=episode, returned_at=hours_ago(5), found_by="police"
    )


def test_the_database_refuses_a_second_open_episode(pw) -> None:
    """The service checks first; the constraint holds when two reports land at once."""
    first = record(pw, started_at=hours_ago(10))
    values = {
        "person": pw.child, "case": None, "recorded_by": pw.personas.owner,
        "recording_agency": pw.personas.hub, "report_type": "missing", "risk_grade": "low",
        "category": "missing_from_home", "care_status": "not_known", "age_at_start": 15,
        "started_at": hours_ago(2), "reported_at": hours_ago(2),
        "police_reference": "", "circumstances": "",
    }  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        _write_episode(pw.personas.owner, values)
    missing_episode_return(
        actor=pw.personas.owner, episode=first, returned_at=hours_ago(5), found_by="police"
    )
    assert _write_episode(pw.personas.owner, values).is_open


def test_the_episode_says_whether_its_interview_clock_is_closed(pw) -> None:
    """`return_interview_record` keeps `rhi_clock_closed` (decision 0121): an interview only
    offered leaves the clock open, and the due view still shows the episode; one declined
    closes it, and the due view and the overdue notices' filter drop it."""
    from itertools import islice

    from nestguard.pathways.clocks import _return_interviews

    owner = pw.personas.owner
    episode = record(pw, started_at=hours_ago(100))
    missing_episode_return(
        actor=owner, episode=episode, returned_at=hours_ago(90), found_by="police"
    )
    episode.refresh_from_db()
    assert episode.rhi_clock_closed is False

    def due() -> list[str]:
        return [item.url for item in islice(_return_interviews(owner), 200)]

    assert any(str(episode.pk) in url for url in due())
    return_interview_record(
        actor=owner, episode=episode, outcome="offered", offered_at=hours_ago(80)
    )
    episode.refresh_from_db()
    assert episode.rhi_clock_closed is False
    assert any(str(episode.pk) in url for url in due())
    return_interview_record(
        actor=owner, episode=episode, outcome="declined", offered_at=hours_ago(80)
    )
    episode.refresh_from_db()
    assert episode.rhi_clock_closed is True
    assert not any(str(episode.pk) in url for url in due())
    open_clocks = MissingEpisode.objects.filter(returned_at__isnull=False, rhi_clock_closed=False)
    assert not open_clocks.filter(pk=episode.pk).exists()
