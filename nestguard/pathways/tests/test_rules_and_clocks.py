"""The rules as data (defaults pinned, each with its source) and the clock sources."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from nestguard.accounts.models import User
from nestguard.accounts.services import team_create
from nestguard.core.clocks import clock_sources, due_items
from nestguard.directory.eligibility import Eligibility
from nestguard.pathways import policy
from nestguard.pathways.services.missing import missing_episode_record, missing_episode_return
from nestguard.pathways.services.nrm import nrm_reasonable_grounds_record, nrm_referral_record
from nestguard.pathways.tests.conftest import hours_ago
from tests.factories import UserFactory


def test_the_defaults_and_their_sources() -> None:
    assert policy.rhi_hours() == 72
    assert policy.rule_value("nrm_rules", "rg_working_days") == 5
    assert policy.rule_value("nrm_rules", "recovery_min_days") == 30
    assert policy.rule_value("nrm_rules", "adult_age") == 18
    for name in ("missing_rules", "nrm_rules", "nrm_stages", "missing_categories",
                 "missing_risk_grades", "clock_rules"):  # fmt: skip
        assert len(policy.codes(name).source) > 20
    # what the shared reference marks unverified is marked so in the data
    assert policy.codes("nrm_rules").get("cg_not_before_recovery_end")["status"] == "U"
    assert policy.codes("nrm_decision_bodies").get("ieca")["status"] == "U"


def test_the_transitions_name_known_stages() -> None:
    transitions = policy.nrm_transitions()
    assert transitions.allows("reasonable_grounds", "referred")
    assert not transitions.allows("conclusive_grounds", "referred")
    assert transitions.allows("withdrawal", "reconsideration_requested:cg")


def test_pathways_register_their_clocks() -> None:
    codes = {source.code for source in clock_sources()}
    assert codes >= {
        "triage", "risk_review", "return_interview", "nrm_reasonable_grounds",
        "nrm_recovery_period", "still_missing",
    }  # fmt: skip


@given(
    age=st.one_of(st.none(), st.integers(min_value=0, max_value=120)),
    low=st.one_of(st.none(), st.integers(min_value=0, max_value=60)),
    span=st.integers(min_value=0, max_value=60),
    consent=st.booleans(),
    needs_consent=st.booleans(),
)
def test_eligibility_is_exactly_its_rules(age, low, span, consent, needs_consent) -> None:
    high = None if low is None else low + span
    rule = Eligibility(min_age=low, max_age=high, consent_required=needs_consent)
    reasons = rule.reasons_not_eligible(age=age, consent_given=consent, concern_types=[])
    in_range = low is None or (age is not None and low <= age <= high)  # type: ignore[operator]
    assert (reasons == []) == (in_range and (consent or not needs_consent))


@pytest.mark.django_db
def test_due_items_are_ordered_and_only_what_the_user_may_see(pw) -> None:
    owner = pw.personas.owner
    episode = missing_episode_record(
        actor=owner, person=pw.child, case=pw.case, report_type="missing", risk_grade="low",
        category="missing_from_home", care_status="not_looked_after", started_at=hours_ago(20),
    )  # fmt: skip
    missing_episode_return(
        actor=owner, episode=episode, returned_at=hours_ago(10), found_by="police"
    )
    late = nrm_referral_record(
        actor=owner, person=pw.adult, case=pw.case, consent="consented",
        referred_on=timezone.localdate() - timedelta(days=40), exploitation_types=["cuckooing"],
    )  # fmt: skip
    items = due_items(owner)
    sources = [item.source for item in items]
    assert sources.index("nrm_reasonable_grounds") < sources.index("return_interview")
    assert items == sorted(items, key=lambda item: item.due_at)
    assert items[0].is_overdue() and "5 working days" in items[0].rule
    assert due_items(pw.personas.outsider, team=True) == []
    assert due_items(pw.personas.auditor) == []
    # once decided, the reasonable grounds clock stops and the recovery period shows
    nrm_reasonable_grounds_record(
        actor=owner, referral=late, outcome="positive",
        decided_on=timezone.localdate() - timedelta(days=35),
    )  # fmt: skip
    sources = [item.source for item in due_items(owner)]
    assert "nrm_reasonable_grounds" not in sources and "nrm_recovery_period" in sources


@pytest.mark.django_db
def test_my_team_is_my_teams_members_or_else_my_agency(pw) -> None:
    owner, supervisor = pw.personas.owner, pw.personas.supervisor
    colleague = UserFactory(username="hubcolleague", agency=pw.personas.hub, roles=["caseworker"])
    late = nrm_referral_record(
        actor=owner, person=pw.child, case=pw.case, consent="not_required",
        referred_on=timezone.localdate() - timedelta(days=15), exploitation_types=["cce"],
    )  # fmt: skip

    def sees(user) -> bool:  # type: ignore[no-untyped-def]
        fresh = User.objects.get(pk=user.pk)  # as each request loads its user
        return any(late.reference in item.title for item in due_items(fresh, team=True))

    assert sees(colleague) and sees(supervisor)  # no teams yet: the whole agency
    team_create(
        actor=None,
        agency=pw.personas.hub,
        name="Missing and exploited",
        members=[owner, supervisor],
    )
    team_create(actor=None, agency=pw.personas.hub, name="Adults", members=[colleague])
    assert sees(supervisor)  # the owner's teammate
    assert not sees(colleague)  # another team's member


@pytest.mark.django_db
def test_someone_still_missing_comes_first(pw) -> None:
    owner = pw.personas.owner
    missing_episode_record(
        actor=owner, person=pw.child, case=pw.case, report_type="missing", risk_grade="high",
        category="missing_from_home", care_status="not_looked_after", started_at=hours_ago(3),
    )  # fmt: skip
    nrm_referral_record(
        actor=owner, person=pw.adult, case=pw.case, consent="consented",
        referred_on=timezone.localdate() - timedelta(days=1), exploitation_types=["cuckooing"],
    )  # fmt: skip
    items = due_items(owner)
    assert items[0].source == "still_missing" and "(high risk)" in items[0].title
    assert items[0].is_overdue()
