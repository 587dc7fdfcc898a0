"""The last links issue 12 point 3 names (decision 0115): a phone on a referral subject ties
the person to the number (source: the referral, dated its submission), and a missing child
found at an address ties the child to it (source: the episode, dated when found). Both are
derived on save, cleared on change, reproduced by the rebuild, and seen exactly as their
source record is (decision 0099): absent, not greyed, for anyone else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from nestguard.access import door
from nestguard.network.models import Link, Phone
from nestguard.network.services.links import links_rebuild
from nestguard.pathways.models import MissingEpisode
from nestguard.pathways.services.missing import missing_episode_record, missing_episode_return
from nestguard.referrals.models import ReferralSubject
from nestguard.referrals.tests.helpers import PERSON, submitted

pytestmark = pytest.mark.django_db

DEAL = "+447700900999"  # the world's deal line of "Dolly" (world.py)
# The referral's address in the world (world.py), typed again.
AT_THE_FLAT = {"found_address_line1": "21 Testing Street", "found_address_postcode": "NB1 2AB"}


def _phone_links(referral):
    return Link.objects.filter(source_kind="referral", source_id=referral.pk, b_kind="phone")


def _referral_with_phones(net, *numbers):
    return submitted(net.personas.referrer, people=[{**PERSON, "phones": list(numbers)}])


def _snapshot():
    return sorted(
        Link.objects.values_list("source_kind", "source_id", "a_id", "b_id", "role", "on", "grade")
    )


# ---------------------------------------------------------------------------------------------
# A phone on a referral subject


def test_a_subject_phone_ties_the_person_to_the_number(net) -> None:
    referral = _referral_with_phones(net, "07700 900 999", "020 7946 0018")
    subject = referral.subjects.get()
    links = _phone_links(referral)
    numbers = {Phone.objects.get(pk=x.b_id).number for x in links}
    assert numbers == {DEAL, "+442079460018"}
    for link in links:
        assert (link.a_kind, link.a_id) == ("person", subject.person_id)
        assert link.role == "phone" and link.grade == ""
        assert link.on == referral.submitted_at.date()
    # The deal line's own phone is found, not recorded again.
    assert Phone.objects.filter(number=DEAL).count() == 1


def test_a_draft_gives_no_phone_link(net) -> None:
    """Nor do its saves, a dozen as it is filled in, touch the links at all (decision 0130:
    each refreshed nothing, inside every referral's write transaction)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nestguard.referrals.tests.helpers import complete_draft

    with CaptureQueriesContext(connection) as filling:
        draft = complete_draft(net.personas.referrer, people=[{**PERSON, "phones": [DEAL]}])
    assert not [q["sql"] for q in filling if "network_" in q["sql"]]
    assert not Link.objects.filter(source_id=draft.pk).exists()


def test_changing_or_removing_the_subject_clears_its_phone_links(net) -> None:
    referral = _referral_with_phones(net, DEAL, "020 7946 0018")
    subject = referral.subjects.get()
    subject.phones = ["+442079460018"]
    subject.save()
    assert {Phone.objects.get(pk=x.b_id).number for x in _phone_links(referral)} == {
        "+442079460018"
    }
    ReferralSubject.objects.get(pk=subject.pk).delete()
    assert not _phone_links(referral).exists()
    assert not Link.objects.filter(source_id=referral.pk, b_kind="person").exists()


def test_a_subject_phone_link_is_seen_exactly_as_the_referral_is(net) -> None:
    referral = _referral_with_phones(net, DEAL)
    link = _phone_links(referral).get()
    p = net.personas
    seers = {"owner": p.owner, "supervisor": p.supervisor}
    blind = {
        "intel": net.intel, "far_intel": net.far_intel, "outsider": p.outsider,
        "ended_partner": p.ended_partner,
    }  # fmt: skip
    for name, user in {**seers, **blind}.items():
        may_see_referral = door.visible(user, type(referral)).filter(pk=referral.pk).exists()
        sees_link = door.visible(user, Link).filter(pk=link.pk).exists()
        assert sees_link == may_see_referral == (name in seers), name


def test_the_deal_line_page_shows_the_referral_as_a_sighting_to_those_who_see_it(net) -> None:
    referral = _referral_with_phones(net, DEAL)
    page = reverse("network:line", args=[net.line.pk])
    owner = sign_in(Client(), net.personas.owner).get(page)
    assert owner.status_code == 200
    text = owner.content.decode()
    assert "Where the numbers were seen" in text
    href = reverse("referrals:detail", args=[referral.pk])
    assert f'Referral <a class="govuk-link" href="{href}">{referral.reference}</a>' in text
    # The police intelligence officer sees the line (the police's own hand links), but not
    # the hub's referral: no sighting, no person through it; absent, not greyed.
    intel = sign_in(Client(), net.intel).get(page)
    assert intel.status_code == 200
    assert referral.reference not in intel.content.decode()
    assert "No record you may see names these numbers." in intel.content.decode()


# ---------------------------------------------------------------------------------------------
# A missing child found at an address


def _episode(net) -> MissingEpisode:
    return missing_episode_record(
        actor=net.personas.owner, person=net.person, case=net.case, report_type="missing",
        risk_grade="high", category="missing_from_home", care_status="not_looked_after",
        started_at=timezone.now() - timedelta(hours=20),
    )  # fmt: skip


def _found(net, episode, **address):
    return missing_episode_return(
        actor=net.personas.owner, episode=episode,
        returned_at=timezone.now() - timedelta(hours=2), found_by="police",
        found_location="In a back bedroom", harm=["none"], **address,
    )  # fmt: skip


def _found_links(episode):
    return Link.objects.filter(source_kind="missing", source_id=episode.pk, role="found_at")


def test_found_at_an_address_ties_the_child_to_it(net) -> None:
    episode = _found(
        net, _episode(net), found_address_line1="21 testing street", found_address_postcode="nb12ab"
    )
    assert episode.found_address == net.address  # the same typed address as the referral's
    link = _found_links(episode).get()
    assert (link.a_kind, link.a_id) == ("person", net.person.pk)
    assert (link.b_kind, link.b_id) == ("address", net.address.pk)
    assert link.on == timezone.localdate(episode.returned_at)


def test_no_found_address_no_link(net) -> None:
    episode = _found(net, _episode(net))
    assert episode.found_address is None and not _found_links(episode).exists()


def test_changing_or_deleting_the_episode_clears_the_found_at_link(net) -> None:
    episode = _found(
        net,
        _episode(net),
        found_address_line1="21 Testing Street",
        found_address_postcode="NB1 2AB",
    )
    episode.found_address = None
    episode.save()
    assert not _found_links(episode).exists()
    episode.found_address = net.address
    episode.save()
    assert _found_links(episode).exists()
    pk = episode.pk
    episode.delete()
    assert not Link.objects.filter(source_kind="missing", source_id=pk).exists()


def test_the_found_at_link_is_seen_exactly_as_the_episode_is(net) -> None:
    episode = _found(
        net,
        _episode(net),
        found_address_line1="21 Testing Street",
        found_address_postcode="NB1 2AB",
    )
    link = _found_links(episode).get()
    p = net.personas
    for user in (p.owner, p.partner, net.intel, net.far_intel, p.outsider, p.ended_partner):
        sees_episode = door.visible(user, MissingEpisode).filter(pk=episode.pk).exists()
        assert door.visible(user, Link).filter(pk=link.pk).exists() == sees_episode
    assert door.visible(p.owner, Link).filter(pk=link.pk).exists()
    assert not door.visible(net.intel, Link).filter(pk=link.pk).exists()
    # On the person's network page: the police officer on no case sees the person (the
    # police's hand links) but no trace of the episode nor of where the child was found.
    page = reverse("network:entity", args=["person", net.person.pk])
    intel = sign_in(Client(), net.intel).get(page).content.decode()
    assert episode.reference not in intel and "found_at" not in intel
    owner = sign_in(Client(), p.owner).get(page).content.decode()
    assert "found_at" in owner or "Found at" in owner


# ---------------------------------------------------------------------------------------------
# The rebuild


def test_the_rebuild_reproduces_the_phone_and_found_at_links(net) -> None:
    _referral_with_phones(net, DEAL, "020 7946 0018")
    _found(
        net,
        _episode(net),
        found_address_line1="21 Testing Street",
        found_address_postcode="NB1 2AB",
    )
    before = _snapshot()
    assert any(row[4] == "found_at" for row in before)
    assert sum(row[4] == "phone" for row in before) == 2
    Link.objects.all().delete()
    links_rebuild(actor=None)
    assert _snapshot() == before
