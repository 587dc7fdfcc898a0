"""The enforcement pages: the record, the step forms with their error summaries, the
deadlines view and the court chronology."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from nestguard.core.calendar import UK
from nestguard.enforcement.models import EnforcementAction
from nestguard.enforcement.services import enforcement_action_record
from nestguard.enforcement.tests.world import EnforcementWorld

pytestmark = pytest.mark.django_db


def _date_fields(prefix: str, moment: dt.datetime) -> dict[str, str]:
    local = timezone.localtime(moment)
    return {
        f"{prefix}_day": str(local.day),
        f"{prefix}_month": str(local.month),
        f"{prefix}_year": str(local.year),
    }


def test_the_record_shows_the_ladder_deadlines_rules_and_next_steps(  # type: ignore[no-untyped-def]
    eworld: EnforcementWorld, client_for
) -> None:
    page = client_for("owner").get(f"/enforcement/address/{eworld.address.pk}/").content.decode()
    assert eworld.cpw.reference in page and eworld.notice.reference in page
    assert "Community Protection Warning" in page and "Closure notice" in page
    assert "Closure order application must be heard" in page
    assert (
        "s.80(3)-(4)" in page and "https://www.legislation.gov.uk/ukpga/2014/12/section/80" in page
    )
    assert f"step/cpn/?after={eworld.cpw.pk}" in page
    assert f"step/closure_order/?after={eworld.notice.pk}" in page
    assert "Respect Order (commencement not set)" in page


def test_a_cpn_form_with_missing_fields_shows_the_error_summary_and_writes_nothing(  # type: ignore[no-untyped-def]
    eworld: EnforcementWorld, client_for
) -> None:
    before = EnforcementAction.objects.count()
    response = client_for("owner").post(f"/enforcement/address/{eworld.address.pk}/step/cpn/", {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "Enter the date" in page
    assert "Choose who issued it" in page
    assert page.count("<h1") == 1
    assert EnforcementAction.objects.count() == before


def test_a_cpn_without_a_warning_is_refused_on_the_page(  # type: ignore[no-untyped-def]
    eworld: EnforcementWorld, client_for
) -> None:
    now = timezone.now()
    response = client_for("owner").post(
        f"/enforcement/address/{eworld.address.pk}/step/cpn/",
        {
            **_date_fields("taken_at_date", now),
            "taken_at_time": f"{timezone.localtime(now):%H:%M}",
            "issuer": "local_authority_officer",
            "person": str(eworld.person.pk),
        },
    )
    assert "needs an earlier Community Protection Warning" in response.content.decode()


def test_a_cpn_after_its_warning_is_recorded(eworld: EnforcementWorld, client_for) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now() - dt.timedelta(minutes=1)
    client = client_for("owner")
    form = client.get(f"/enforcement/address/{eworld.address.pk}/step/cpn/?after={eworld.cpw.pk}")
    assert f'value="{eworld.cpw.pk}" selected' in form.content.decode()
    response = client.post(
        f"/enforcement/address/{eworld.address.pk}/step/cpn/",
        {
            **_date_fields("taken_at_date", now),
            "taken_at_time": f"{timezone.localtime(now):%H:%M}",
            "issuer": "local_authority_officer",
            "parent": str(eworld.cpw.pk),
            "person": str(eworld.person.pk),
            "conduct": "<b>same</b>",
        },
    )
    assert response.status_code == 302
    cpn = EnforcementAction.objects.get(step="cpn")
    assert cpn.parent_id == eworld.cpw.pk and cpn.conduct == "<b>same</b>"
    page = client.get(response["Location"]).content.decode()
    assert "&lt;b&gt;same&lt;/b&gt;" in page and "Appeal window closes" in page


def test_a_partial_closure_order_by_form(eworld: EnforcementWorld, client_for) -> None:  # type: ignore[no-untyped-def]
    # The notice served at 10:00 yesterday (UK) and the order typed as made at 11:00: in the
    # past, and never in the hour the clocks repeat. (Typed as "a minute ago" after the
    # notice the world serves "an hour ago", in the second 01:00-02:00 of the last Sunday in
    # October the form read the time as the first, an hour earlier, before the notice.)
    served = dt.datetime.combine(
        timezone.localdate() - dt.timedelta(days=1), dt.time(10, 0), tzinfo=UK
    )
    notice = enforcement_action_record(
        actor=eworld.personas.partner,
        address=eworld.address,
        step="closure_notice",
        taken_at=served,
        issuer="police_inspector",
        now=served,
    )
    made = served + dt.timedelta(hours=1)
    ends = made + dt.timedelta(days=60)
    response = client_for("partner").post(
        f"/enforcement/address/{eworld.address.pk}/step/closure_order/",
        {
            **_date_fields("taken_at_date", made),
            "taken_at_time": "11:00",
            **_date_fields("ends_at_date", ends),
            "issuer": "police_inspector",
            "parent": str(notice.pk),
            "scope": "part",
            "part_description": "The rear bedroom",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    order = EnforcementAction.objects.get(step="closure_order")
    assert order.scope == "part" and order.part_description == "The rear bedroom"
    assert order.parent_id == notice.pk and order.taken_at == made


def test_a_bad_time_is_refused(eworld: EnforcementWorld, client_for) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    response = client_for("partner").post(
        f"/enforcement/address/{eworld.address.pk}/step/closure_notice/",
        {
            **_date_fields("taken_at_date", now),
            "taken_at_time": "25:61",
            "issuer": "police_inspector",
        },
    )
    assert "Enter a real time on the 24-hour clock" in response.content.decode()


def test_an_impossible_date_is_refused(eworld: EnforcementWorld, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("partner").post(
        f"/enforcement/address/{eworld.address.pk}/step/closure_notice/",
        {
            "taken_at_date_day": "31",
            "taken_at_date_month": "2",
            "taken_at_date_year": "2026",
            "taken_at_time": "10:00",
            "issuer": "police_inspector",
        },
    )
    assert "must be a real date" in response.content.decode()


def test_an_unknown_step_is_404(eworld: EnforcementWorld, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("owner").get(f"/enforcement/address/{eworld.address.pk}/step/asbo/")
    assert response.status_code == 404


def test_the_deadlines_view_shows_overdue_and_due_this_week(  # type: ignore[no-untyped-def]
    eworld: EnforcementWorld, client_for, personas
) -> None:
    # A notice served four days ago with no hearing recorded: its hearing is overdue by a day
    # at least. (Served three days ago, just after Christmas, its 48 hours less Christmas Day
    # ended at the very moment the test began: overdue by milliseconds only.)
    old = timezone.now() - dt.timedelta(days=4)
    late = enforcement_action_record(
        actor=personas.partner,
        address=eworld.address,
        step="closure_notice",
        taken_at=old,
        issuer="police_inspector",
        now=old,
    )
    page = client_for("owner").get("/enforcement/").content.decode()
    overdue, due = page.split("Due this week")
    assert late.reference in overdue and "Overdue" in overdue
    assert eworld.notice.reference in due
    # The outsider, with no agreement, sees none of it.
    outsider = client_for("outsider").get("/enforcement/").content.decode()
    assert late.reference not in outsider and eworld.notice.reference not in outsider


def test_the_court_chronology_is_printable_and_ordered(  # type: ignore[no-untyped-def]
    eworld: EnforcementWorld, client_for
) -> None:
    page = (
        client_for("partner")
        .get(f"/enforcement/address/{eworld.address.pk}/chronology/")
        .content.decode()
    )
    assert "enforcement/print.css" in page
    # Oldest first: the warning (30 days ago), the notice (an hour ago), then the referral
    # and the case, which the world makes just now.
    referral = page.index(eworld.case.referrals.first().reference)  # type: ignore[union-attr]
    assert page.index(eworld.cpw.reference) < page.index(eworld.notice.reference) < referral
    assert "Visitors at all hours." in page


def test_the_pages_read_in_a_number_of_queries_that_does_not_grow(  # type: ignore[no-untyped-def]
    eworld: EnforcementWorld, client_for, django_assert_max_num_queries, personas
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("owner")
    urls = [
        f"/enforcement/address/{eworld.address.pk}/",
        f"/enforcement/address/{eworld.address.pk}/chronology/",
        "/enforcement/",
    ]
    baseline = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        baseline[url] = len(queries.captured_queries)
    now = timezone.now()
    for n in range(6):
        enforcement_action_record(
            actor=personas.owner,
            address=eworld.address,
            step="cpw",
            taken_at=now - dt.timedelta(hours=n + 1),
            issuer="local_authority_officer",
            person=eworld.person,
            case=eworld.case,
            conduct=f"Conduct {n}",
            comply_by=now + dt.timedelta(days=2),
        )
    for url in urls:
        with django_assert_max_num_queries(baseline[url]):
            assert client.get(url).status_code == 200


def test_a_person_not_offered_is_refused_in_words(eworld: EnforcementWorld, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("owner").post(
        f"/enforcement/address/{eworld.address.pk}/step/cpw/",
        {"person": "00000000-0000-0000-0000-000000000000", "parent": "x"},
    )
    page = response.content.decode()
    assert "Choose a person linked to this address" in page


def test_an_agency_without_the_power_is_told_so(eworld: EnforcementWorld, client_for) -> None:  # type: ignore[no-untyped-def]
    page = (
        client_for("outsider")
        .get(f"/enforcement/address/{eworld.address.pk}/step/closure_notice/")
        .content.decode()
    )
    assert "Your agency holds no rank that may take a Closure notice" in page
