"""Displacement: a victim or suspected exploiter of a property with a closed cuckooing case
(or under enforcement, as the enforcement app's registered check says) who is linked to
another address within the window raises one alert naming both, for the case team."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from nestguard.audit.models import AuditEvent
from nestguard.places.models import DisplacementAlert, PersonAddressLink
from nestguard.places.policy import places_rules
from nestguard.places.registry import register_enforcement_check, unregister_enforcement_check
from nestguard.places.services.links import person_address_link_add
from nestguard.places.tests.conftest import days
from tests.factories import AddressFactory, PersonFactory

pytestmark = pytest.mark.django_db
WINDOW = places_rules().displacement.window_days


def close(case, days_ago: int) -> None:  # type: ignore[no-untyped-def]
    case.status = "closed"
    case.closed_at = timezone.now() - timedelta(days=days_ago)
    case.save(update_fields=["status", "closed_at"])


def link(actor, person, address, on=None, role="resident"):  # type: ignore[no-untyped-def]
    return person_address_link_add(
        actor=actor, person=person, address=address, role=role, from_date=on or days(0)
    )


def test_a_victim_of_a_closed_cuckooing_case_moving_on_raises_an_alert(personas, home):  # type: ignore[no-untyped-def]
    close(home.case, days_ago=10)
    new_home = AddressFactory(line1="2 Elsewhere Road", postcode="NB3 1AA", postcode_key="NB31AA")
    link(personas.owner, home.victim, new_home)
    alert = DisplacementAlert.objects.get()
    assert (alert.from_address, alert.to_address, alert.case) == (home.address, new_home, home.case)
    assert home.case.reference in alert.reason
    assert AuditEvent.objects.filter(action="displacement.raise").count() == 1
    link(personas.owner, home.victim, new_home, role="tenant")  # linked again: one alert
    assert DisplacementAlert.objects.count() == 1


def test_outside_the_window_or_an_open_case_or_another_role_raise_nothing(personas, home):  # type: ignore[no-untyped-def]
    elsewhere = AddressFactory(postcode="NB3 1AA", postcode_key="NB31AA")
    link(personas.owner, home.victim, elsewhere)  # the case is still open
    close(home.case, days_ago=WINDOW + 1)
    link(personas.owner, home.victim, AddressFactory())  # closed too long ago
    assert not DisplacementAlert.objects.exists()


def test_the_window_edge_is_included(personas, home):  # type: ignore[no-untyped-def]
    close(home.case, days_ago=WINDOW)
    link(personas.owner, home.victim, AddressFactory())
    assert DisplacementAlert.objects.count() == 1


def test_a_suspected_exploiter_linked_by_an_earlier_link_counts(personas, home):  # type: ignore[no-untyped-def]
    close(home.case, days_ago=5)
    exploiter = PersonFactory()
    home.case.subjects.create(person=exploiter, role="associate")  # visible, not in the role
    link(personas.owner, exploiter, home.address, on=days(-200), role="suspected_exploiter")
    link(personas.owner, exploiter, AddressFactory())
    assert DisplacementAlert.objects.get().person == exploiter


def test_an_address_under_enforcement_counts_through_the_registry(personas, home):  # type: ignore[no-untyped-def]
    def under_enforcement(address_ids):  # type: ignore[no-untyped-def]
        return {a for a in address_ids if a == home.address.pk}

    register_enforcement_check(under_enforcement)
    try:
        link(personas.owner, home.victim, AddressFactory())  # the case is open, but enforced
    finally:
        unregister_enforcement_check(under_enforcement)
    assert DisplacementAlert.objects.get().reason == "the address is under enforcement"


def test_links_need_a_person_the_user_sees_and_good_dates(personas, home):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        link(personas.outsider, home.victim, AddressFactory())
    with pytest.raises(PermissionDenied):
        link(personas.owner, PersonFactory(), AddressFactory())
    for values, field in (
        ({"role": "landlord"}, "role"),
        ({"from_date": days(1)}, "from_date"),
        ({"from_date": days(-5), "to_date": days(-6)}, "to_date"),
        ({"from_date": None}, "from_date"),
    ):
        args = {"role": "resident", "from_date": days(0), **values}
        with pytest.raises(ValidationError) as caught:
            person_address_link_add(
                actor=personas.owner, person=home.victim, address=home.address, **args
            )
        assert field in caught.value.message_dict
    assert not PersonAddressLink.objects.exists()


def test_shown_on_both_address_pages_for_the_case_team_only(personas, home, client_for):  # type: ignore[no-untyped-def]
    close(home.case, days_ago=3)
    new_home = AddressFactory(line1="2 Elsewhere Road")
    link(personas.owner, home.victim, new_home)
    page = client_for("owner").get(reverse("places:detail", args=[home.address.pk]))
    assert "Displacement:" in page.content.decode() and "2 Elsewhere Road" in page.content.decode()
    # The new address has no case: the team reaches it through the case page's address.
    outsider = client_for("outsider").get(reverse("places:detail", args=[home.address.pk]))
    assert outsider.status_code == 404


def test_the_link_page_links_by_postcode_and_house(personas, home, client_for):  # type: ignore[no-untyped-def]
    target = AddressFactory(line1="7 Lock Street", postcode="NB4 4AA", postcode_key="NB44AA")
    url = reverse("places:link_add", args=[home.victim.pk])
    today = timezone.localdate()
    bad = client_for("owner").post(url, {"postcode": "NB4 4AA", "number": "8", "role": "tenant"})
    assert "govuk-error-summary" in bad.content.decode()
    response = client_for("owner").post(
        url,
        {
            "postcode": "nb4 4aa", "number": "7", "role": "tenant",
            "from_date_day": today.day, "from_date_month": today.month,
            "from_date_year": today.year,
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert PersonAddressLink.objects.get().address == target


def test_shown_on_the_case_page_for_the_case_team(personas, home, client_for):  # type: ignore[no-untyped-def]
    close(home.case, days_ago=3)
    new_home = AddressFactory(line1="4 Far Away Close")
    link(personas.owner, home.victim, new_home)
    page = client_for("partner").get(reverse("cases:detail", args=[home.case.pk])).content.decode()
    assert "Displacement:" in page and "4 Far Away Close" in page
    assert "Flat 3, 14 Canal Street" in page
