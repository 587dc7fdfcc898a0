"""The service refuses bad steps with a clear reason and writes nothing; good steps get the
deadlines the rules give, with their sources, and meet the deadlines they answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from nestguard.audit.models import AuditEvent
from nestguard.core.calendar import UK
from nestguard.enforcement.models import EnforcementAction, EnforcementDeadline
from nestguard.enforcement.services import enforcement_action_record
from nestguard.enforcement.tests.world import EnforcementWorld

pytestmark = pytest.mark.django_db


def _refused(**kwargs) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    before = (EnforcementAction.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as caught:
        enforcement_action_record(**kwargs)
    assert (EnforcementAction.objects.count(), AuditEvent.objects.count()) == before
    return caught.value.message_dict


def test_a_cpn_without_an_earlier_cpw_is_refused(eworld: EnforcementWorld) -> None:
    errors = _refused(
        actor=eworld.personas.owner,
        address=eworld.address,
        step="cpn",
        taken_at=timezone.now(),
        issuer="local_authority_officer",
        person=eworld.person,
    )
    assert "needs an earlier Community Protection Warning" in errors["parent"][0]


def test_a_cpn_before_the_warnings_time_has_ended_is_refused(eworld: EnforcementWorld) -> None:
    now = timezone.now()
    cpw = enforcement_action_record(
        actor=eworld.personas.owner,
        address=eworld.address,
        step="cpw",
        taken_at=now - dt.timedelta(days=2),
        issuer="local_authority_officer",
        person=eworld.person,
        conduct="Noise",
        comply_by=now + dt.timedelta(days=5),
    )
    errors = _refused(
        actor=eworld.personas.owner,
        address=eworld.address,
        step="cpn",
        taken_at=now,
        issuer="local_authority_officer",
        parent=cpw,
    )
    assert "cannot be issued before then" in errors["taken_at"][0]


def test_a_cpn_after_the_cpw_gets_its_appeal_window(eworld: EnforcementWorld) -> None:
    taken = timezone.now() - dt.timedelta(days=5)  # after the warning's comply-by date
    cpn = enforcement_action_record(
        actor=eworld.personas.owner,
        address=eworld.address,
        step="cpn",
        taken_at=max(taken, eworld.cpw.comply_by),  # type: ignore[type-var]
        issuer="local_authority_officer",
        parent=eworld.cpw,
    )
    assert cpn.person_id == eworld.person.pk  # the same person as the warning
    assert cpn.conduct == eworld.cpw.conduct  # and the same conduct
    appeal = cpn.deadlines.get(code="appeal_by")
    first_day = cpn.taken_at.astimezone(UK).date()
    assert appeal.due_at.astimezone(UK).date() == first_day + dt.timedelta(days=20)
    assert appeal.source["section"] == "s.46(1)" and appeal.source["status"] == "primary"


def test_a_second_cpn_on_the_same_warning_is_refused(eworld: EnforcementWorld) -> None:
    kwargs = dict(
        actor=eworld.personas.owner,
        address=eworld.address,
        step="cpn",
        taken_at=timezone.now(),
        issuer="local_authority_officer",
        parent=eworld.cpw,
    )
    enforcement_action_record(**kwargs)  # type: ignore[arg-type]
    errors = _refused(**kwargs)
    assert "already been followed" in errors["parent"][0]


def test_a_cpn_to_another_person_is_refused(eworld: EnforcementWorld, personas) -> None:  # type: ignore[no-untyped-def]
    from nestguard.enforcement.tests.world import make_referral

    other_ref = make_referral(personas.referrer, family_name="Otherperson")
    from nestguard.referrals import services as referrals

    referrals.referral_triage(
        actor=personas.owner, referral=other_ref, decision="merge", case=eworld.case,
        reason="Same address",
    )  # fmt: skip
    other = eworld.case.subjects.exclude(person=eworld.person).get().person
    errors = _refused(
        actor=personas.owner,
        address=eworld.address,
        step="cpn",
        taken_at=timezone.now(),
        issuer="local_authority_officer",
        parent=eworld.cpw,
        person=other,
    )
    assert "same person" in errors["person"][0]


def test_a_hearing_after_the_deadline_is_refused(eworld: EnforcementWorld) -> None:
    deadline = eworld.notice.deadlines.get(code="hearing_by")
    errors = _refused(
        actor=eworld.personas.partner,
        address=eworld.address,
        step="closure_order",
        taken_at=deadline.due_at + dt.timedelta(minutes=1),
        issuer="police_inspector",
        parent=eworld.notice,
        scope="whole",
        ends_at=deadline.due_at + dt.timedelta(days=60),
        now=deadline.due_at + dt.timedelta(hours=1),
    )
    assert "after the deadline" in errors["taken_at"][0]
    assert "s.80(3)-(4)" in errors["taken_at"][0]


def test_the_application_is_made_by_the_body_that_issued_the_notice(
    eworld: EnforcementWorld,
) -> None:
    errors = _refused(
        actor=eworld.personas.owner,
        address=eworld.address,
        step="closure_order",
        taken_at=timezone.now(),
        issuer="local_authority_officer",
        parent=eworld.notice,
        scope="whole",
        ends_at=timezone.now() + dt.timedelta(days=30),
    )
    assert "same body" in errors["issuer"][0]


def _order(eworld: EnforcementWorld, **extra):  # type: ignore[no-untyped-def]
    parent = eworld.notice
    if "taken_at" in extra:  # an older order follows an older notice, served 2 hours before
        parent = enforcement_action_record(
            actor=eworld.personas.partner,
            address=eworld.address,
            step="closure_notice",
            taken_at=extra["taken_at"] - dt.timedelta(hours=2),
            issuer="police_inspector",
            now=extra["taken_at"],
        )
        extra["parent"] = parent
    kwargs = dict(
        actor=eworld.personas.partner,
        address=eworld.address,
        step="closure_order",
        taken_at=timezone.now(),
        issuer="police_inspector",
        parent=eworld.notice,
        scope="part",
        part_description="The front bedroom and the shared stairwell",
        ends_at=timezone.now() + dt.timedelta(days=60),
    )
    kwargs.update(extra)
    return enforcement_action_record(**kwargs)  # type: ignore[arg-type]


def test_a_partial_closure_order_meets_the_hearing_deadline(eworld: EnforcementWorld) -> None:
    order = _order(eworld)
    hearing = eworld.notice.deadlines.get(code="hearing_by")
    assert hearing.met_by_id == order.pk and hearing.met_at == order.taken_at
    assert order.part_description.startswith("The front bedroom")
    assert set(order.deadlines.values_list("code", flat=True)) == {"expires", "appeal_by"}


def test_a_part_order_needs_the_part_described(eworld: EnforcementWorld) -> None:
    errors = _refused(
        actor=eworld.personas.partner,
        address=eworld.address,
        step="closure_order",
        taken_at=timezone.now(),
        issuer="police_inspector",
        parent=eworld.notice,
        scope="part",
        part_description="   ",
        ends_at=timezone.now() + dt.timedelta(days=30),
    )
    assert errors["part_description"] == ["Describe the part of the premises the order covers"]


def test_an_order_longer_than_three_months_is_refused(eworld: EnforcementWorld) -> None:
    with pytest.raises(ValidationError) as caught:
        _order(eworld, ends_at=timezone.now() + dt.timedelta(days=95))
    assert "may not exceed 3 months" in caught.value.message_dict["ends_at"][0]


def test_extensions_never_beyond_six_months_in_total(eworld: EnforcementWorld) -> None:
    now = timezone.now()
    made = now - dt.timedelta(days=80)
    # An order made 80 days ago (recorded with `now` then), lasting 85 days: within 3 calendar
    # months whenever it was made (89 days were not, from a February across the March clock
    # change: 3 months from 10 February are 89 days less the hour the clocks go forward).
    order = _order(eworld, taken_at=made, ends_at=made + dt.timedelta(days=85), now=made)
    extension = enforcement_action_record(
        actor=eworld.personas.partner,
        address=eworld.address,
        step="closure_order_extension",
        taken_at=now,
        issuer="police_superintendent",
        parent=order,
        ends_at=made + dt.timedelta(days=170),
    )
    old_expiry = order.deadlines.get(code="expires")
    assert old_expiry.met_by_id == extension.pk  # superseded by the extension
    errors = _refused(
        actor=eworld.personas.partner,
        address=eworld.address,
        step="closure_order_extension",
        taken_at=now,
        issuer="police_superintendent",
        parent=order,
        ends_at=made + dt.timedelta(days=186),
    )
    assert "past six months in total is refused" in errors["ends_at"][0]


def test_an_extension_after_the_order_ended_is_refused(eworld: EnforcementWorld) -> None:
    now = timezone.now()
    made = now - dt.timedelta(days=40)
    order = _order(eworld, taken_at=made, ends_at=made + dt.timedelta(days=30), now=made)
    errors = _refused(
        actor=eworld.personas.partner,
        address=eworld.address,
        step="closure_order_extension",
        taken_at=now,
        issuer="police_superintendent",
        parent=order,
        ends_at=now + dt.timedelta(days=30),
    )
    assert "before the order ends" in errors["taken_at"][0]


def test_a_discharge_ends_the_order(eworld: EnforcementWorld) -> None:
    order = _order(eworld)
    discharge = enforcement_action_record(
        actor=eworld.personas.partner,
        address=eworld.address,
        step="closure_order_discharge",
        taken_at=timezone.now(),
        issuer="police_inspector",
        parent=order,
    )
    assert order.deadlines.get(code="expires").met_by_id == discharge.pk
    errors = _refused(
        actor=eworld.personas.partner,
        address=eworld.address,
        step="closure_order_extension",
        taken_at=timezone.now(),
        issuer="police_inspector",
        parent=order,
        ends_at=timezone.now() + dt.timedelta(days=80),
    )
    assert "discharged" in errors["parent"][0]


def test_a_step_before_commencement_is_refused(eworld: EnforcementWorld) -> None:
    errors = _refused(
        actor=eworld.personas.owner,
        address=eworld.address,
        step="respect_order",
        taken_at=timezone.now(),
        issuer="local_authority_officer",
        person=eworld.person,
        conduct="Harassment of neighbours",
    )
    assert "commencement date is not set" in errors["step"][0]


def test_a_step_after_a_configured_commencement_is_recorded(eworld: EnforcementWorld) -> None:
    with override_settings(NESTGUARD_ENFORCEMENT_COMMENCEMENT={"respect_order": "2026-01-01"}):
        order = enforcement_action_record(
            actor=eworld.personas.owner,
            address=eworld.address,
            step="respect_order",
            taken_at=timezone.now(),
            issuer="local_authority_officer",
            person=eworld.person,
            conduct="Harassment of neighbours",
        )
        assert order.step == "respect_order"
        errors = _refused(
            actor=eworld.personas.owner,
            address=eworld.address,
            step="respect_order",
            taken_at=dt.datetime(2025, 12, 31, 12, tzinfo=UK),
            issuer="local_authority_officer",
            person=eworld.person,
            conduct="Harassment of neighbours",
        )
        assert "commences on 1 January 2026" in errors["step"][0]


def test_a_rank_the_agency_does_not_hold_is_refused(eworld: EnforcementWorld) -> None:
    errors = _refused(
        actor=eworld.personas.owner,  # the hub: local authority ranks only
        address=eworld.address,
        step="closure_notice",
        taken_at=timezone.now(),
        issuer="police_superintendent",
    )
    assert "not a rank your agency holds" in errors["issuer"][0]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("taken_at", None, "Enter the date and time"),
        ("taken_at", "yesterday", "must be a real date and time"),
        ("taken_at", dt.datetime(2013, 1, 1, tzinfo=UK), "must be after"),
        ("issuer", "chief_constable", "Choose who issued"),
        ("conduct", "x" * 2001, "2,000 characters or fewer"),
        ("conduct", "bad\x00text", "control characters"),
        ("comply_by", None, "Enter the date the warning gives"),
    ],
)
def test_bad_input_is_refused_with_a_message(  # type: ignore[no-untyped-def]
    eworld: EnforcementWorld, field, value, message
) -> None:
    now = timezone.now()
    kwargs = dict(
        actor=eworld.personas.owner,
        address=eworld.address,
        step="cpw",
        taken_at=now - dt.timedelta(hours=1),
        issuer="local_authority_officer",
        person=eworld.person,
        conduct="Noise",
        comply_by=now + dt.timedelta(days=7),
    )
    kwargs[field] = value
    errors = _refused(**kwargs)
    assert message in errors[field if field != "comply_by" else "comply_by"][0]


def test_a_future_step_is_refused(eworld: EnforcementWorld) -> None:
    errors = _refused(
        actor=eworld.personas.partner,
        address=eworld.address,
        step="closure_notice",
        taken_at=timezone.now() + dt.timedelta(hours=2),
        issuer="police_inspector",
    )
    assert errors["taken_at"] == ["The date and time must be now or in the past"]


def test_markup_is_stored_as_text(eworld: EnforcementWorld) -> None:
    now = timezone.now()
    cpw = enforcement_action_record(
        actor=eworld.personas.owner,
        address=eworld.address,
        step="cpw",
        taken_at=now,
        issuer="local_authority_officer",
        person=eworld.person,
        conduct="<script>alert(1)</script>",
        comply_by=now + dt.timedelta(days=7),
    )
    assert cpw.conduct == "<script>alert(1)</script>"


def test_an_unknown_step_is_refused(eworld: EnforcementWorld) -> None:
    errors = _refused(
        actor=eworld.personas.owner,
        address=eworld.address,
        step="asbo",
        taken_at=timezone.now(),
        issuer="local_authority_officer",
    )
    assert errors["step"] == ["Choose a step of the enforcement ladder"]


def test_under_sixteen_gets_no_cpw(eworld: EnforcementWorld, personas) -> None:  # type: ignore[no-untyped-def]
    person = eworld.person
    person.date_of_birth = timezone.localdate() - dt.timedelta(days=15 * 365)
    person.save()
    errors = _refused(
        actor=personas.owner,
        address=eworld.address,
        step="cpw",
        taken_at=timezone.now(),
        issuer="local_authority_officer",
        person=person,
        conduct="Noise",
        comply_by=timezone.now() + dt.timedelta(days=7),
    )
    assert "aged 16 or over" in errors["person"][0]


def test_non_officers_cannot_record(eworld: EnforcementWorld) -> None:
    for persona in ("referrer", "auditor", "admin"):
        with pytest.raises(PermissionDenied):
            enforcement_action_record(
                actor=getattr(eworld.personas, persona),
                address=eworld.address,
                step="closure_notice",
                taken_at=timezone.now(),
                issuer="local_authority_officer",
            )


def test_the_outsider_cannot_name_a_person_they_cannot_see(eworld: EnforcementWorld) -> None:
    errors = _refused(
        actor=eworld.personas.outsider,
        address=eworld.address,
        step="cpw",
        taken_at=timezone.now(),
        issuer="housing_provider_officer",
        person=eworld.person,
        conduct="Noise",
        comply_by=timezone.now() + dt.timedelta(days=7),
    )
    assert errors["person"] == ["Choose a person linked to this address"]


def test_a_step_on_a_case_is_noted_in_its_chronology(eworld: EnforcementWorld) -> None:
    texts = list(eworld.case.chronology.values_list("text", flat=True))
    assert any(eworld.cpw.reference in t and "Community Protection Warning" in t for t in texts)
    assert EnforcementDeadline.objects.filter(action=eworld.notice).count() == 2


def test_next_steps_follow_the_ladder(eworld: EnforcementWorld) -> None:
    from nestguard.enforcement.selectors import actions_at, next_steps

    def offered() -> set[tuple[str, str]]:
        return {
            (n.step.code, n.parent.reference if n.parent else "")
            for n in next_steps(actions_at(eworld.personas.partner, eworld.address))
        }

    first = offered()
    assert ("cpn", eworld.cpw.reference) in first
    assert ("closure_order", eworld.notice.reference) in first
    assert ("respect_order", "") not in first  # not in force
    order = _order(eworld)
    after_order = offered()
    assert ("closure_order", eworld.notice.reference) not in after_order  # heard already
    assert ("closure_order_extension", order.reference) in after_order
    extension = enforcement_action_record(
        actor=eworld.personas.partner,
        address=eworld.address,
        step="closure_order_extension",
        taken_at=timezone.now(),
        issuer="police_superintendent",
        parent=order,
        ends_at=order.ends_at + dt.timedelta(days=20),  # type: ignore[operator]
    )
    after_extension = offered()
    assert ("closure_order_extension", order.reference) in after_extension  # further ones
    assert all(parent != extension.reference for _, parent in after_extension)


@pytest.mark.parametrize(
    ("served", "expires"),
    [
        # An ordinary Monday: 48 hours from the service of the notice.
        (dt.datetime(2026, 11, 2, 10, 0, tzinfo=UK), dt.datetime(2026, 11, 4, 10, 0, tzinfo=UK)),
        # Served on Christmas Eve: Christmas Day is disregarded in the 48 hours (s.77(3)).
        (
            dt.datetime(2026, 12, 24, 18, 30, tzinfo=UK),
            dt.datetime(2026, 12, 27, 18, 30, tzinfo=UK),
        ),
    ],
)
def test_a_24_hour_notice_extended_to_48_hours_by_a_superintendent(
    eworld: EnforcementWorld, served: dt.datetime, expires: dt.datetime
) -> None:
    from nestguard.enforcement.selectors import actions_at, next_steps

    # Each step at a fixed instant, passed to the service as `now`. (The world's notice, served
    # an hour before the real now, runs over Christmas Day when the suite runs at Christmas.)
    partner = eworld.personas.partner
    notice = enforcement_action_record(
        actor=partner, address=eworld.address, step="closure_notice", taken_at=served,
        issuer="police_inspector", now=served,
    )  # fmt: skip
    extended_at = served + dt.timedelta(hours=1)
    extension = enforcement_action_record(
        actor=partner, address=eworld.address, step="closure_notice_extension",
        taken_at=extended_at, issuer="police_superintendent", parent=notice, now=extended_at,
    )  # fmt: skip
    assert extension.deadlines.get(code="expires").due_at == expires
    assert notice.deadlines.get(code="expires").met_by_id == extension.pk
    # The hearing is still to come, and the order still offered after the notice.
    offered = {
        (n.step.code, n.parent.reference if n.parent else "")
        for n in next_steps(
            actions_at(partner, eworld.address), now=extended_at + dt.timedelta(hours=1)
        )
    }
    assert ("closure_order", notice.reference) in offered
    assert ("closure_notice_extension", notice.reference) not in offered
    heard_at = served + dt.timedelta(hours=3)
    order = enforcement_action_record(
        actor=partner, address=eworld.address, step="closure_order", taken_at=heard_at,
        issuer="police_inspector", parent=notice, scope="whole",
        ends_at=heard_at + dt.timedelta(days=60), now=heard_at,
    )  # fmt: skip
    assert order.parent_id == notice.pk


def test_an_inspector_cannot_extend_a_notice(eworld: EnforcementWorld) -> None:
    errors = _refused(
        actor=eworld.personas.partner,
        address=eworld.address,
        step="closure_notice_extension",
        taken_at=timezone.now(),
        issuer="police_inspector",
        parent=eworld.notice,
    )
    assert "Choose who issued" in errors["issuer"][0]


def test_a_notice_is_not_extended_after_it_ended(eworld: EnforcementWorld) -> None:
    errors = _refused(
        actor=eworld.personas.partner,
        address=eworld.address,
        step="closure_notice_extension",
        taken_at=eworld.notice.taken_at + dt.timedelta(hours=25),
        issuer="police_superintendent",
        parent=eworld.notice,
        now=eworld.notice.taken_at + dt.timedelta(hours=26),
    )
    assert "can only be extended before then" in errors["taken_at"][0]
