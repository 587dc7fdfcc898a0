"""The API contract: docs/api.md and the OpenAPI schema say what partner systems may rely on.

- Every `### POST /api/v1/...` heading in docs/api.md is followed (before the next heading) by
  a ```json example body. Each body is posted AS WRITTEN, with a token, to a database loaded
  by `nestguard seed_demo`, and must answer 2xx. Ids in paths are filled from seeded rows the
  token's user may see: a submitted referral awaiting triage for `/referrals/{id}/...`, an
  open case for `/cases/{id}/...`. Each example runs in its own rolled-back transaction, so
  each meets a freshly seeded demo.
- Every endpoint the issue lists appears in the OpenAPI schema with its method, and the
  schema itself needs a token and declares the bearer scheme.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from nestguard.accounts.models import User
from nestguard.accounts.services import api_token_create
from nestguard.cases.access_policy import visible_cases
from nestguard.cases.models import CaseStatus
from nestguard.referrals.access_policy import triage_referrals
from nestguard.referrals.models import ReferralStatus

API_DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"

# The endpoints of issue 2, section 10, with their methods.
ISSUE_ENDPOINTS: list[tuple[str, str]] = [
    ("post", "/api/v1/referrals/"),
    ("get", "/api/v1/referrals/"),
    ("get", "/api/v1/referrals/{id}/"),
    ("post", "/api/v1/referrals/{id}/triage/"),
    ("get", "/api/v1/cases/"),
    ("get", "/api/v1/cases/{id}/"),
    ("post", "/api/v1/cases/{id}/assessments/"),
    ("post", "/api/v1/cases/{id}/interventions/"),
    ("post", "/api/v1/cases/{id}/close/"),
    ("get", "/api/v1/people/{id}/"),
    ("get", "/api/v1/addresses/"),
    # issue 3, point 5: the enforcement ladder
    ("get", "/api/v1/enforcement/"),
    ("post", "/api/v1/addresses/{uprn}/enforcement/"),
    # issue 5, point 1: panels
    ("get", "/api/v1/panels/"),
    ("get", "/api/v1/meetings/{id}/agenda/"),
    ("post", "/api/v1/meetings/{id}/actions/"),
    ("post", "/api/v1/actions/{id}/"),
    # Issue 3, point 11 (places)
    ("get", "/api/v1/addresses/door-check/"),
    ("post", "/api/v1/addresses/{uprn}/warnings/"),
    ("get", "/api/v1/addresses/{uprn}/nearby/"),
    ("get", "/api/v1/addresses/repeat-alerts/"),
    # Issue 10, point 5: ending a sharing agreement
    ("post", "/api/v1/sharing-agreements/{id}/end/"),
    # Issue 11, point 5: housing signals and the prevention list
    ("post", "/api/v1/housing-signals/"),
    ("get", "/api/v1/prevention-list/"),
    # Issue 12, points 1 and 2: partner intelligence
    ("post", "/api/v1/intelligence/"),
    ("get", "/api/v1/intelligence/"),
    ("get", "/api/v1/intelligence/{id}/"),
    ("get", "/api/v1/sanitised-intelligence/"),
    ("get", "/api/v1/sanitised-intelligence/{id}/"),
]

SEED_DEMO_EXISTS = (
    importlib.util.find_spec("nestguard.demo.management.commands.seed_demo") is not None
)

_HEADING = re.compile(r"^#{1,6}\s")
_POST_HEADING = re.compile(r"^#{2,4}\s+POST\s+(/api/v1/\S*)\s*$")
_FENCE = re.compile(r"^\s*```")
_PARAM = re.compile(r"\{[^}/]+\}")


@dataclass(frozen=True)
class Example:
    path: str  # as written in the heading, e.g. /api/v1/cases/{id}/close/
    body: str | None  # the ```json block as written; None when the section has none
    line: int


def post_examples(markdown: str) -> list[Example]:
    """Each POST heading with the first ```json block of its section (up to the next heading)."""
    examples: list[Example] = []
    current: dict[str, Any] | None = None
    in_fence = False
    capturing: list[str] | None = None

    def close_section() -> None:
        if current is not None:
            examples.append(Example(current["path"], current["body"], current["line"]))

    for number, line in enumerate(markdown.splitlines(), start=1):
        if _FENCE.match(line):
            if not in_fence:
                in_fence = True
                info = line.strip()[3:].strip().lower()
                if current is not None and current["body"] is None and info == "json":
                    capturing = []
            else:
                in_fence = False
                if capturing is not None and current is not None:
                    current["body"] = "\n".join(capturing)
                capturing = None
            continue
        if in_fence:
            if capturing is not None:
                capturing.append(line)
            continue
        if _HEADING.match(line):
            close_section()
            current = None
            match = _POST_HEADING.match(line)
            if match:
                current = {"path": match.group(1), "body": None, "line": number}
    close_section()
    return examples


def normalise_path(path: str) -> str:
    """/api/v1/cases/{pk}/close/ and /api/v1/cases/{id}/close/ are the same endpoint."""
    return _PARAM.sub("{}", path.split("?")[0])


def test_the_parser_finds_post_headings_and_their_first_json_block() -> None:
    markdown = "\n".join(
        [
            "# API",
            "### GET /api/v1/cases/",
            "```json",
            '{"ignored": true}',
            "```",
            "### POST /api/v1/referrals/",
            "Some words.",
            "```bash",
            "# a comment, not a heading",
            "```",
            "```json",
            '{"first": 1}',
            "```",
            "```json",
            '{"second": 2}',
            "```",
            "## POST /api/v1/cases/{id}/close/",
            "No example here.",
            "### POST /api/v1/cases/{id}/interventions/",
            "```json",
            "{}",
            "```",
        ]
    )
    found = post_examples(markdown)
    assert [(e.path, e.body) for e in found] == [
        ("/api/v1/referrals/", '{"first": 1}'),
        ("/api/v1/cases/{id}/close/", None),
        ("/api/v1/cases/{id}/interventions/", "{}"),
    ]
    assert normalise_path("/api/v1/cases/{pk}/close/") == "/api/v1/cases/{}/close/"
    assert normalise_path("/api/v1/addresses/?postcode=") == "/api/v1/addresses/"


def test_every_post_endpoint_of_the_issue_has_a_documented_example() -> None:
    documented = {normalise_path(e.path) for e in post_examples(API_DOC.read_text())}
    wanted = {normalise_path(path) for method, path in ISSUE_ENDPOINTS if method == "post"}
    assert sorted(wanted - documented) == []


def test_every_documented_post_has_a_json_body_that_parses() -> None:
    for example in post_examples(API_DOC.read_text()):
        assert example.body is not None, (
            f"docs/api.md line {example.line}: POST {example.path} has no ```json example"
        )
        json.loads(example.body)  # raises with the position of the mistake


# The examples against a seeded demo ------------------------------------------------------


def _contract_user() -> User:
    """A hub caseworker who can triage a waiting referral and work an open case."""
    candidates = User.objects.filter(
        is_active=True, agency__is_hub=True, role_grants__role="caseworker"
    ).distinct()
    ordered = sorted(candidates, key=lambda u: (u.username != "hub.caseworker", u.username))
    for user in ordered:
        waiting = triage_referrals(user).filter(status=ReferralStatus.SUBMITTED).exists()
        working = (
            visible_cases(user)
            .filter(status=CaseStatus.OPEN, lead_agency_id=user.agency_id)
            .exists()
        )
        if waiting and working:
            return user
    raise AssertionError(
        "seed_demo made no hub caseworker with a referral awaiting triage and an open case"
    )


def _id_fillers(user: User) -> list[tuple[str, Callable[[], Any]]]:
    def waiting_referral() -> Any:
        referral = (
            triage_referrals(user)
            .filter(status=ReferralStatus.SUBMITTED)
            .order_by("triage_due_at", "reference")
            .first()
        )
        assert referral is not None
        return referral.pk

    def open_case() -> Any:
        case = (
            visible_cases(user)
            # Led by the user's own agency: a partner's case on which the hub sits is visible
            # but not the hub's to assess or close (which one opened last depends on the day).
            .filter(status=CaseStatus.OPEN, lead_agency_id=user.agency_id)
            .order_by("-opened_at", "reference")
            .first()
        )
        assert case is not None
        return case.pk

    def next_meeting() -> Any:
        from nestguard.panels.models import MeetingStatus
        from nestguard.panels.rules import readable_meetings

        meeting = (
            readable_meetings(user)
            .filter(status=MeetingStatus.SCHEDULED, panel__chairs=user, actions__isnull=True)
            .order_by("meets_on")
            .first()
        )
        assert meeting is not None and meeting.items.exists()
        return meeting.pk

    def open_action() -> Any:
        from nestguard.panels.models import OPEN_ACTION_STATUSES
        from nestguard.panels.selectors import visible_actions

        action = (
            visible_actions(user)
            # Never updated since it was recorded: the example sends version 1.
            .filter(status__in=OPEN_ACTION_STATUSES, panel__chairs=user, version=1)
            .order_by("due_on")
            .first()
        )
        assert action is not None
        return action.pk

    def uprn_at_open_case() -> Any:
        from nestguard.cases.models import CaseAddress

        link = (
            CaseAddress.objects.filter(
                case__in=visible_cases(user).filter(status=CaseStatus.OPEN),
                address__uprn__isnull=False,
            )
            .select_related("address")
            .order_by("address__uprn")
            .first()
        )
        assert link is not None
        return link.address.uprn

    def active_agreement() -> Any:
        from nestguard.accounts.models import SharingAgreement

        agreement = next(
            (a for a in SharingAgreement.objects.order_by("name") if a.is_active()), None
        )
        assert agreement is not None
        return agreement.pk

    def tylers_episode() -> Any:
        """The episode the documented POST /api/v1/missing-episodes/ records for the
        walkthrough family's son (its start as written there), for the return example."""
        from datetime import datetime

        from nestguard.pathways.models import MissingEpisode
        from nestguard.pathways.services.missing import missing_episode_record
        from nestguard.people.models import Person

        example = next(
            e for e in post_examples(API_DOC.read_text()) if e.path.endswith("missing-episodes/")
        )
        body = json.loads(example.body)
        open_one = MissingEpisode.objects.filter(
            person_id=body["person_id"], returned_at__isnull=True
        ).first()
        if open_one is not None:
            return open_one.pk
        episode = missing_episode_record(
            actor=user, person=Person.objects.get(pk=body["person_id"]),
            case=visible_cases(user).get(pk=body["case_id"]), report_type=body["report_type"],
            risk_grade=body["risk_grade"], category=body["category"],
            care_status=body["care_status"],
            started_at=datetime.fromisoformat(body["started_at"]),
        )  # fmt: skip
        return episode.pk

    return [
        ("/api/v1/missing-episodes/", tylers_episode),
        ("/api/v1/sharing-agreements/", active_agreement),
        ("/api/v1/referrals/", waiting_referral),
        ("/api/v1/cases/", open_case),
        ("/api/v1/addresses/", uprn_at_open_case),
        ("/api/v1/meetings/", next_meeting),
        ("/api/v1/actions/", open_action),
    ]


# Paths whose examples a panel chair sends (a caseworker records no panel actions).
_CHAIR_PATHS = ("/api/v1/meetings/", "/api/v1/actions/")
# Paths whose examples an administrator sends.
_ADMIN_PATHS = ("/api/v1/sharing-agreements/",)
# Paths whose examples a housing agency's caseworker sends (decision 0090).
_HOUSING_PATHS = ("/api/v1/housing-signals/",)


def _housing_caseworker() -> User:
    worker = (
        User.objects.filter(is_active=True, role_grants__role="caseworker", agency__type="housing")
        .order_by("username")
        .first()
    )
    assert worker is not None, "seed_demo made no housing caseworker"
    return worker


def _admin() -> User:
    admin = (
        User.objects.filter(is_active=True, role_grants__role="admin").order_by("username").first()
    )
    assert admin is not None, "seed_demo made no administrator"
    return admin


def _panel_chair() -> User:
    chair = (
        User.objects.filter(is_active=True, role_grants__role="panel_chair")
        .filter(panels_chaired__isnull=False)
        .distinct()
        .order_by("username")
        .first()
    )
    assert chair is not None, "seed_demo made no panel chair who chairs a panel"
    return chair


def _fill(path: str, user: User) -> str:
    if not _PARAM.search(path):
        return path
    for prefix, finder in _id_fillers(user):
        if path.startswith(prefix):
            return _PARAM.sub(str(finder()), path, count=1)
    raise AssertionError(f"no rule to fill the id in {path}; teach tests/test_api_docs.py")


@contextmanager
def _rolled_back() -> Iterator[None]:
    """Whatever happens inside is undone, so each example meets the freshly seeded demo."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.mark.skipif(not SEED_DEMO_EXISTS, reason="nestguard seed_demo does not exist yet")
@pytest.mark.django_db
def test_every_documented_post_example_works_against_a_seeded_demo() -> None:
    examples = post_examples(API_DOC.read_text())
    assert examples, "docs/api.md documents no POST endpoint"
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    caseworker, chair, admin = _contract_user(), _panel_chair(), _admin()
    housing = _housing_caseworker()
    clients = {}
    for who in (caseworker, chair, admin, housing):
        _, token = api_token_create(actor=None, user=who)
        clients[who.pk] = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    failures: list[str] = []
    for example in examples:
        if example.body is None:
            failures.append(f"line {example.line}: POST {example.path} has no ```json example")
            continue
        user = chair if example.path.startswith(_CHAIR_PATHS) else caseworker
        user = admin if example.path.startswith(_ADMIN_PATHS) else user
        user = housing if example.path.startswith(_HOUSING_PATHS) else user
        with _rolled_back():
            path = _fill(example.path, user)
            response = clients[user.pk].post(
                path, data=example.body, content_type="application/json"
            )
            if not 200 <= response.status_code < 300:
                failures.append(
                    f"line {example.line}: POST {path} answered {response.status_code}: "
                    f"{response.content[:500].decode(errors='replace')}"
                )
    assert not failures, "\n".join(failures)


# The OpenAPI schema ----------------------------------------------------------------------


@pytest.fixture
def schema(personas) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    _, token = api_token_create(actor=None, user=personas.owner)
    response = Client().get("/api/v1/schema/?format=json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.parametrize(("method", "path"), ISSUE_ENDPOINTS)
def test_every_issue_endpoint_is_in_the_schema(schema, method, path):  # type: ignore[no-untyped-def]
    paths = {normalise_path(p): operations for p, operations in schema["paths"].items()}
    wanted = normalise_path(path)
    assert wanted in paths, f"{path} is not in the OpenAPI schema"
    assert method in paths[wanted], f"{method.upper()} {path} is not in the OpenAPI schema"


def test_every_documented_post_is_in_the_schema(schema) -> None:  # type: ignore[no-untyped-def]
    paths = {normalise_path(p): operations for p, operations in schema["paths"].items()}
    for example in post_examples(API_DOC.read_text()):
        assert "post" in paths.get(normalise_path(example.path), {}), example.path


def test_the_schema_declares_the_bearer_scheme(schema) -> None:  # type: ignore[no-untyped-def]
    assert schema["openapi"].startswith("3.")
    scheme = schema["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    person = schema["paths"]["/api/v1/people/{id}/"]["get"]
    assert person["security"] == [{"bearerAuth": []}]


@pytest.mark.django_db
def test_the_schema_needs_a_valid_token() -> None:
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer ng_not-a-token"}):
        response = Client().get("/api/v1/schema/", **headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"


def test_every_json_example_in_the_guide_is_json() -> None:
    """An example a partner copies must parse: a GET example once swallowed another's."""
    text = API_DOC.read_text()
    broken = []
    for block in re.finditer(r"```json\n(.*?)```", text, re.S):
        try:
            json.loads(block.group(1))
        except json.JSONDecodeError as exc:
            broken.append(f"line {text[: block.start()].count(chr(10)) + 1}: {exc}")
    assert not broken, "\n".join(broken)
