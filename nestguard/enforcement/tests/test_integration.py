"""The enforcement record in the other apps' registries: the address page's timeline, the
displacement rule's "under enforcement" question, and the due-and-overdue clocks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nestguard.core.clocks import due_items
from nestguard.enforcement.periods import add_calendar_months
from nestguard.enforcement.services import enforcement_action_record
from nestguard.enforcement.tests.world import EnforcementWorld
from nestguard.enforcement.timeline import under_enforcement
from nestguard.places.registry import timeline_for
from tests.factories import AddressFactory

pytestmark = pytest.mark.django_db


def test_the_address_page_timeline_shows_the_steps_the_viewer_may_see(  # type: ignore[no-untyped-def]
    eworld: EnforcementWorld, client_for
) -> None:
    entries = [
        e
        for e in timeline_for(eworld.personas.partner, eworld.address)
        if e.source == "enforcement"
    ]
    assert {e.title for e in entries} == {
        f"Community Protection Warning {eworld.cpw.reference}",
        f"Closure notice {eworld.notice.reference}",
    }
    notice = next(e for e in entries if "Closure notice" in e.title)
    assert notice.tag.startswith("Closure notice ends") or notice.tag.startswith("Closure order")
    assert not [
        e
        for e in timeline_for(eworld.personas.outsider, eworld.address)
        if e.source == "enforcement"
    ]
    page = client_for("partner").get(f"/addresses/{eworld.address.pk}/").content.decode()
    assert eworld.notice.reference in page and "Enforcement record" in page


def test_addresses_under_enforcement(eworld: EnforcementWorld) -> None:
    quiet = AddressFactory(uprn="770000000555", line1="1 Quiet Road", postcode="NB1 2AB")
    assert under_enforcement([eworld.address.pk, quiet.pk]) == {eworld.address.pk}


def test_the_clock_source_lists_due_and_overdue(eworld: EnforcementWorld) -> None:
    mine = due_items(eworld.personas.partner)
    assert any(eworld.notice.reference in item.title for item in mine)
    assert all(eworld.cpw.reference not in item.title for item in mine)  # not theirs, lapsed
    assert due_items(eworld.personas.outsider, team=True) == []
    team = due_items(eworld.personas.owner, team=True)
    assert any("s.80(3)-(4)" in item.rule for item in team)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(extra_days=st.integers(min_value=-3, max_value=100))
def test_an_extension_is_accepted_exactly_within_its_limits(
    eworld: EnforcementWorld, extra_days: int
) -> None:
    """Whatever end an extension asks for: accepted if it is after the current end, within
    3 months of it and within 6 months of the making of the order; refused otherwise, and
    nothing is written."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from nestguard.enforcement.models import EnforcementAction

    now = timezone.now()
    made = now - dt.timedelta(days=80)
    with transaction.atomic():
        notice = enforcement_action_record(
            actor=eworld.personas.partner, address=eworld.address, step="closure_notice",
            taken_at=made - dt.timedelta(hours=3), issuer="police_inspector", now=made,
        )  # fmt: skip
        current_end = made + dt.timedelta(days=85)
        order = enforcement_action_record(
            actor=eworld.personas.partner, address=eworld.address, step="closure_order",
            taken_at=made, issuer="police_inspector", parent=notice, scope="whole",
            ends_at=current_end, now=made,
        )  # fmt: skip
        wanted = current_end + dt.timedelta(days=extra_days)
        allowed = (
            wanted > current_end
            and wanted <= add_calendar_months(current_end, 3)
            and wanted <= add_calendar_months(made, 6)
        )
        before = EnforcementAction.objects.count()
        try:
            enforcement_action_record(
                actor=eworld.personas.partner, address=eworld.address,
                step="closure_order_extension", taken_at=now, issuer="police_superintendent",
                parent=order, ends_at=wanted,
            )  # fmt: skip
            accepted = True
        except ValidationError as exc:
            accepted = False
            assert "ends_at" in exc.message_dict
            assert EnforcementAction.objects.count() == before
        transaction.set_rollback(True)
    assert accepted == allowed


def test_an_old_order_in_force_counts_until_discharged(eworld: EnforcementWorld) -> None:
    """A step more than six months old still counts while an order it made is in force."""
    other = AddressFactory(uprn="770000000556", line1="2 Old Road", postcode="NB1 2AB")
    old = timezone.now() - dt.timedelta(days=200)
    notice = enforcement_action_record(
        actor=eworld.personas.partner, address=other, step="closure_notice",
        taken_at=old - dt.timedelta(hours=2), issuer="police_inspector", now=old,
    )  # fmt: skip
    from nestguard.enforcement.models import EnforcementAction

    # An order whose recorded end lies ahead (as an order under appeal might): in force.
    order = enforcement_action_record(
        actor=eworld.personas.partner, address=other, step="closure_order", taken_at=old,
        issuer="police_inspector", parent=notice, scope="whole",
        ends_at=old + dt.timedelta(days=85), now=old,
    )  # fmt: skip
    EnforcementAction.objects.filter(pk=order.pk).update(
        ends_at=timezone.now() + dt.timedelta(days=5)
    )
    assert under_enforcement([other.pk]) == {other.pk}
    EnforcementAction.objects.filter(pk=order.pk).update(
        ends_at=timezone.now() - dt.timedelta(days=5)
    )
    assert under_enforcement([other.pk]) == set()


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(gap_hours=st.integers(min_value=-72, max_value=72))
def test_a_cpn_is_accepted_exactly_once_the_warnings_time_has_ended(
    eworld: EnforcementWorld, gap_hours: int
) -> None:
    """A CPN `gap_hours` after the end of the warning's time: accepted iff not before it."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    now = timezone.now()
    comply_by = now - dt.timedelta(hours=100)
    with transaction.atomic():
        cpw = enforcement_action_record(
            actor=eworld.personas.owner, address=eworld.address, step="cpw",
            taken_at=now - dt.timedelta(days=20), issuer="local_authority_officer",
            person=eworld.person, conduct="Noise at night", comply_by=comply_by,
        )  # fmt: skip
        try:
            enforcement_action_record(
                actor=eworld.personas.owner, address=eworld.address, step="cpn",
                taken_at=comply_by + dt.timedelta(hours=gap_hours),
                issuer="local_authority_officer", parent=cpw,
            )  # fmt: skip
            accepted = True
        except ValidationError as exc:
            accepted = False
            assert "cannot be issued before then" in exc.message_dict["taken_at"][0]
        transaction.set_rollback(True)
    assert accepted == (gap_hours >= 0)
