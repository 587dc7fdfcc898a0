"""Prevent and Channel (decision 0109): the referral to the Prevent lead, the gateway, the
panel's outcomes, consent as the Channel duty requires, who sees what, and bad input refused
with nothing changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from nestguard.access.door import visible
from nestguard.audit.models import AuditEvent
from nestguard.channel.models import ConsentRecord, PreventLead, PreventReferral, Stage
from nestguard.channel.services.prevent import (
    CHILD_CONSENT,
    NO_CONSENT,
    NO_LEAD,
    consent_record,
    gateway_record,
    panel_record,
    prevent_lead_name,
    prevent_referral_make,
    support_end,
    support_start,
)
from nestguard.people.tests.builders import make_case
from nestguard.referrals.codes import grouped_indicators
from nestguard.referrals.models import concern_types
from tests.factories import PersonFactory

from .conftest import PreventWorld

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


def _to_panel(w: PreventWorld, record: PreventReferral) -> PreventReferral:
    return gateway_record(w.officer, record=record, outcome="to_panel", on=_today())


def _adopted(w: PreventWorld, record: PreventReferral) -> PreventReferral:
    _to_panel(w, record)
    return panel_record(w.officer, record=record, outcome="adopted", on=_today())


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}-on_day": str(day.day),
        f"{prefix}-on_month": str(day.month),
        f"{prefix}-on_year": str(day.year),
    }


def test_radicalisation_is_a_concern_type_with_its_own_signs() -> None:
    assert "radicalisation" in concern_types()
    groups = grouped_indicators(["radicalisation"])
    assert [label for label, _ in groups] == [
        "Signs someone may be being drawn into extremism or terrorism"
    ]
    codes = {code for _, items in groups for code, _ in items}
    assert {"misogynist_incel_language", "school_massacre_interest"} <= codes


def test_a_referral_goes_to_the_lead_in_force_and_is_audited(pworld: PreventWorld) -> None:
    record = pworld.refer()
    assert record.reference.startswith("PRV")
    assert (record.lead_agency, record.lead_team) == (pworld.personas.hub, pworld.team)
    assert record.age_at_referral == 14 and record.is_child
    assert record.signs == ["extremist_material", "us_and_them"]
    event = AuditEvent.objects.get(action="prevent.refer")
    assert event.purpose == "prevent" and event.details["from"] == pworld.case.reference
    # A later change of lead does not move a referral already made.
    prevent_lead_name(pworld.personas.admin, agency=pworld.personas.police)
    record.refresh_from_db()
    assert record.lead_team == pworld.team
    assert PreventLead.objects.filter(ended_at__isnull=True).count() == 1


def test_a_referral_needs_the_concern_a_subject_and_a_lead(pworld: PreventWorld) -> None:
    other = make_case(lead_agency=pworld.personas.hub, subjects=[(pworld.child, "victim")],
                      team_agencies=[pworld.personas.police])  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        prevent_referral_make(
            pworld.personas.partner, person=pworld.child, case=other,
            ideology="islamist", concern="x",
        )  # fmt: skip
    assert "radicalisation concern" in str(exc.value)
    with pytest.raises(ValidationError) as exc:  # someone not named on the case
        pworld.refer(person=PersonFactory())
    assert set(exc.value.message_dict) == {"person"}
    with pytest.raises(ValidationError) as exc:
        pworld.refer(ideology="not_a_code", signs=["unfamiliar_visitors"], concern="")
    assert set(exc.value.message_dict) == {"ideology", "signs", "concern"}
    PreventLead.objects.update(ended_at=timezone.now())
    with pytest.raises(ValidationError) as exc:
        pworld.refer()
    assert NO_LEAD in str(exc.value)
    assert not PreventReferral.objects.exists()


def test_the_gateway_and_the_panel_move_the_stage(pworld: PreventWorld) -> None:
    record = _to_panel(pworld, pworld.refer())
    assert record.stage == Stage.PANEL
    with pytest.raises(ValidationError):  # recorded once
        gateway_record(pworld.officer, record=record, outcome="to_panel", on=_today())
    with pytest.raises(ValidationError) as exc:
        panel_record(pworld.officer, record=record, outcome="referred_elsewhere", on=_today())
    assert "referred_to" in exc.value.message_dict
    panel_record(pworld.officer, record=record, outcome="referred_elsewhere", on=_today(),
                 referred_to="Child and adolescent mental health services")  # fmt: skip
    record.refresh_from_db()
    assert record.stage == Stage.CLOSED and record.referred_to.startswith("Child and")
    closed = gateway_record(
        pworld.officer, record=pworld.refer(person=pworld.adult), outcome="police_led",
        on=_today(),
    )  # fmt: skip
    assert closed.stage == Stage.CLOSED


def test_dates_cannot_be_in_the_future_or_before_the_referral(pworld: PreventWorld) -> None:
    record = pworld.refer()
    for day in (_today() + dt.timedelta(days=1), _today() - dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as exc:
            gateway_record(pworld.officer, record=record, outcome="to_panel", on=day)
        assert "on" in exc.value.message_dict
    record.refresh_from_db()
    assert record.stage == Stage.RECEIVED and record.gateway_outcome == ""


def test_an_adopted_case_without_consent_cannot_start_support(pworld: PreventWorld) -> None:
    record = _adopted(pworld, pworld.refer(person=pworld.adult))
    with pytest.raises(ValidationError) as exc:
        support_start(pworld.officer, record=record, on=_today())
    assert NO_CONSENT in str(exc.value)
    consent_record(pworld.officer, record=record, state="sought", given_by="person", on=_today())
    consent_record(pworld.officer, record=record, state="refused", given_by="person", on=_today())
    with pytest.raises(ValidationError, match="necessary consent"):
        support_start(pworld.officer, record=record, on=_today())
    consent_record(pworld.officer, record=record, state="given", given_by="person", on=_today())
    record = support_start(pworld.officer, record=record, on=_today())
    assert record.stage == Stage.SUPPORT
    record = support_end(pworld.officer, record=record, on=_today())
    reviews = record.review_dates()
    assert reviews is not None and reviews[0] > _today() and reviews[1] > reviews[0]


def test_a_child_needs_a_parent_or_guardian_s_consent(pworld: PreventWorld) -> None:
    record = _adopted(pworld, pworld.refer())
    with pytest.raises(ValidationError) as exc:
        consent_record(pworld.officer, record=record, state="given", given_by="person",
                       on=_today())  # fmt: skip
    assert CHILD_CONSENT in exc.value.message_dict["given_by"]
    with pytest.raises(ValidationError) as exc:  # a parent or guardian is named
        consent_record(pworld.officer, record=record, state="given",
                       given_by="parent_guardian", on=_today())  # fmt: skip
    assert "giver_name" in exc.value.message_dict
    assert not ConsentRecord.objects.exists()
    consent_record(pworld.officer, record=record, state="given", given_by="parent_guardian",
                   giver_name="Sam Pike", on=_today())  # fmt: skip
    assert support_start(pworld.officer, record=record, on=_today()).stage == Stage.SUPPORT


def test_only_the_lead_records_steps(pworld: PreventWorld) -> None:
    record = pworld.refer()
    for actor in (pworld.personas.partner, pworld.personas.owner, pworld.police_colleague):
        with pytest.raises(PermissionDenied):
            gateway_record(actor, record=record, outcome="to_panel", on=_today())


def _status(user: Any, url: str) -> int:
    return sign_in(Client(), user).get(url).status_code


def test_who_sees_a_prevent_referral(pworld: PreventWorld) -> None:
    """The Prevent team and the referrer's agency; not the hub's other caseworkers (the lead
    is a team), nor the case's other partners, nor agencies without a part in it."""
    p = pworld.personas
    record = pworld.refer()
    url = reverse("channel:detail", args=[record.pk])
    assert _status(pworld.officer, url) == 200
    assert _status(p.partner, url) == 200
    assert _status(pworld.police_colleague, url) == 200
    for user in (p.owner, p.supervisor, p.outsider, p.referrer, p.ended_partner, p.lone_referrer):
        assert _status(user, url) == 404, user.username
    for user in (p.auditor, p.admin):
        assert _status(user, url) == 403
    assert list(visible(p.owner, PreventReferral)) == []
    assert list(visible(p.owner, ConsentRecord)) == []


def test_the_referrer_s_agency_sees_the_stage_and_outcome_only(pworld: PreventWorld) -> None:
    record = _adopted(pworld, pworld.refer())
    consent_record(
        pworld.officer, record=record, state="sought", given_by="parent_guardian",
        giver_name="Sam Pike", on=_today(), note="Mother will think about it",
    )  # fmt: skip
    url = reverse("channel:detail", args=[record.pk])
    police = sign_in(Client(), pworld.police_colleague).get(url).content.decode()
    assert "Adopted as a Channel case" in police
    for secret in ("Extreme right-wing", "far-right video", "Mother will think", "Sam Pike"):
        assert secret not in police
    lead = sign_in(Client(), pworld.officer).get(url).content.decode()
    for shown in ("Extreme right-wing", "far-right video", "Mother will think", "Sam Pike"):
        assert shown in lead
    assert "Record the police gateway assessment" not in lead
    assert "Start support" in lead


def test_the_list_shows_each_their_own(pworld: PreventWorld) -> None:
    record = pworld.refer()
    url = reverse("channel:list")
    assert record.reference in sign_in(Client(), pworld.officer).get(url).content.decode()
    assert record.reference in sign_in(Client(), pworld.police_colleague).get(url).content.decode()
    assert (
        record.reference not in sign_in(Client(), pworld.personas.owner).get(url).content.decode()
    )


def test_making_one_from_the_case_page(pworld: PreventWorld) -> None:
    client = sign_in(Client(), pworld.personas.partner)
    url = reverse("channel:new", kwargs={"source": "case", "pk": pworld.case.pk})
    bad = client.post(url, {"person": str(pworld.child.pk)})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    assert not PreventReferral.objects.exists()
    good = client.post(url, {
        "person": str(pworld.child.pk), "ideology": "incel", "signs": ["misogynist_incel_language"],
        "concern": "Talks about women as the enemy; watches incel forums.",
    })  # fmt: skip
    record = PreventReferral.objects.get()
    assert good.status_code == 302 and good["Location"] == reverse(
        "channel:detail", args=[record.pk]
    )
    assert record.ideology == "incel" and record.case == pworld.case


def test_the_lead_records_the_steps_on_the_page(pworld: PreventWorld) -> None:
    record = pworld.refer(person=pworld.adult)
    client = sign_in(Client(), pworld.officer)
    step = lambda name: reverse("channel:step", args=[record.pk, name])  # noqa: E731
    bad = client.post(step("gateway"), {"gateway-outcome": "to_panel"})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    record.refresh_from_db()
    assert record.stage == Stage.RECEIVED
    ok = client.post(step("gateway"), {"gateway-outcome": "to_panel", **_date("gateway", _today())})
    assert ok.status_code == 302
    client.post(step("panel"), {"panel-outcome": "adopted", **_date("panel", _today())})
    refused = client.post(step("start"), _date("start", _today()))
    assert refused.status_code == 200 and NO_CONSENT in refused.content.decode()
    client.post(step("consent"), {"consent-state": "given", "consent-given_by": "person",
                                  **_date("consent", _today())})  # fmt: skip
    assert client.post(step("start"), _date("start", _today())).status_code == 302
    record.refresh_from_db()
    assert record.stage == Stage.SUPPORT
    # The referrer's agency cannot post a step, and a step that is not one is missing.
    partner = sign_in(Client(), pworld.personas.partner)
    assert partner.post(step("end"), _date("end", _today())).status_code == 404
    assert client.post(step("nonsense"), {}).status_code == 404


def test_naming_the_lead_on_its_page(pworld: PreventWorld) -> None:
    client = sign_in(Client(), pworld.personas.admin)
    url = reverse("channel:lead")
    assert "Prevent team" in client.get(url).content.decode()
    response = client.post(url, {"lead": f"agency:{pworld.personas.police.pk}"})
    assert response.status_code == 302
    lead = PreventLead.objects.get(ended_at__isnull=True)
    assert lead.agency == pworld.personas.police and lead.team is None
    assert client.post(url, {}).status_code == 200
