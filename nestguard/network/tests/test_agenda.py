"""The agenda source "new victims linked to a known line" (issue 12 point 5)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from nestguard.cases.models import Case
from nestguard.core.agenda import AgendaScope, candidates_for
from nestguard.people.models import Person

pytestmark = pytest.mark.django_db


def _scope(cases) -> AgendaScope:
    return AgendaScope(
        case_ids=Case.objects.filter(pk__in=[c.pk for c in cases]).values("pk"),
        person_ids=Person.objects.filter(case_links__case__in=cases).values("pk"),
    )


def test_a_new_victim_linked_to_a_line_is_proposed(net) -> None:
    today = timezone.localdate()
    found = candidates_for("new_line_victims", as_of=today, params={}, scope=_scope([net.case]))
    assert [c.person_id for c in found] == [net.person.pk]
    assert "Dolly" in found[0].reason


def test_not_for_a_panel_that_may_not_draw_on_the_case(net) -> None:
    today = timezone.localdate()
    assert candidates_for("new_line_victims", as_of=today, params={}, scope=_scope([])) == []


def test_not_when_the_tie_is_old(net) -> None:
    later = timezone.localdate() + timezone.timedelta(days=60)
    params = {"linked_within_days": 28}
    assert (
        candidates_for("new_line_victims", as_of=later, params=params, scope=_scope([net.case]))
        == []
    )
    with pytest.raises(ValueError):
        candidates_for(
            "new_line_victims", as_of=later, params={"linked_within_days": 0}, scope=_scope([])
        )
