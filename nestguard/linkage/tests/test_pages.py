"""The person index pages: starting a run and watching it, and the navigation."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import Personas, sign_in
from nestguard.linkage.models import LinkageModelVersion, LinkageRun
from nestguard.linkage.tests.people import link_everything, seed_records
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(personas: Personas):  # type: ignore[no-untyped-def]
    return UserFactory(username="reviewer", agency=personas.hub, roles=["linkage_reviewer"])


def test_a_run_started_from_the_page_shows_its_progress(settings, personas, reviewer) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_LINKAGE_RUNNER = "inline"
    seed_records([personas.owner, personas.partner], people=8, singles=10)
    link_everything()  # a stored model, as after the first run
    client = sign_in(Client(), reviewer)
    index = client.get("/person-index/").content.decode()
    assert "Start a linkage run" in index
    earlier = set(LinkageRun.objects.values_list("pk", flat=True))
    response = client.post("/person-index/runs/new/", {"engine": "duckdb"})
    assert response.status_code == 302
    # The run the page started: not "the latest", since at an instant where the clock stands
    # still (23:59:59) both runs were created in the same microsecond.
    run = LinkageRun.objects.exclude(pk__in=earlier).get()
    assert run.status == "succeeded" and run.started_by == reviewer
    page = client.get(response["Location"]).content.decode()
    assert "Finished" in page and "run-progress.js" in page
    status = client.get(f"/person-index/runs/{run.pk}/status/").json()
    assert status == {
        "status": "succeeded",
        "status_label": "Finished",
        "progress": 100,
        "stage": "Finished",
        "active": False,
        "counts": run.counts,
    }
    assert LinkageModelVersion.objects.count() == 1


def test_a_queued_run_offers_a_refresh_link_and_refuses_a_second(settings, reviewer) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_LINKAGE_RUNNER = "none"
    client = sign_in(Client(), reviewer)
    first = client.post("/person-index/runs/new/", {"engine": "duckdb"})
    page = client.get(first["Location"]).content.decode()
    assert "Refresh to see its progress" in page and 'data-active="true"' in page
    second = client.post("/person-index/runs/new/", {"engine": "duckdb"}).content.decode()
    assert "A linkage run is already in progress" in second
    bad = client.post("/person-index/runs/new/", {"engine": "excel"}).content.decode()
    assert "govuk-error-summary" in bad
    assert LinkageRun.objects.count() == 1


def test_the_navigation_offers_the_person_index_to_reviewers_and_admins(personas, reviewer) -> None:  # type: ignore[no-untyped-def]
    assert "Person index" in sign_in(Client(), reviewer).get("/person-index/").content.decode()
    home = sign_in(Client(), personas.owner).get("/cases/").content.decode()
    assert 'href="/person-index/"' not in home
