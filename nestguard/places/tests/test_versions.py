"""A warning marker reviewed by two agencies at once: the second review, made from the
version both started with, is refused with what changed and by whom; the marker keeps the
first review (docs/decisions/0084-optimistic-concurrency.md)."""

from __future__ import annotations

from typing import Any

import pytest

from nestguard.audit.models import AuditEvent
from nestguard.core.versioning import ConflictError
from nestguard.places.models import WarningMarker
from nestguard.places.services.warnings import warning_review, warning_withdraw
from nestguard.places.tests.conftest import days, place_marker
from tests.conflicts import error_summary, form_version

pytestmark = pytest.mark.django_db


def reviews() -> int:
    return AuditEvent.objects.filter(action__in=["warning.review", "warning.withdraw"]).count()


def test_a_stale_review_is_refused_and_writes_nothing(personas, home):
    marker = place_marker(personas.partner, home.address)
    warning_review(
        actor=personas.partner,
        marker=WarningMarker.objects.get(pk=marker.pk),
        review_on=days(20),
        expires_on=days(60),
        advice="Two officers only",
        expected_version=1,
    )
    with pytest.raises(ConflictError) as refused:
        warning_review(
            actor=personas.owner,
            marker=WarningMarker.objects.get(pk=marker.pk),
            review_on=days(10),
            expires_on=days(40),
            expected_version=1,
        )
    assert reviews() == 1
    stored = WarningMarker.objects.get(pk=marker.pk)
    assert (stored.review_on, stored.version) == (days(20), 2)
    changes = {c.field: (c.old, c.new) for c in refused.value.changes}
    assert changes["review_on"] == (f"{days(30):%-d %B %Y}", f"{days(20):%-d %B %Y}")
    assert changes["advice"] == (None, None)  # free text under a restriction: not repeated
    assert refused.value.headline.startswith(
        f"This warning marker was changed by {personas.partner} at "
    )
    # Withdrawing from the old version is refused in the same way.
    with pytest.raises(ConflictError):
        warning_withdraw(
            actor=personas.owner,
            marker=WarningMarker.objects.get(pk=marker.pk),
            reason="Moved away",
            expected_version=1,
        )
    assert WarningMarker.objects.get(pk=marker.pk).withdrawn_at is None


def _dates(name: str, day: Any) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def test_the_review_page_shows_the_conflict_and_keeps_the_advice_typed(personas, home, client_for):
    marker = place_marker(personas.partner, home.address)
    url = f"/addresses/warnings/{marker.pk}/review/"
    mine, theirs = client_for("owner"), client_for("partner")
    assert form_version(mine.get(url)) == form_version(theirs.get(url)) == "1"
    first = {**_dates("review_on", days(20)), **_dates("expires_on", days(60))}
    done = theirs.post(url, {**first, "advice": "Two officers only", "version": "1"})
    assert done.status_code == 302
    second = {**_dates("review_on", days(10)), **_dates("expires_on", days(40))}
    refused = mine.post(url, {**second, "advice": "Call the hub before visiting", "version": "1"})
    summary = error_summary(refused)
    assert f"This warning marker was changed by {personas.partner} at" in summary
    assert f"Next review was {days(30):%-d %B %Y}; it is now {days(20):%-d %B %Y}." in summary
    assert "Safety advice was changed." in summary
    assert "Call the hub before visiting" in refused.content.decode()
    assert form_version(refused) == "2"
    assert WarningMarker.objects.get(pk=marker.pk).review_on == days(20)
