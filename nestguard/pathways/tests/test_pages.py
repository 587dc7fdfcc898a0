"""The pathway pages: good input acts, bad input shows the error summary and writes nothing,
markup is shown escaped, the case page and the due view show what is overdue."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import sign_in
from nestguard.audit.models import AuditEvent
from nestguard.core.calendar import UK
from nestguard.pathways.models import DutyToNotify, MissingEpisode, NrmReferral, OnwardReferral
from nestguard.pathways.services.missing import missing_episode_record, missing_episode_return
from nestguard.pathways.services.nrm import nrm_referral_record
from nestguard.pathways.tests.conftest import hours_ago
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def date_fields(prefix: str, when) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {f"{prefix}_day": str(when.day), f"{prefix}_month": str(when.month),
            f"{prefix}_year": str(when.year)}  # fmt: skip


def episode_form(pw, **overrides) -> dict[str, str]:  # type: ignore[no-untyped-def]
    started = (timezone.now() - timedelta(hours=5)).astimezone(UK)
    data = {
        "case": str(pw.case.pk), "report_type": "missing", "risk_grade": "high",
        "category": "missing_from_home", "care_status": "not_looked_after",
        **date_fields("started_on", started), "started_time": started.strftime("%H:%M"),
        "police_reference": "NB-1", "circumstances": "<b>Left with two men</b>",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_record_an_episode_from_the_case_page(pw, client_for) -> None:
    client = client_for("owner")
    case_page = client.get(f"/cases/{pw.case.pk}/").content.decode()
    link = f"/missing/people/{pw.child.pk}/new/?case={pw.case.pk}"
    assert link in case_page
    form = client.get(link)
    assert form.status_code == 200 and "Record a missing episode" in form.content.decode()
    response = client.post(link, episode_form(pw))
    assert response.status_code == 302
    episode = MissingEpisode.objects.get()
    assert response["Location"] == f"/missing/{episode.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "&lt;b&gt;Left with two men&lt;/b&gt;" in page and "<b>Left" not in page
    assert "Still missing" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"risk_grade": ""}, "Choose the police risk grade"),
        ({"started_time": "25:99"}, "Enter a time like 21:30"),
        ({"started_on_day": "31", "started_on_month": "2"}, "must be a real date"),
        ({"report_type": "absent"}, "An absent person has no apparent risk"),
        ({"category": "missing_from_care"}, "for a looked-after child"),
        ({"police_reference": "x" * 41}, "40 characters or fewer"),
        ({"case": "not-a-case"}, "Select a valid choice"),
    ],
)
def test_bad_input_shows_the_error_summary_and_writes_nothing(pw, client_for, overrides, message):
    client = client_for("owner")
    response = client.post(f"/missing/people/{pw.child.pk}/new/", episode_form(pw, **overrides))
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and message in body
    assert not MissingEpisode.objects.exists()


def test_return_and_interview_pages(pw, client_for) -> None:
    # Every time typed into a form is a wall-clock time on yesterday's UK date, from 08:00 to
    # noon: in the past whatever the time now, and never in the hour the clocks skip or
    # repeat. (Times worked back from now were not: at 02:10 BST on the morning the clocks
    # go forward, "30 minutes ago" was 01:40, a time that day does not have.)
    day = timezone.localdate() - timedelta(days=1)

    def at(hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=UK)

    def moment_fields(name: str, when: datetime) -> dict[str, str]:
        return {**date_fields(f"{name}_on", when), f"{name}_time": when.strftime("%H:%M")}

    owner = pw.personas.owner
    episode = missing_episode_record(
        actor=owner, person=pw.child, case=pw.case, report_type="missing", risk_grade="low",
        category="missing_from_home", care_status="not_looked_after", started_at=at(8),
    )  # fmt: skip
    client = client_for("partner")  # the police record the return
    response = client.post(
        f"/missing/{episode.pk}/return/",
        {**moment_fields("returned", at(10)), "found_by": "police",
         "found_location": "Bus station", "harm": ["physical_harm", "committed_crime"]},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    episode.refresh_from_db()
    assert episode.found_by == "police"
    assert episode.harm == ["physical_harm", "committed_crime"]
    assert episode.returned_at == at(10)
    page = client.get(f"/missing/{episode.pk}/").content.decode()
    assert "Record the return home interview" in page
    response = client.post(
        f"/missing/{episode.pk}/interview/",
        {"outcome": "completed", **moment_fields("offered", at(11, 30)),
         **moment_fields("completed", at(12)),
         "interviewer": "Jo Ellis", "interviewer_independent": "yes", "themes": ["cce"]},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(f"/missing/{episode.pk}/").content.decode()
    assert "Within 72 hours" in page


def nrm_form(**overrides) -> dict:  # type: ignore[type-arg]
    data = {**date_fields("referred_on", timezone.localdate()), "consent": "consented",
            "exploitation_types": ["cuckooing"], "decision_body": "sca"}  # fmt: skip
    data.update(overrides)
    return data


def test_an_adult_who_declines_is_sent_to_duty_to_notify(pw, client_for) -> None:
    client = client_for("owner")
    page = client.get(f"/nrm/people/{pw.adult.pk}/new/").content.decode()
    assert "/nrm/duty-to-notify/new/" in page
    response = client.post(f"/nrm/people/{pw.adult.pk}/new/", nrm_form(consent="declined"))
    body = response.content.decode()
    assert response.status_code == 200 and "Duty to Notify (MS1) instead" in body
    assert not NrmReferral.objects.exists()


def test_not_a_first_responder_is_told_why(pw, client_for) -> None:
    pw.personas.police.is_first_responder = False
    pw.personas.police.save()
    response = client_for("partner").get(f"/nrm/people/{pw.child.pk}/new/")
    assert response.status_code == 403


def test_case_page_shows_where_the_nrm_stands_and_what_is_overdue(pw, client_for) -> None:
    referral = nrm_referral_record(
        actor=pw.personas.owner, person=pw.child, case=pw.case, consent="not_required",
        referred_on=timezone.localdate() - timedelta(days=20), exploitation_types=["cce"],
    )  # fmt: skip
    for persona in ("owner", "partner"):
        page = client_for(persona).get(f"/cases/{pw.case.pk}/").content.decode()
        assert referral.reference in page
        assert "Reasonable grounds decision overdue" in page
    detail = client_for("owner").get(f"/nrm/{referral.pk}/").content.decode()
    assert "Record the reasonable grounds decision" in detail
    assert "Record a withdrawal" not in detail  # a child
    partner_view = client_for("partner").get(f"/nrm/{referral.pk}/").content.decode()
    assert "Record the reasonable grounds decision" not in partner_view
    response = client_for("owner").post(
        f"/nrm/{referral.pk}/conclusive-grounds/",
        {"outcome": "negative", **date_fields("decided_on", timezone.localdate())},
    )
    assert response.status_code == 200 and "can be recorded only at" in response.content.decode()


def test_duty_to_notify_page_refuses_identifying_details(pw, client_for) -> None:
    client = client_for("owner")
    data = {**date_fields("notified_on", timezone.localdate()), "age_band": "25_34",
            "gender": "male", "exploitation_types": ["cuckooing"], "area": "NB1 2AB"}  # fmt: skip
    response = client.post("/nrm/duty-to-notify/new/", data)
    assert "must not identify the person" in response.content.decode()
    assert not DutyToNotify.objects.exists()
    data["area"] = "Fellowfield"
    assert client.post("/nrm/duty-to-notify/new/", data).status_code == 302
    listing = client.get("/nrm/duty-to-notify/").content.decode()
    assert DutyToNotify.objects.get().reference in listing


def test_onward_referral_pages(pw, client_for) -> None:
    client = client_for("owner")
    response = client.post(
        f"/services/refer/{pw.case.pk}/",
        {"person": str(pw.child.pk), "service": "young_adult_employment", "consent_given": "no",
         "reason": "Needs work"},
    )  # fmt: skip
    body = response.content.decode()
    assert "aged 18 or over" in body and "consent" in body
    response = client.post(
        f"/services/refer/{pw.case.pk}/",
        {"person": str(pw.adult.pk), "service": "young_adult_employment", "consent_given": "yes",
         "reason": "Wants work"},
    )  # fmt: skip
    assert "aged 30 or under" in response.content.decode()  # she is 34
    response = client.post(
        f"/services/refer/{pw.case.pk}/",
        {"person": str(pw.child.pk), "service": "child_exploitation_service",
         "consent_given": "no", "reason": "Trusted relationship work"},
    )  # fmt: skip
    referral = OnwardReferral.objects.get()
    assert response["Location"] == f"/services/referrals/{referral.pk}/"
    response = client.post(
        f"/services/referrals/{referral.pk}/update/",
        {"status": "declined", **date_fields("on", timezone.localdate())},
    )
    assert "reason for declining" in response.content.decode()
    response = client.post(
        f"/services/referrals/{referral.pk}/update/",
        {"status": "accepted", **date_fields("on", timezone.localdate())},
    )
    assert response.status_code == 302
    assert "Services directory" in client.get("/directory/").content.decode()


def test_due_view_orders_by_urgency_for_me_and_my_team(pw, client_for) -> None:
    owner = pw.personas.owner
    late = missing_episode_record(
        actor=owner, person=pw.child, case=pw.case, report_type="missing", risk_grade="low",
        category="missing_from_home", care_status="not_looked_after", started_at=hours_ago(100),
    )  # fmt: skip
    missing_episode_return(actor=owner, episode=late, returned_at=hours_ago(90), found_by="police")
    referral = nrm_referral_record(
        actor=owner, person=pw.child, case=pw.case, consent="not_required",
        referred_on=timezone.localdate() - timedelta(days=1), exploitation_types=["cce"],
    )  # fmt: skip
    page = client_for("owner").get("/due/").content.decode()
    rhi = page.index(f"Return home interview after episode {late.reference}")
    rg = page.index(f"Reasonable grounds decision on {referral.reference}")
    assert rhi < rg  # overdue first, then what falls due
    assert "Overdue" in page
    team = client_for("supervisor").get("/due/team/").content.decode()
    assert late.reference in team and referral.reference in team
    assert late.reference not in client_for("supervisor").get("/due/").content.decode()
    assert late.reference not in client_for("outsider").get("/due/team/").content.decode()


@pytest.mark.time_machine(datetime(2026, 12, 2, 20, 0, tzinfo=UK))
def test_due_today_means_this_uk_day_not_the_next_24_hours(pw, client_for) -> None:
    """At 20:00, an interview due at 18:00 tomorrow is within 24 hours but not due today."""
    owner = pw.personas.owner

    def episode_returned(hours: float) -> MissingEpisode:
        episode = missing_episode_record(
            actor=owner, person=pw.child, case=pw.case, report_type="missing",
            risk_grade="low", category="missing_from_home", care_status="not_looked_after",
            started_at=hours_ago(hours + 5),
        )  # fmt: skip
        missing_episode_return(
            actor=owner, episode=episode, returned_at=hours_ago(hours), found_by="police"
        )
        return episode

    tomorrow = episode_returned(72 - 22)  # due tomorrow at 18:00
    tonight = episode_returned(72 - 3)  # due today at 23:00
    page = client_for("owner").get("/due/").content.decode()
    rows = {
        episode.reference: page.split(episode.reference, 1)[1].split("</tr>", 1)[0]
        for episode in (tomorrow, tonight)
    }
    assert "Due today" in rows[tonight.reference]
    assert "Due today" not in rows[tomorrow.reference]


def test_the_missing_report_is_a_suppressed_report_without_names(pw, personas) -> None:
    for hours in (30, 10):
        episode = missing_episode_record(
            actor=pw.personas.owner, person=pw.child, case=pw.case, report_type="missing",
            risk_grade="high", category="missing_from_care", care_status="looked_after",
            started_at=hours_ago(hours),
        )  # fmt: skip
        if hours == 30:
            missing_episode_return(
                actor=pw.personas.owner, episode=episode, returned_at=hours_ago(20),
                found_by="police",
            )  # fmt: skip
    analyst = UserFactory(username="analyst", agency=personas.hub, roles=["analyst"])
    client = sign_in(Client(), analyst)

    old = client.get("/missing/report/")  # the old address leads to the reports
    assert old.status_code == 302 and old["Location"] == "/reports/missing_episodes/"
    page = client.get(old["Location"]).content.decode()
    assert "Missing episodes" in page and "Missingtest" not in page
    # Two episodes by one child: small counts leave the system as [c] (decision 0089).
    assert "[c]" in page
    assert ">2<" not in page and ">1<" not in page
    event = AuditEvent.objects.filter(action="report.read").latest("id")
    assert event.actor == analyst and event.purpose == "reporting"
    assert event.details["terms"]["report"] == "missing_episodes"
