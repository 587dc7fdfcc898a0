"""Who sees which link, object and entity in the network (decision 0099).

- The network is open to intelligence officers, caseworkers and supervisors (`NETWORK_ROLES`);
  analysts count (reporting), they do not browse named people's ties.
- A link is visible exactly when its source record is, through that record's own policy at
  the door: a referral's links to whoever may read the referral, a case's to whoever may see
  the case, a link by hand to the entering agency and its partners under an agreement in force.
  A hidden link is absent, never greyed.
- An entity is drawn only as the end of a visible link; a person or an address may also be
  the start of a network when its own policy shows it (`network` scopes added to theirs).
  Phones, vehicles and lines have no existence for a viewer beyond the links that reveal them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from nestguard.access import door
from nestguard.access.selectors import partner_agency_ids
from nestguard.network.models import HandEntry, Line, Link, Phone, Vehicle
from nestguard.network.registry import sources
from nestguard.network.rules import may_see_network
from nestguard.people.access_policy import visible_people
from nestguard.people.models import Person
from nestguard.places.access_policy import visible_addresses
from nestguard.places.models import Address


def visible_hand_entries(user: Any) -> QuerySet[HandEntry]:
    """Links by hand: the entering agency's and its partners' network viewers."""
    if not may_see_network(user) or not user.agency_id:
        return HandEntry.objects.none()
    agencies = {user.agency_id, *partner_agency_ids(user.agency)}
    return HandEntry.objects.filter(agency_id__in=agencies)


def _source_ids(user: Any, kind: str) -> QuerySet[Any]:
    src = sources()[kind]
    if src.visible_ids is not None:
        return src.visible_ids(user)
    return door.visible(user, src.model).values("pk")


def visible_links(user: Any) -> QuerySet[Link]:
    """Links whose source record the user may see through the door."""
    if not may_see_network(user):
        return Link.objects.none()
    condition = Q(pk__in=[])
    for kind in sources():
        condition |= Q(source_kind=kind, source_id__in=_source_ids(user, kind))
    return Link.objects.filter(condition)


def revealed(user: Any) -> Q:
    """The outer row is the end of a link the user may see (asked row by row)."""
    links = visible_links(user)
    return Q(Exists(links.filter(a_id=OuterRef("pk")))) | Q(
        Exists(links.filter(b_id=OuterRef("pk")))
    )


def _revealed_only(model: Any) -> Any:
    def visible(user: Any) -> QuerySet[Any]:
        if not may_see_network(user):
            return model.objects.none()
        return model.objects.filter(revealed(user))

    return visible


def network_people(user: Any) -> QuerySet[Person]:
    if not may_see_network(user):
        return Person.objects.none()
    return Person.objects.filter(Q(pk__in=visible_people(user).values("pk")) | revealed(user))


def network_addresses(user: Any) -> QuerySet[Address]:
    if not may_see_network(user):
        return Address.objects.none()
    return Address.objects.filter(Q(pk__in=visible_addresses(user).values("pk")) | revealed(user))


NAMES_SOMEONE = ("person", "address")


def panel_links(scope: door.PanelScope) -> QuerySet[Link]:
    """What a panel's agenda may draw on: the links of its cases, links by hand that touch
    the people it may draw on, and links by hand between objects only (a number tied to a
    number or to a line: they name no person and no address)."""
    objects_only = (
        Q(source_kind="hand") & ~Q(a_kind__in=NAMES_SOMEONE) & ~Q(b_kind__in=NAMES_SOMEONE)
    )
    return Link.objects.filter(
        Q(source_kind="case", source_id__in=scope.case_ids)
        | Q(source_kind="hand", a_id__in=scope.person_ids)
        | Q(source_kind="hand", b_id__in=scope.person_ids)
        | objects_only
    )


def register() -> None:
    door.register(
        door.Policy(
            Link,
            visible_links,
            read_event=None,
            list_event="network.links_list",
            for_panel=panel_links,
        )
    )
    door.register(door.Policy(HandEntry, visible_hand_entries, read_event=None))
    door.register(door.Policy(Phone, _revealed_only(Phone), read_event="network.phone_view"))
    door.register(door.Policy(Vehicle, _revealed_only(Vehicle), read_event="network.vehicle_view"))
    door.register(
        door.Policy(
            Line,
            _revealed_only(Line),
            read_event="network.line_view",
            # A line's name and origin area name no one: agendas may look for ties to any.
            for_panel=lambda scope: Line.objects.all(),
        )
    )
    # A person's or an address's network starts from what their own policies show, or from
    # what a visible link reveals of them.
    door.add_scope(Person, "network", door.Scope(network_people, read_event="network.view"))
    door.add_scope(Address, "network", door.Scope(network_addresses, read_event="network.view"))
