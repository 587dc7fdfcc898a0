"""`reverser` gives what `reverse` gives, for every kind of key it may be handed."""

from __future__ import annotations

import uuid

import pytest
from django.urls import NoReverseMatch, reverse

from nestguard.core.links import reverser


@pytest.mark.parametrize("name", ["cases:detail", "places:warning_review", "pathways:nrm_detail"])
def test_a_uuid_key_gives_what_reverse_gives(name: str) -> None:
    url = reverser(name)
    for _ in range(3):
        key = uuid.uuid4()
        assert url(key) == reverse(name, args=[key])


def test_a_key_of_another_kind_is_reversed_the_ordinary_way() -> None:
    url = reverser("cases:detail")
    key = uuid.uuid4()
    assert url(str(key)) == reverse("cases:detail", args=[str(key)])
    with pytest.raises(NoReverseMatch):
        url(12)  # not a UUID: refused as reverse refuses it, not formatted into a bad link


def test_a_name_without_a_key_is_refused_when_used() -> None:
    url = reverser("core:health")
    with pytest.raises(NoReverseMatch):
        url(uuid.uuid4())


def test_fixed_arguments_come_before_the_key() -> None:
    meeting, item = uuid.uuid4(), uuid.uuid4()
    url = reverser("panels:item_minutes", meeting)
    assert url(item) == reverse("panels:item_minutes", args=[meeting, item])
