"""The breach log's services: every rule of Articles 33 and 34 the log enforces, the ICO clock
in the due-and-overdue view, and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from nestguard.audit.models import AuditEvent
from nestguard.core.clocks import due_items
from nestguard.privacy.models import Breach, BreachNotice
from nestguard.privacy.services.breaches import (
    breach_assess,
    breach_close,
    breach_notice_record,
    breach_record,
)

from .conftest import Officers, client_as, record

pytestmark = pytest.mark.django_db


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_record_starts_the_clock_and_is_audited(officers: Officers) -> None:
    breach = record(officers.hub, hours_ago=5)
    assert breach.reference.startswith("BR-")
    assert breach.agency == officers.personas.hub
    assert breach.ico_due_at == breach.aware_at + timedelta(hours=72)
    assert breach.awaits_ico and not breach.ico_overdue(timezone.now())
    event = AuditEvent.objects.get(action="breach.record")
    assert event.object_id == str(breach.pk)


def test_bad_input_writes_nothing(officers: Officers) -> None:
    with pytest.raises(ValidationError) as exc:
        breach_record(
            actor=officers.hub,
            summary="",
            what_happened="x\x00",
            data_involved="names",
            aware_at=timezone.now() + timedelta(hours=1),
            occurred_at=timezone.now() + timedelta(hours=2),
        )
    assert set(_errors(exc)) == {"summary", "what_happened", "aware_at", "occurred_at"}
    assert not Breach.objects.exists()
    assert not AuditEvent.objects.filter(action="breach.record").exists()


@pytest.mark.parametrize("who", ["owner", "admin", "auditor", "supervisor"])
def test_only_a_data_protection_officer_records(officers: Officers, who: str) -> None:
    with pytest.raises(PermissionDenied):
        record(getattr(officers.personas, who))


# risk, notify_ico, tell_people, reasons -> the field refused, or None when accepted
ASSESSMENTS = [
    ("unlikely", False, False, "Recalled unopened within the hour", None),
    ("unlikely", False, False, "", "decision_reasons"),  # not reporting needs a reason
    ("unlikely", True, False, "", None),  # reporting anyway is allowed
    ("risk", False, False, "We think not", "notify_ico"),  # Art 33(1): must report
    ("risk", True, False, "", None),
    ("high", True, False, "", "decision_reasons"),  # Art 34: tell them, or say why not
    ("high", True, False, "Art 34(3)(c): disproportionate; public notice instead", None),
    ("high", True, True, "", None),
    ("severe", True, True, "", "risk"),
]


@pytest.mark.parametrize(("risk", "ico", "people", "reasons", "refused"), ASSESSMENTS)
def test_assessment_rules(
    breach: Breach,
    officers: Officers,
    risk: str,
    ico: bool,
    people: bool,
    reasons: str,
    refused: str | None,
) -> None:
    def assess() -> Breach:
        return breach_assess(
            actor=officers.hub,
            breach=breach,
            risk=risk,
            risk_reasons="A child's details",
            notify_ico=ico,
            tell_people=people,
            decision_reasons=reasons,
        )

    if refused is None:
        assert assess().risk == risk
        assert AuditEvent.objects.filter(action="breach.assess").count() == 1
    else:
        with pytest.raises(ValidationError) as exc:
            assess()
        assert refused in _errors(exc)
        breach.refresh_from_db()
        assert breach.risk == ""


def test_the_first_ico_notice_stops_the_clock(breach: Breach, officers: Officers) -> None:
    told = timezone.now() - timedelta(minutes=30)
    breach_notice_record(
        actor=officers.hub, breach=breach, audience="ico", told_at=told, ico_reference="IC-1"
    )
    breach.refresh_from_db()
    assert breach.ico_notified_at == told and breach.ico_reference == "IC-1"
    assert not breach.awaits_ico
    assert not list(due_items(officers.hub))


def test_late_ico_notice_needs_reasons(officers: Officers) -> None:
    breach = record(officers.hub, hours_ago=80)
    assert breach.ico_overdue(timezone.now())
    with pytest.raises(ValidationError) as exc:
        breach_notice_record(
            actor=officers.hub, breach=breach, audience="ico", told_at=timezone.now()
        )
    assert "late_reasons" in _errors(exc)
    assert not BreachNotice.objects.exists()
    breach_notice_record(
        actor=officers.hub,
        breach=breach,
        audience="ico",
        told_at=timezone.now(),
        late_reasons="The scale was found only on day 4",
    )
    breach.refresh_from_db()
    assert breach.late_reasons == "The scale was found only on day 4"


@pytest.mark.parametrize(
    ("audience", "told", "field"),
    [
        ("ico", timedelta(hours=1), "told_at"),  # in the future
        ("ico", -timedelta(hours=5), "told_at"),  # before awareness (2 hours ago)
        ("the_press", -timedelta(minutes=5), "audience"),
        ("other", -timedelta(minutes=5), "note"),  # say who
    ],
)
def test_notice_refusals(
    breach: Breach, officers: Officers, audience: str, told: timedelta, field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        breach_notice_record(
            actor=officers.hub, breach=breach, audience=audience, told_at=timezone.now() + told
        )
    assert field in _errors(exc)


def test_the_clock_in_the_due_view(officers: Officers) -> None:
    fresh = record(officers.hub, hours_ago=2)
    late = record(officers.hub, hours_ago=100, summary="Laptop left on a train")
    record(officers.police, hours_ago=1, summary="Police breach")
    items = [i for i in due_items(officers.hub) if i.source == "breach_ico"]
    assert [i.url for i in items] == [
        reverse("privacy:breach", args=[late.pk]),
        reverse("privacy:breach", args=[fresh.pk]),
    ]
    assert items[0].is_overdue() and not items[1].is_overdue()
    # Nobody else's due view shows another agency's breach, or any breach.
    assert [i.title for i in due_items(officers.police) if i.source == "breach_ico"] == [
        f"Report breach {Breach.objects.get(summary='Police breach').reference} to the ICO or "
        "decide not to"
    ]
    assert not [i for i in due_items(officers.personas.owner) if i.source == "breach_ico"]
    # Deciding not to report (unlikely to harm) takes it off the clock.
    breach_assess(
        actor=officers.hub,
        breach=fresh,
        risk="unlikely",
        risk_reasons="Encrypted",
        notify_ico=False,
        tell_people=False,
        decision_reasons="Encrypted device, key safe",
    )
    assert [i.url for i in due_items(officers.hub) if i.source == "breach_ico"] == [
        reverse("privacy:breach", args=[late.pk])
    ]
    page = client_as(officers.hub).get(reverse("pathways:due"))
    assert page.status_code == 200
    assert late.reference in page.content.decode()


def test_close_needs_the_decisions_carried_out(breach: Breach, officers: Officers) -> None:
    with pytest.raises(ValidationError):
        breach_close(actor=officers.hub, breach=breach)  # not assessed
    breach_assess(
        actor=officers.hub,
        breach=breach,
        risk="high",
        risk_reasons="Could reach the exploiter",
        notify_ico=True,
        tell_people=True,
    )
    with pytest.raises(ValidationError):
        breach_close(actor=officers.hub, breach=breach)  # the ICO not told
    now = timezone.now()
    breach_notice_record(actor=officers.hub, breach=breach, audience="ico", told_at=now)
    with pytest.raises(ValidationError):
        breach_close(actor=officers.hub, breach=breach)  # the people not told
    breach_notice_record(
        actor=officers.hub,
        breach=breach,
        audience="people_affected",
        told_at=now,
        note="Phoned the family",
    )
    breach_close(actor=officers.hub, breach=breach)
    with pytest.raises(ValidationError):
        breach_notice_record(
            actor=officers.hub, breach=breach, audience="police", told_at=now
        )  # closed: nothing more


def test_another_agencys_officer_cannot_touch_it(breach: Breach, officers: Officers) -> None:
    with pytest.raises(PermissionDenied):
        breach_notice_record(
            actor=officers.police, breach=breach, audience="ico", told_at=timezone.now()
        )
