"""The demo borough's breach log: one breach at each stage, made through the services."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nestguard.core.clocks import due_items
from nestguard.demo.seed import seed_borough
from nestguard.privacy.models import Breach

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


@pytest.mark.time_machine(NOW)
def test_the_demo_breach_log_shows_every_stage() -> None:
    result = seed_borough(scale=0.15, seed=11, now=NOW)
    assert result.counts["breaches"] == 4
    breaches = {b.summary: b for b in Breach.objects.all()}
    assert breaches["Referral emailed to the wrong school"].closed_at is not None
    assert breaches["Encrypted laptop left on a train"].notify_ico is False
    assert breaches["Panel minutes shared with a former member"].late_reasons
    running = breaches["Address shown to the wrong caller"]
    assert running.awaits_ico and not running.ico_overdue(NOW)
    officer = running.recorded_by
    assert [i.title for i in due_items(officer) if i.source == "breach_ico"] == [
        f"Report breach {running.reference} to the ICO or decide not to"
    ]


@pytest.mark.time_machine(NOW)
def test_the_demo_has_training_records_near_the_target() -> None:
    from nestguard.training.models import Completion

    result = seed_borough(scale=0.15, seed=11, now=NOW)
    assert result.counts["training_completions"] == Completion.objects.count() > 0
    today = NOW.date()
    lapsed = Completion.objects.filter(expires_on__lt=today).count()
    assert 0 < lapsed < Completion.objects.count() / 2
