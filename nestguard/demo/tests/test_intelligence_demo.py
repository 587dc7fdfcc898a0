"""The demo borough's partner intelligence: made through the services, at various grades."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nestguard.accounts.models import User
from nestguard.demo.seed import seed_borough
from nestguard.intelligence.models import IntelligenceReport, SanitisedVersion, VersionStatus
from nestguard.intelligence.selectors import received_versions

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


@pytest.mark.time_machine(NOW)
def test_the_demo_has_intelligence_at_various_grades() -> None:
    result = seed_borough(scale=0.05, seed=11, now=NOW)
    assert result.counts["intelligence_reports"] == 7
    grades = sorted(r.grade for r in IntelligenceReport.objects.exclude(graded_at=None))
    assert grades == ["1A P", "2B C", "2C P", "2C P", "3D P"]
    assert IntelligenceReport.objects.filter(graded_at=None).count() == 2
    waiting = SanitisedVersion.objects.get(status=VersionStatus.AWAITING_CHECK)
    assert waiting.written_by.username == "police.intel"
    officer = User.objects.get(username="police.intel")
    assert officer.has_role("intelligence_officer")
    hub_worker = User.objects.get(username="hub.caseworker")
    assert received_versions(hub_worker).count() == 3
