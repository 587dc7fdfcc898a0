"""The door's conditions compiled once a read request (decision 0141) answer exactly what
Django's own EXISTS answers: for every user of the demo partnership, every model the door
guards and every purpose it scopes, and on every key page, byte for byte.

Compiled SQL is written into other queries as text, so a wrong alias would read another
table's row without any error; these tests compare answers, not SQL.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from conftest import sign_in
from nestguard.access.door import policy_for, registered_models, visible
from nestguard.access.selectors import reads_once
from nestguard.accounts.models import User
from nestguard.cases.access_policy import case_visible, visible_cases
from nestguard.cases.models import Case, CaseSubject, ChronologyEntry
from nestguard.core.queries import OUTER_KEY, compile_records, one_of_compiled
from nestguard.demo.seed import seed_borough
from nestguard.people.access_policy import person_visible
from nestguard.people.models import Person
from tests.key_pages import KEY_PAGES
from tests.query_plans import analyze

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
# The key pages that show records found through the door's conditions.
PAGES = [page for page in KEY_PAGES if not page.api and "report" not in page.name]
# A form's token is masked afresh for every answer, and a list's signed cursor carries the
# second it was signed in; nothing else of a page may differ.
_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
_SIGNED_AT = re.compile(rb"(page=[^\"&%]*)%3A[^\"&]*")


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def borough(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                seed_borough(scale=1, now=NOW)
                analyze()  # PostgreSQL plans as for a loaded database
                yield
                raise _Rollback
        except _Rollback:
            pass


def _users() -> list[User]:
    return list(User.objects.order_by("username"))


def _keys(user: User, model: type[Any], purpose: str | None, compiled: bool) -> list[Any]:
    """The keys of what the door lets `user` see, read in a scope of its own (as a page
    reads), with the conditions compiled or as Django builds them."""
    with override_settings(NESTGUARD_COMPILE_DOOR_CONDITIONS=compiled), reads_once():
        return sorted(
            str(pk) for pk in visible(user, model, purpose=purpose).values_list("pk", flat=True)
        )


@pytest.mark.django_db
def test_every_user_sees_the_same_records_through_compiled_conditions(borough: None) -> None:
    compared = with_records = 0
    for user in _users():
        for model in registered_models():
            for purpose in (None, *policy_for(model).scopes):
                plain = _keys(user, model, purpose, compiled=False)
                assert _keys(user, model, purpose, compiled=True) == plain, (
                    f"{user} {model.__name__} {purpose}"
                )
                compared += 1
                with_records += bool(plain)
    # The comparison meant something: hundreds of the pairs show records, not nothing.
    assert compared > 3000 and with_records > 500


def _page(client: Client, url: str, compiled: bool) -> tuple[int, bytes]:
    with override_settings(NESTGUARD_COMPILE_DOOR_CONDITIONS=compiled):
        response = client.get(url)
    return response.status_code, _SIGNED_AT.sub(rb"\1", _CSRF.sub(b"", response.content))


def _around_first_difference(one: bytes, other: bytes) -> str:
    """`one` around the first byte where `other` differs (or where the shorter ends)."""
    pairs = enumerate(zip(one, other, strict=False))
    at = next((i for i, (a, b) in pairs if a != b), min(len(one), len(other)))
    return f"at {at}: " + one[max(0, at - 200) : at + 200].decode(errors="replace")


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_every_key_page_is_the_same_page_for_every_user(borough: None, page: Any) -> None:
    shown = 0
    for user in _users():
        url = page.url(user)
        client = sign_in(Client(), user)
        plain = _page(client, url, compiled=False)
        compiled = _page(client, url, compiled=True)
        if compiled != plain:
            # Say whether the page differs from itself (an unstable order) or only when
            # compiled, and show where.
            itself = _page(client, url, compiled=False) != plain
            where = _around_first_difference(plain[1], compiled[1])
            assert not itself, f"{page.name} as {user}: the page differs from itself: {where}"
            assert compiled == plain, (
                f"{page.name} as {user}: {url}: {plain[0]}, {compiled[0]}: {where}"
            )
        shown += plain[0] == 200
    assert shown >= 2  # users who see the page, not only refusals


@pytest.mark.django_db
def test_a_compiled_condition_means_the_outer_row_when_the_tables_are_the_same(
    borough: None,
) -> None:
    """Cases that are one of the visible cases, asked from a query over cases itself and from
    inside another EXISTS: the outer key written in must name the outer row, not the
    condition's own table (which is why the condition has aliases of its own)."""
    user = User.objects.get(username="hub.caseworker")
    compiled = compile_records(visible_cases(user))
    assert compiled.sql is not None and compiled.sql.count(OUTER_KEY) == 1
    expected = set(visible_cases(user).values_list("pk", flat=True))
    assert set(Case.objects.filter(one_of_compiled(compiled)).values_list("pk", flat=True)) == (
        expected
    )
    people = Person.objects.filter(
        Exists(CaseSubject.objects.filter(one_of_compiled(compiled, "case"), person=OuterRef("pk")))
    )
    plain = Person.objects.filter(
        Exists(CaseSubject.objects.filter(case__in=visible_cases(user), person=OuterRef("pk")))
    )
    assert set(people.values_list("pk", flat=True)) == set(plain.values_list("pk", flat=True))
    assert expected and set(plain.values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_same_condition_for_two_users_is_the_same_sql_text(borough: None) -> None:
    """The aliases are named after the SQL, not drawn afresh: the database's statement cache
    serves the second user's query (the parameters differ, the text does not)."""
    first, second = (
        User.objects.get(username=name) for name in ("hub.caseworker", "hub.supervisor")
    )
    one, two = compile_records(visible_cases(first)), compile_records(visible_cases(second))
    assert one.sql == two.sql and one.params != two.params


@pytest.mark.django_db
def test_a_user_who_may_see_no_case_is_one_of_nothing(borough: None) -> None:
    nobody = User.objects.filter(agency__isnull=True).first() or User.objects.get(
        username="auditor"
    )
    with reads_once():
        condition = case_visible(nobody, "case")
        shown = ChronologyEntry.objects.filter(condition)
        assert list(shown) == list(ChronologyEntry.objects.filter(case__in=visible_cases(nobody)))


@pytest.mark.django_db
def test_a_read_request_compiles_each_condition_once(borough: None) -> None:
    """Within one read scope the second ask reuses the first's SQL, and the conditions of a
    nested visibility (people through their cases) are compiled, not rebuilt, inside it."""
    user = User.objects.get(username="hub.caseworker")
    with reads_once():
        first, second = case_visible(user, "case"), case_visible(user, "case")
        assert first.records is second.records  # type: ignore[union-attr]
        people = person_visible(user, "pk")
        # The cases' condition is inside the people's, by its own aliases.
        aliases = re.search(r"ng[0-9a-f]{8}x", first.records.sql)  # type: ignore[union-attr]
        assert aliases and aliases.group() in people.records.sql  # type: ignore[union-attr]
        with CaptureQueriesContext(connection) as queries:
            list(Person.objects.filter(people).values_list("pk", flat=True))
    assert len(queries) == 1


@pytest.mark.django_db
def test_a_query_with_a_compiled_condition_can_be_pickled(borough: None) -> None:
    """Pickling a query (a cache of a queryset) must not read the database or lose the
    condition: the compiled form holds SQL text and parameters, not a queryset."""
    user = User.objects.get(username="hub.caseworker")
    with reads_once():
        entries = ChronologyEntry.objects.filter(Q(case_visible(user, "case"))).order_by("pk")
    with CaptureQueriesContext(connection) as queries:
        query = pickle.loads(pickle.dumps(entries.query))  # noqa: S301 (our own bytes)
    assert len(queries) == 0
    again = ChronologyEntry.objects.all()
    again.query = query
    assert list(again.values_list("pk", flat=True)[:50]) == list(
        entries.values_list("pk", flat=True)[:50]
    )
