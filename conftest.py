"""Shared fixtures: named personas across agencies, and a signed-in client for each.

The personas are the columns of the access truth table (docs/decisions/0002-access-model.md):
- owner: caseworker at the hub agency that triages referrals and leads cases
- supervisor: supervisor at the hub
- partner: caseworker at the police, who share an active agreement with the hub
- outsider: caseworker at a housing association with no agreement
- referrer: a teacher who makes referrals
- auditor: reads the audit trail
- admin: manages accounts, sees no case content
- ended_partner: caseworker at the youth justice service, whose agreement with the hub has
  ended (issue 10 point 5): an outsider on every path, even where named on a case team
- lone_chair: a panel chair at the housing association, which holds no agreement: their
  panel draws on no other agency's cases (issue 10 point 4)
- lone_referrer: a referrer (and nothing else) at a voluntary group that is party to no
  agreement, who has made no referrals (issue 10 point 10)
- retired: a caseworker and referrer at an agency since deactivated (refused everywhere)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from nestguard.accounts.administration import agency_deactivate
from nestguard.accounts.models import Agency, User
from nestguard.accounts.services import sharing_agreement_create, sharing_agreement_end
from tests.factories import NewAgencyFactory, NewUserFactory

# Every test starts at a frozen instant; `--clock-at` chooses it (tests/frozen_clock.py,
# docs/decisions/0086-frozen-clock-and-parallel-suite.md).
pytest_plugins = ["tests.frozen_clock", "tests.parallel", "tests.migrated", "pytester"]

# Property tests judge what the code does, never how fast: Hypothesis's default 200 ms deadline
# per example failed a calendar property on a loaded machine (CI shares two cores).
hypothesis.settings.register_profile("nestguard", deadline=None)
hypothesis.settings.load_profile("nestguard")


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_use_migrations: bool,
    django_db_keepdb: bool,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """pytest-django's test database, a copy of the pass's migrated template instead of a
    migration of its own in every worker (tests/migrated.py, decision 0132). With
    `--nomigrations` or `--reuse-db` pytest-django's own way is kept."""
    if not django_db_use_migrations or django_db_keepdb:
        yield from _stock_django_db_setup(request, django_db_blocker, django_db_use_migrations)
        return
    from django.db import connections

    # Imported here: tests.migrated is a plugin (pytest_plugins), rewritten when pytest loads it.
    from tests.migrated import install_test_database, migrated_template_for

    template = migrated_template_for(request.config)
    with django_db_blocker.unblock():
        teardown = install_test_database(connections["default"], template)
    yield
    with django_db_blocker.unblock():
        teardown()


def _stock_django_db_setup(
    request: pytest.FixtureRequest, blocker: Any, use_migrations: bool
) -> Iterator[None]:
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations

    if not use_migrations:
        _disable_migrations()
    keepdb = bool(request.config.getoption("reuse_db")) and not request.config.getoption(
        "create_db"
    )
    with blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, keepdb=keepdb)
    yield
    if not keepdb:
        with blocker.unblock():
            teardown_databases(config, verbosity=0)


@pytest.fixture(autouse=True)
def candidate_index_inline(settings):  # type: ignore[no-untyped-def]
    """The person index's candidate index is built inside the request that needs it, so that
    a test sees the same answer every time; the tests of the background build switch to it
    themselves (docs/decisions/0043). The browser journeys' server builds in the background,
    as production does."""
    settings.NESTGUARD_CANDIDATE_INDEX_BUILD = "inline"


@pytest.fixture(autouse=True)
def fresh_candidate_index():  # type: ignore[no-untyped-def]
    """Each test's database is its own: so is its in-memory candidate index, for every test
    that asks "already known?", not only the linkage app's. A kept index catches up from the
    newest record it has seen, so one left by a test at a later instant of the clock pass (2028,
    say) would never see the records of a test at an earlier one (2026): "no match"."""
    from nestguard.linkage.live_index import forget_index, wait_for_build

    forget_index()
    yield
    wait_for_build(timeout=60)  # a background build must not outlive its test's database
    forget_index()


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Every test starts with an empty cache: the reports' cache is keyed by the latest update
    of what they count (nestguard/reporting/reading.py), and under the frozen clock two tests'
    records can share that instant."""
    from django.core.cache import cache

    cache.clear()


@dataclass
class Personas:
    hub: Agency
    police: Agency
    outsider_agency: Agency
    school: Agency
    owner: User
    supervisor: User
    partner: User
    outsider: User
    referrer: User
    auditor: User
    admin: User
    youth_justice: Agency
    ended_partner: User
    lone_chair: User
    lone_agency: Agency
    lone_referrer: User
    # Refused everywhere: a user (with a token) of an agency since deactivated.
    former_agency: Agency
    retired: User

    def all(self) -> dict[str, User]:
        return {
            "owner": self.owner,
            "supervisor": self.supervisor,
            "partner": self.partner,
            "outsider": self.outsider,
            "referrer": self.referrer,
            "auditor": self.auditor,
            "admin": self.admin,
            "ended_partner": self.ended_partner,
            "lone_chair": self.lone_chair,
            "lone_referrer": self.lone_referrer,
        }


@pytest.fixture
def personas(db: None) -> Personas:
    hub = NewAgencyFactory(name="Northbrook Exploitation Hub", type="community_safety", is_hub=True)
    police = NewAgencyFactory(name="Northbrook Police", type="police")
    outsider_agency = NewAgencyFactory(
        name="Elsewhere Housing Association", type="housing_association"
    )
    school = NewAgencyFactory(name="Northbrook Academy", type="school")
    sharing_agreement_create(
        actor=None,
        name="Northbrook exploitation information sharing agreement",
        parties=[hub, police, school],
        purposes="Safeguarding people at risk of exploitation and disrupting exploiters",
        lawful_basis="safeguarding_sch1_para18",
        starts_on=dt.date(2024, 1, 1),
        review_on=dt.date(2030, 1, 1),
    )
    youth_justice = NewAgencyFactory(name="Northbrook Youth Justice Service", type="youth_justice")
    ended = sharing_agreement_create(
        actor=None,
        name="Northbrook youth justice agreement",
        parties=[hub, youth_justice],
        purposes="Safeguarding children at risk of criminal exploitation",
        lawful_basis="safeguarding_sch1_para18",
        starts_on=dt.date(2024, 1, 1),
        review_on=dt.date(2030, 1, 1),
    )
    sharing_agreement_end(actor=None, agreement=ended, reason="Withdrawn by the service")
    lone_agency = NewAgencyFactory(name="Northbrook Community Trust", type="voluntary")
    return Personas(
        hub=hub,
        police=police,
        outsider_agency=outsider_agency,
        school=school,
        owner=NewUserFactory(username="owner", agency=hub, roles=["caseworker", "referrer"]),
        supervisor=NewUserFactory(username="supervisor", agency=hub, roles=["supervisor"]),
        partner=NewUserFactory(username="partner", agency=police, roles=["caseworker", "referrer"]),
        outsider=NewUserFactory(
            username="outsider", agency=outsider_agency, roles=["caseworker", "referrer"]
        ),
        referrer=NewUserFactory(username="referrer", agency=school, roles=["referrer"]),
        auditor=NewUserFactory(username="auditor", agency=hub, roles=["auditor"]),
        admin=NewUserFactory(username="admin", agency=hub, roles=["admin"]),
        youth_justice=youth_justice,
        ended_partner=NewUserFactory(
            username="ended_partner", agency=youth_justice, roles=["caseworker", "referrer"]
        ),
        lone_chair=NewUserFactory(
            username="lone_chair", agency=outsider_agency, roles=["panel_chair"]
        ),
        lone_agency=lone_agency,
        lone_referrer=NewUserFactory(
            username="lone_referrer", agency=lone_agency, roles=["referrer"]
        ),
        **_refused_personas(),
    )


def _refused_personas() -> dict[str, object]:
    """An agency that was a party to nothing and is now deactivated, and its caseworker."""
    former = NewAgencyFactory(name="Former Youth Service", type="youth_justice")
    retired = NewUserFactory(username="retired", agency=former, roles=["caseworker", "referrer"])
    agency_deactivate(actor=None, agency=former)
    return {"former_agency": former, "retired": retired}


def sign_in(client: Client, user: User) -> Client:
    """A session that has passed both factors, as after a real sign-in."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    assert device is not None, f"{user} has no authenticator"
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for(personas: Personas):  # type: ignore[no-untyped-def]
    """client_for("owner") → a Client signed in as that persona."""

    def make(name: str) -> Client:
        return sign_in(Client(), personas.all()[name])

    return make
