"""Missing episodes in the address page's timeline (`nestguard.places.registry`): a child
found at an address is a risk signal at that door (decision 0115). The page shows the
episodes found there that the viewer may see through the door (the episode's own policy);
the address page itself stays open only to those who see a case or referral there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from nestguard.access import door
from nestguard.pathways.models import MissingEpisode


def found_at(user: Any, address: Any) -> list[MissingEpisode]:
    """The visible episodes whose person was found at the address, latest return first."""
    return list(
        door.visible(user, MissingEpisode, purpose="case_work")
        .filter(found_address=address)
        .select_related("person")
        .order_by("-returned_at")
    )


def _entries(user: Any, address: Any) -> Iterator[Any]:
    from nestguard.places.registry import TimelineEntry

    for episode in found_at(user, address):
        assert episode.returned_at is not None  # an address is only recorded with the return
        yield TimelineEntry(
            source="missing",
            when=episode.returned_at,
            title=f"Missing episode {episode.reference}: found here",
            detail=f"{episode.person.display_name} was found here after going missing",
            url=reverse("pathways:missing_detail", args=[episode.pk]),
            tag="Missing person found here",
            tag_colour="red",
        )


def register() -> None:
    from nestguard.places.registry import register_timeline_source

    register_timeline_source("missing", "Missing episodes", _entries)
