"""The intelligence truth table across agencies and roles: who reaches each page and
endpoint, and what each answer discloses (decision 0097).

The world: the referrer (a school) submitted a report; the police intelligence function
graded it 2C P, wrote a sanitised version, a second officer checked it, and it was shared
with the hub. 404 is the answer for what a persona may not see, exactly as for what does
not exist; 403 for a page whose roles the persona lacks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from nestguard.accounts.services import (
    api_token_create,
    sharing_agreement_create,
    sharing_agreement_end,
)
from nestguard.audit.models import AuditEvent
from nestguard.intelligence.services.sanitise import sanitised_version_share
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db,
]

USERS = (
    "referrer", "colleague", "school_supervisor", "grader", "checker", "partner", "owner",
    "hub_intel", "outsider", "ended_partner", "lone_referrer", "auditor", "admin",
)  # fmt: skip


def _user(intel: Any, name: str) -> Any:
    return getattr(intel, name, None) or intel.p.all()[name]


@pytest.fixture
def world(intel):
    report = intel.grade(intel.submit())
    version = intel.release(report)
    sanitised_version_share(actor=intel.grader, version=version, agency=intel.p.hub)
    return {"report": report.pk, "version": version.pk}


def row(*codes: int) -> dict[str, int]:
    return dict(zip(USERS, codes, strict=True))


#                            ref  col  ssup grad chk  part own  hint out  end  lone aud  adm
REPORT = row(200, 404, 200, 200, 200, 404, 404, 404, 404, 404, 404, 403, 403)
GRADING_PAGE = row(403, 403, 403, 200, 200, 403, 403, 200, 403, 403, 403, 403, 403)
VERSION = row(403, 403, 404, 200, 200, 404, 200, 200, 404, 404, 403, 403, 403)
RECEIVED = row(403, 403, 200, 200, 200, 200, 200, 200, 200, 200, 403, 403, 403)
SUBMIT = row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, 403)
# A graded report's grade page sends its function on (302); other officers see nothing.
GRADE = row(403, 403, 403, 302, 302, 403, 403, 404, 403, 403, 403, 403, 403)
WORK = row(403, 403, 403, 200, 200, 403, 403, 404, 403, 403, 403, 403, 403)
CHECK_OR_SHARE = row(403, 403, 403, 302, 302, 403, 403, 404, 403, 403, 403, 403, 403)

PAGES = [
    ("intelligence:submit", None, SUBMIT),
    ("intelligence:mine", None, SUBMIT),
    ("intelligence:report", "report", REPORT),
    ("intelligence:queue", None, GRADING_PAGE),
    ("intelligence:grade", "report", GRADE),
    ("intelligence:sanitise", "report", WORK),
    ("intelligence:version", "version", VERSION),
    ("intelligence:check", "version", CHECK_OR_SHARE),
    ("intelligence:share", "version", WORK),
    ("intelligence:received", None, RECEIVED),
]  # fmt: skip


@pytest.mark.parametrize(("name", "key", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_pages(intel, world, name, key, expected):
    path = reverse(name, kwargs={"pk": world[key]} if key else {})
    got = {}
    for persona in USERS:
        response = sign_in(Client(), _user(intel, persona)).get(path)
        got[persona] = response.status_code
    assert got == expected


API = [
    ("api:intelligence_report", "report", REPORT),
    ("api:sanitised_version", "version", VERSION),
]  # fmt: skip


@pytest.mark.parametrize(("name", "key", "expected"), API, ids=[a[0] for a in API])
def test_api(intel, world, name, key, expected):
    path = reverse(name, kwargs={"pk": world[key]})
    got = {}
    for persona in USERS:
        _, key_text = api_token_create(actor=None, user=_user(intel, persona), name="t")
        response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {key_text}")
        got[persona] = response.status_code
    assert got == expected


def _api(user: Any, path: str) -> Any:
    _, key_text = api_token_create(actor=None, user=user, name="t")
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {key_text}")


def test_a_submitter_sees_that_it_was_graded_never_the_grade(intel, world):
    page = sign_in(Client(), intel.p.referrer).get(
        reverse("intelligence:report", args=[world["report"]])
    )
    text = page.content.decode()
    assert "Graded" in text
    assert "Untested" not in text and "Source evaluation" not in text
    body = _api(intel.p.referrer, reverse("api:intelligence_report", args=[world["report"]])).json()
    assert body["grade"] is None and body["status"] == "graded"
    officer = _api(intel.grader, reverse("api:intelligence_report", args=[world["report"]])).json()
    assert officer["grade"]["source_evaluation"] == "2"


def test_a_partner_reads_the_sanitised_text_and_never_the_source(intel, world):
    page = sign_in(Client(), intel.p.owner).get(
        reverse("intelligence:version", args=[world["version"]])
    )
    text = page.content.decode()
    assert "Two young people not from the area" in text
    assert "2C P" in text
    for secret in (
        "Mrs Example",
        "flat 4",
        "neighbour",
        "The original report",
        "Northbrook Academy",
    ):
        assert secret not in text
    body = _api(intel.p.owner, reverse("api:sanitised_version", args=[world["version"]])).json()
    assert "report" not in body
    assert [s["kind"] for s in body["subjects"]] == ["person", "phone", "vehicle"]


def test_every_read_is_audited_with_purpose_and_basis(intel, world):
    sign_in(Client(), intel.p.owner).get(reverse("intelligence:version", args=[world["version"]]))
    event = AuditEvent.objects.filter(action="sanitised.view").order_by("-id").first()
    assert event.purpose == "intelligence"
    assert event.sharing_agreement is not None  # the police's information, read at the hub
    sign_in(Client(), intel.grader).get(reverse("intelligence:report", args=[world["report"]]))
    original = AuditEvent.objects.filter(action="intelligence.view").order_by("-id").first()
    assert original.purpose == "intelligence" and original.sharing_agreement is not None


def test_ending_the_agreement_hides_what_was_shared_at_once(intel):
    trust = intel.p.lone_agency
    reader = UserFactory(username="trust_worker", agency=trust, roles=["caseworker"])
    agreement = sharing_agreement_create(
        actor=None, name="Police and trust", parties=[intel.p.police, trust],
        purposes="Exploitation", lawful_basis="safeguarding_sch1_para18",
        starts_on=dt.date(2024, 1, 1), review_on=dt.date(2030, 1, 1),
    )  # fmt: skip
    version = intel.shared(to=[trust])
    path = reverse("intelligence:version", args=[version.pk])
    assert sign_in(Client(), reader).get(path).status_code == 200
    sharing_agreement_end(actor=None, agreement=agreement, reason="Ended")
    assert sign_in(Client(), reader).get(path).status_code == 404
    received = sign_in(Client(), reader).get(reverse("intelligence:received"))
    assert version.reference not in received.content.decode()


def test_lists_show_only_what_each_may_read(intel, world):
    mine = sign_in(Client(), intel.colleague).get(reverse("intelligence:mine")).content.decode()
    assert "INT-" not in mine  # a colleague's report is not theirs
    supervisor = sign_in(Client(), intel.school_supervisor).get(reverse("intelligence:mine"))
    assert "INT-" in supervisor.content.decode()
    queue = sign_in(Client(), intel.hub_intel).get(reverse("intelligence:queue")).content.decode()
    assert "INT-" not in queue  # the hub is not the function
    received = sign_in(Client(), intel.p.owner).get(reverse("intelligence:received"))
    assert "SAN-" in received.content.decode()
    outsider = sign_in(Client(), intel.p.outsider).get(reverse("intelligence:received"))
    assert "SAN-" not in outsider.content.decode()
