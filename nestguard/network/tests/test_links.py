"""Links derived from records (decision 0098): on save, on rebuild, the same either way."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from nestguard.audit.models import AuditEvent
from nestguard.network import phones
from nestguard.network.models import HandEntry, Link
from nestguard.network.registry import Ref
from nestguard.network.services.links import link_add_by_hand, links_rebuild
from nestguard.pathways.services.missing import missing_episode_record

pytestmark = pytest.mark.django_db


def _ends(links) -> set[tuple[str, str, str]]:
    return {(link.source_kind, link.a_kind, link.b_kind) for link in links}


def test_records_give_rise_to_links(net) -> None:
    ends = _ends(Link.objects.all())
    assert ("referral", "referral", "person") in ends
    assert ("referral", "referral", "address") in ends
    assert ("referral", "referral", "case") in ends
    assert ("case", "case", "person") in ends
    assert ("case", "case", "address") in ends
    assert ("hand", "person", "phone") in ends
    assert ("hand", "phone", "line") in ends
    victim = Link.objects.get(source_kind="case", b_id=net.person.pk)
    assert victim.role == "victim" and victim.grade == ""
    assert victim.on == net.case.opened_at.date()


def test_a_missing_episode_links_the_person_and_the_case(net) -> None:
    episode = missing_episode_record(
        actor=net.personas.owner, person=net.person, case=net.case, report_type="missing",
        risk_grade="medium", category="missing_from_home", care_status="not_looked_after",
        started_at=timezone.now() - timezone.timedelta(hours=5),
    )  # fmt: skip
    links = Link.objects.filter(source_kind="missing", source_id=episode.pk)
    assert {(x.b_kind, x.b_id) for x in links} == {("person", net.person.pk), ("case", net.case.pk)}


def test_rebuild_derives_the_same_links(net) -> None:
    before = sorted(
        Link.objects.values_list("source_kind", "source_id", "a_id", "b_id", "role", "on", "grade")
    )
    Link.objects.all().delete()
    counts = links_rebuild(actor=None)
    after = sorted(
        Link.objects.values_list("source_kind", "source_id", "a_id", "b_id", "role", "on", "grade")
    )
    assert after == before
    assert counts["hand"] == 3
    assert AuditEvent.objects.filter(action="network.links_rebuild").exists()


def test_a_link_by_hand_is_validated_and_audited(net) -> None:
    with pytest.raises(ValidationError) as error:
        link_add_by_hand(
            actor=net.personas.partner, a=Ref("case", net.case.pk), b=Ref("phone", net.phone.pk),
            role="teleports", note="", on=timezone.localdate() + timezone.timedelta(days=1),
            grade="9Z",
        )  # fmt: skip
    assert set(error.value.message_dict) == {"a", "role", "note", "on", "grade"}
    assert HandEntry.objects.count() == 3
    events = AuditEvent.objects.filter(action="network.link_add")
    assert events.count() == 3


def test_phone_numbers_are_e164_for_gb() -> None:
    assert phones.e164("07700 900123") == "+447700900123"
    assert phones.e164("+44 (0)7700-900123") == "+447700900123"
    assert phones.national("+447700900123") == "07700 900123"
    with pytest.raises(ValidationError):
        phones.e164("12345")
    assert phones.vrm("ab12 cde") == "AB12CDE"
    with pytest.raises(ValidationError):
        phones.vrm("!!")
