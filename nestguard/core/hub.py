"""Whom to ask at the hub: the seam through which any app tells a user, without saying who
holds what, where to go to learn more (the "already known?" answer and the person page's
"also known to" panel). Core may read accounts' agencies: they are the identity layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from nestguard.accounts.models import Agency


@dataclass(frozen=True)
class HubContact:
    """Whom to ask at the hub (its triage team): the hub agency's own contact."""

    agency: str
    name: str
    email: str
    phone: str
    team: str = "Triage team"


def hub_contacts() -> list[HubContact]:
    """The hub's triage team: each active hub agency's own contact. The same list whatever
    is asked and whatever is known, so that it tells nothing by itself."""
    return [
        HubContact(a.name, a.contact_name, a.contact_email, a.contact_phone)
        for a in Agency.objects.filter(is_hub=True, active=True).order_by("name")
    ]
