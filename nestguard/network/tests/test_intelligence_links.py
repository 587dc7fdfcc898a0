"""Links from partner intelligence: a released sanitised version links to the phones,
vehicles, people and addresses it names, with its grade; the agencies it was shared with see
them, others do not; an original report never gives a link."""

from __future__ import annotations

import pytest

from nestguard.access import door
from nestguard.intelligence.services.sanitise import sanitised_version_share
from nestguard.intelligence.tests.conftest import make_intel
from nestguard.network.models import Link, Phone, Vehicle
from nestguard.network.services.links import links_rebuild

pytestmark = [
    pytest.mark.django_db,
]


def _intelligence_links(user):  # type: ignore[no-untyped-def]
    return door.visible(user, Link, purpose="network").filter(source_kind="intelligence")


def test_a_shared_version_links_what_it_names_with_its_grade(personas):  # type: ignore[no-untyped-def]
    intel = make_intel(personas)
    report = intel.grade(intel.submit(), source_evaluation="2", intelligence_assessment="B")
    assert not Link.objects.filter(source_kind="intelligence").exists()  # graded, not released
    version = intel.release(report)
    links = Link.objects.filter(source_kind="intelligence", source_id=version.pk)
    phone = Phone.objects.get(number="+442079460123")
    vehicle = Vehicle.objects.get(vrm="AB12CDE")
    assert {(link.b_kind, link.b_id) for link in links} == {
        ("phone", phone.pk),
        ("vehicle", vehicle.pk),
    }  # the person was described, not known: no link to a record
    assert {link.grade for link in links} == {"2B"}

    for agency_user in (personas.owner, personas.outsider):
        assert not _intelligence_links(agency_user).exists()  # not shared yet
    sanitised_version_share(actor=intel.grader, version=version, agency=personas.hub)
    assert _intelligence_links(personas.owner).count() == 2
    assert not _intelligence_links(personas.outsider).exists()
    assert _intelligence_links(intel.grader).count() == 2


def test_a_rebuild_gives_the_same_intelligence_links(personas):  # type: ignore[no-untyped-def]
    intel = make_intel(personas)
    intel.shared()
    before = set(
        Link.objects.filter(source_kind="intelligence").values_list("source_id", "b_kind", "b_id")
    )
    links_rebuild(actor=None)
    after = set(
        Link.objects.filter(source_kind="intelligence").values_list("source_id", "b_kind", "b_id")
    )
    assert before == after and len(after) == 2
