"""The guard against slow queries (issue 13 point 2, decision 0081).

On a seeded demo borough, each key page and API list is requested through the test client as
the demo user who uses it; every query it makes is captured and its plan read
(tests/query_plans.py). A test fails when a plan reads the whole of a large table, or a broad
part of one that no LIMIT stops, and when the number of queries grows with the number of rows
a list shows (5 rows against 50). Deterministic: plans and counts, never a clock.

The borough is seeded once for the module (a few seconds) and the planner's statistics are
refreshed as after a real load (`seed_borough` does it); only the tables seeded large are
checked, since a planner may rightly read a small code table whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import sign_in
from nestguard.accounts.models import User
from nestguard.accounts.services import api_token_create
from nestguard.cases.models import Case, CaseSubject
from nestguard.demo.seed import seed_borough
from nestguard.places.models import DisplacementAlert
from tests.key_pages import KEY_PAGES, KeyPage
from tests.query_plans import (
    analyze,
    explainable,
    large_tables,
    no_seqscan,
    plan_lines,
    scans,
    vm_steps,
)

# Big enough that the case, person, address and referral tables hold thousands of rows.
SCALE = 1
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
LARGE = 500  # rows that make a table large

# Reads a key page may make although they touch a large table broadly, each with its reason.
_WARD_SIZES = (
    "the register addresses of each ward, for the minimum ward size (decision 0089): one "
    "GROUP BY over the register, cached until the register changes (reporting/measures.py)"
)
ALLOWED: dict[tuple[str, str], str] = {
    ("partnership report", "places_address"): _WARD_SIZES,
    ("API partnership report", "places_address"): _WARD_SIZES,
    ("dashboard", "places_address"): _WARD_SIZES,
    ("triage queue", "referrals_referral"): (
        "the overdue count reads the referrals waiting for triage (the `triage_queue_idx` "
        "index on status): bounded by the team's work, not by the borough's history"
    ),
}


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def borough(django_db_setup: Any, django_db_blocker: Any) -> Iterator[set[str]]:
    """The demo borough, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                seed_borough(scale=SCALE, now=NOW)
                analyze()
                yield large_tables(LARGE)
                raise _Rollback
        except _Rollback:
            pass


def client_as(page: KeyPage) -> tuple[Client, User]:
    user = User.objects.get(username=page.username)
    if page.api:
        _, token = api_token_create(actor=None, user=user, name="query plans")
        return Client(headers={"Authorization": f"Bearer {token}"}), user
    return sign_in(Client(), user), user


def captured(page: KeyPage, url: str | None = None) -> tuple[int, list[str]]:
    client, user = client_as(page)
    url = url or page.url(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, [q["sql"] for q in queries.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("page", KEY_PAGES, ids=[p.name for p in KEY_PAGES])
def test_no_key_page_reads_a_large_table_whole(borough: set[str], page: KeyPage) -> None:
    status, queries = captured(page)
    assert status == 200
    no_seqscan()
    problems = []
    for sql in queries:
        if not explainable(sql):
            continue
        for scan in scans(sql, None, borough):
            if (page.name, scan.table) not in ALLOWED:
                problems.append(str(scan))
    assert not problems, f"{page.name} reads large tables whole:\n" + "\n".join(problems)


# Lists: the same number of queries for 5 rows as for 50 ---------------------------------


LISTS: dict[str, tuple[str, Callable[[int], str] | None]] = {
    # name in KEY_PAGES: (the module whose PAGE_SIZE sets the rows shown, or an API URL)
    "case list": ("nestguard.cases.views", None),
    "triage queue": ("nestguard.referrals.triage_views", None),
    "API cases": ("", lambda n: f"/api/v1/cases/?limit={n}&status=all"),
    "API referrals": ("", lambda n: f"/api/v1/referrals/?limit={n}"),
    "prevention list": ("nestguard.prevention.views.pages", None),
    "API prevention list": ("", lambda n: f"/api/v1/prevention-list/?limit={n}"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(LISTS))
def test_a_list_makes_the_same_queries_for_5_rows_as_for_50(
    borough: set[str], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = next(p for p in KEY_PAGES if p.name == name)
    module, api_url = LISTS[name]
    counts = {}
    for rows in (5, 50):
        if module:
            monkeypatch.setattr(f"{module}.PAGE_SIZE", rows)
        status, queries = captured(page, api_url(rows) if api_url else None)
        assert status == 200
        counts[rows] = len(queries)
    assert counts[5] == counts[50], f"{name}: {counts[5]} queries for 5 rows, {counts[50]} for 50"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["case list", "triage queue"])
def test_a_list_never_counts_everything(borough: set[str], name: str) -> None:
    """Keyset pages (next and previous) need no total."""
    page = next(p for p in KEY_PAGES if p.name == name)
    table = {"case list": "cases_case", "triage queue": "referrals_referral"}[name]
    _, queries = captured(page)
    counted = [q for q in queries if "COUNT(" in q and f'FROM "{table}"' in q]
    overdue = [q for q in counted if "triage_due_at" in q]  # the queue's overdue count
    assert counted == overdue


@pytest.mark.django_db
def test_the_triage_queue_orders_by_its_index_plainly(borough: set[str]) -> None:
    """The queue's page follows `triage_queue_idx` (status, urgency, due) and stops after a
    page. Ordered `NULLS LAST` on the due and sent times, SQLite sorted every waiting referral
    of the first urgency for each page (9 ms of the page's 15 at scale 160, decision 0130);
    a waiting referral has both times (the constraint `referral_submitted_has_clock`), so the
    order is the same without it."""
    page = next(p for p in KEY_PAGES if p.name == "triage queue")
    status, queries = captured(page)
    assert status == 200
    [listed] = [q for q in queries if 'ORDER BY "referrals_referral"."urgency_rank"' in q]
    order = listed.rsplit("ORDER BY", 1)[1]
    assert "NULLS" not in order.upper() and "IS NULL" not in order.upper(), order


# The dashboard: a bounded number of queries whatever the period or the borough ------------

# 42 since the county lines review's change markers (missing episodes, people) joined; 48
# since the daily case counts (decision 0125): the first case's day (two index lookups), the
# check of the case days (their rows, two index aggregates) and two sums, for the two case
# panels' GROUP BYs.
DASHBOARD_QUERIES = 48


@pytest.mark.django_db
def test_the_dashboard_makes_a_bounded_number_of_queries(borough: set[str]) -> None:
    """One GROUP BY (or so) per panel: the count does not grow with the period, the filters or
    the rows counted. The reports' prepared copies are dropped first, so the counts are really
    taken (decision 0112)."""
    from django.core.cache import cache

    from nestguard.reporting import case_daily, daily
    from nestguard.reporting.models import PreparedReport

    analyst = User.objects.get(username="analyst")
    page = next(p for p in KEY_PAGES if p.name == "dashboard")
    counts = {}
    for label, query in (
        ("twelve months", ""),
        ("three years", "?from=2023-11-01&to=2026-10-31"),
        ("a ward and an agency", "?from=2026-08-01&to=2026-10-31&ward=Redwater"
         f"&agency={User.objects.get(username='police.caseworker').agency_id}"),
    ):  # fmt: skip
        cache.clear()
        PreparedReport.objects.all().delete()
        # The daily referral counts are kept by earlier builds (decision 0120): counted
        # beforehand, as they are on a borough in use; their own refresh is guarded below.
        daily.count_days(analyst, date(2023, 1, 1), date(2026, 12, 31))
        case_daily.count_days(analyst, date(2023, 1, 1), date(2026, 12, 31))
        status, queries = captured(page, "/dashboard/" + query)
        assert status == 200, label
        counts[label] = len(queries)
    assert max(counts.values()) <= DASHBOARD_QUERIES, counts
    # A longer period counts more rows, never with more queries (filters add their checks).
    assert counts["twelve months"] == counts["three years"], counts


# The guards can fail ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_plan_guard_finds_a_query_no_index_serves(borough: set[str]) -> None:
    """ "The cases naming this person" is served by the index on `person_id`; a filter on a
    column no index serves reads the case subjects whole (as the case page's displacement
    alerts read theirs before, the issue's 552 ms), and the guard says so."""
    assert "cases_casesubject" in borough
    person = CaseSubject.objects.values_list("person_id", flat=True).first()
    no_seqscan()
    indexed = CaseSubject.objects.filter(person_id=person)
    assert scans(*indexed.query.sql_with_params(), borough) == []
    unindexed = CaseSubject.objects.filter(updated_at=NOW)
    found = scans(*unindexed.query.sql_with_params(), borough)
    assert [s.table for s in found] == ["cases_casesubject"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's IN lists")
def test_the_plan_guard_finds_the_list_of_every_visible_case(borough: set[str]) -> None:
    """`case__in=<every case the user may see>` builds that list first, tens of thousands of
    cases at a borough's size: the shape the case page had before (decision 0081)."""
    from nestguard.cases.access_policy import case_visible, visible_case_ids

    user = User.objects.get(username="hub.caseworker")
    case = Case.objects.first()
    before = DisplacementAlert.objects.filter(case__in=visible_case_ids(user), case=case)
    after = DisplacementAlert.objects.filter(case_visible(user), case=case)
    assert any(s.table == "cases_case" for s in scans(*before.query.sql_with_params(), borough))
    assert scans(*after.query.sql_with_params(), borough) == []


@pytest.mark.django_db
def test_the_count_guard_finds_a_query_a_row(borough: set[str]) -> None:
    """A list that reads each row's lead agency one at a time makes more queries for 50 rows
    than for 5; the same list with `select_related` does not."""

    def count(rows: int, *, related: bool) -> int:
        cases = Case.objects.order_by("pk")
        if related:
            cases = cases.select_related("lead_agency")
        with CaptureQueriesContext(connection) as queries:
            for case in cases[:rows]:
                str(case.lead_agency)
        return len(queries)

    assert count(5, related=False) != count(50, related=False)
    assert count(5, related=True) == count(50, related=True)


# Work that grows with the product of two lists --------------------------------------------


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="counts SQLite's VM instructions")
def test_agenda_names_cost_follows_the_cases_asked(borough: set[str]) -> None:
    """The names on agenda items read the cases' subjects and then those people through the
    panel's scope. As one join under the scope's person filter, SQLite probed every person in
    the scope against every case asked for: ten times the cases, ten times the work (the
    `--scale 160` seeding stalled there for 25 minutes; decision 0094). Now the scope is read
    once, and asking for 50 cases costs little more than asking for 5."""
    from nestguard.panels.agenda import _names
    from nestguard.panels.models import Panel
    from nestguard.panels.selectors import agenda_scope

    panel = Panel.objects.get(name="Northbrook MACE")
    scope = agenda_scope(panel.pk)
    cases = list(scope.case_ids.order_by("pk").values_list("pk", flat=True))
    assert len(cases) >= 50
    steps = {n: vm_steps(lambda n=n: _names(scope, cases[:n])) for n in (5, 50)}
    assert steps[50] < 2 * steps[5], steps


# Links: one reverse per kind of link, not one per row ------------------------------------


def _app_of(resolver: Any) -> str:
    """The URL prefix of the app a reverse looks in: Django reverses a namespaced name in a
    resolver wrapping the namespace's own (django.urls.resolvers.get_ns_resolver)."""
    inner = resolver.url_patterns
    if len(inner) == 1 and hasattr(inner[0], "url_patterns"):
        return f"{inner[0].pattern}:"
    return ""


# Pinned to the default instant: what is due depends on "now" against the borough seeded at
# NOW, and at the rotating clock's instants months away the due view holds too few rows for
# the page to be long (seen in CI's clock pass on 4 December 2026: 32 links).
@pytest.mark.time_machine(datetime(2026, 12, 2, 10, 30, tzinfo=UTC))
@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["panel agenda", "due and overdue", "due and overdue, team", "case list"]
)
def test_a_long_page_reverses_each_kind_of_link_once(
    borough: set[str], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`reverse` walks the URL resolver each time; a page that reversed a link per row (the
    agenda's `{% url %}` per item, the due view's per item) spent a good part of its time
    there (decision 0094). Now each kind of link is reversed once (`core.links.reverser`):
    the page links far more rows than it reverses URLs."""
    from django.urls.resolvers import URLResolver

    page = next(p for p in KEY_PAGES if p.name == name)
    client, user = client_as(page)
    reversed_urls = []
    original = URLResolver._reverse_with_prefix

    def counted(self: URLResolver, lookup_view: Any, _prefix: str, *args: Any, **kw: Any) -> str:
        reversed_urls.append(f"{_app_of(self)}{lookup_view}")
        return original(self, lookup_view, _prefix, *args, **kw)

    monkeypatch.setattr(URLResolver, "_reverse_with_prefix", counted)
    response = client.get(page.url(user))
    assert response.status_code == 200
    links = response.content.decode().count('class="govuk-link" href=')
    assert links > 30
    # Each kind a few times at most, however many rows: the kinds grow with the apps
    # (navigation, clock sources), not with the rows. Counted by the app's URL prefix and the
    # URL's name (several apps share "list", "mine", "detail").
    per_kind = Counter(map(str, reversed_urls))
    assert max(per_kind.values()) <= 3, per_kind.most_common(3)


# Planner statistics and the indexes of decision 0095 ---------------------------------------


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's ANALYZE")
def test_planner_statistics_count_every_row_of_an_index(borough: set[str]) -> None:
    """A sampled `ANALYZE` (`analysis_limit` 1,000, as before) told SQLite that each of the
    case table's three statuses held 1,001 rows where the open and monitored cases were
    14,000 of 96,000, so at scale 160 it read them all through the `status` index and sorted
    them for the case list (200 ms) instead of walking its ordering index for a page (2 ms).
    A table of 6,000 rows in three statuses, as the case table: the statistics say 2,000 rows
    a status (a sample of 1,000 says 667)."""
    from nestguard.core.statistics import refresh_planner_statistics

    with connection.cursor() as cursor:
        # In the test's transaction, rolled back after it.
        cursor.execute("CREATE TABLE statuses (id INTEGER PRIMARY KEY, status TEXT)")
        cursor.execute(
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 6000) "
            "INSERT INTO statuses (status) SELECT CASE WHEN x <= 5000 THEN 'closed' "
            "WHEN x <= 5500 THEN 'open' ELSE 'monitoring' END FROM n"
        )
        cursor.execute("CREATE INDEX statuses_status ON statuses (status)")
        refresh_planner_statistics()
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'statuses_status'")
        assert cursor.fetchone()[0] == "6000 2000"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan steps")
def test_the_triage_clock_reads_the_waiting_referrals_in_due_order(borough: set[str]) -> None:
    """The due view's triage clock reads the submitted referrals soonest due first and stops
    after its limit, through `referral_status_due_idx`: without it SQLite walked the due
    dates of every referral ever made, looking for the few waiting (261 ms at scale 160)."""
    from nestguard.core.statistics import refresh_planner_statistics
    from nestguard.pathways.clocks import _triage

    refresh_planner_statistics()
    user = User.objects.get(username="hub.supervisor")
    with CaptureQueriesContext(connection) as queries:
        items = list(_triage(user))
    assert items
    [waiting] = [q["sql"] for q in queries.captured_queries if "triage_due_at" in q["sql"]]
    steps = plan_lines(waiting, None)
    assert any("referral_status_due_idx" in step for step in steps), steps
    assert not any("TEMP B-TREE FOR ORDER BY" in step for step in steps), steps


# The due view's return-interview and warning-review clocks (decision 0121) -----------------


def _plan_of(source: Callable[..., Any], user: User, marker: str, *, team: bool) -> list[str]:
    """SQLite's plan steps of the first query of `source` whose SQL names `marker` (the
    return-interview clock reads its candidates a chunk at a time, the same query each)."""
    from itertools import islice

    from nestguard.core.statistics import refresh_planner_statistics

    refresh_planner_statistics()
    with CaptureQueriesContext(connection) as queries:
        list(islice(source(user, team=team), 200))
    sql = next(q["sql"] for q in queries.captured_queries if marker in q["sql"])
    return plan_lines(sql, None)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan steps")
@pytest.mark.parametrize("team", [False, True], ids=["mine", "team"])
def test_the_return_interview_clock_reads_the_open_clocks_alone(
    borough: set[str], team: bool
) -> None:
    """The open clocks through `missing_rhi_open_idx`, which holds only the episodes whose
    interview is still to be done: before, every returned episode of the borough was read in
    date order and tested for a closing interview."""
    from nestguard.pathways.clocks import _return_interviews

    user = User.objects.get(username="hub.supervisor" if team else "hub.caseworker")
    steps = _plan_of(_return_interviews, user, "rhi_clock_closed", team=team)
    assert any("missing_rhi_open_idx" in step for step in steps), steps
    assert not any("pathways_returninterview" in step for step in steps), steps


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan steps")
@pytest.mark.parametrize("team", [False, True], ids=["mine", "team"])
def test_the_warning_review_clock_reads_the_owners_markers_in_review_order(
    borough: set[str], team: bool
) -> None:
    """A user's (or their agency's) markers in force, soonest review first, through
    `marker_owner_review_idx` (`marker_agency_review_idx`), sorting nothing: before, SQLite
    walked the review dates of every marker of the borough, every owner's."""
    from nestguard.places.clocks import warning_reviews

    user = User.objects.get(username="hub.supervisor" if team else "hub.caseworker")
    index = "marker_agency_review_idx" if team else "marker_owner_review_idx"
    steps = _plan_of(warning_reviews, user, "places_warningmarker", team=team)
    assert any(index in step for step in steps), steps
    assert not any("TEMP B-TREE FOR" in step for step in steps), steps


@pytest.mark.django_db
def test_the_seeded_episodes_say_whether_their_interview_clock_is_closed(
    borough: set[str],
) -> None:
    """The demo seeding sets `rhi_clock_closed` as `return_interview_record` does: closed
    exactly where the interview's outcome closes the clock."""
    from nestguard.pathways import policy
    from nestguard.pathways.models import MissingEpisode

    closing = [c.code for c in policy.codes("rhi_outcomes").codes if c.get("closes_clock")]
    held = MissingEpisode.objects.filter(return_interview__outcome__in=closing)
    assert held.exists()
    assert set(held.values_list("pk", flat=True)) == set(
        MissingEpisode.objects.filter(rhi_clock_closed=True).values_list("pk", flat=True)
    )
    assert MissingEpisode.objects.filter(returned_at__isnull=False, rhi_clock_closed=False)


# The due view's transition clock (decision 0123) ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["hub.caseworker", "asc.caseworker"])
def test_the_transition_clock_reads_the_open_alerts_by_due_day(
    borough: set[str], username: str
) -> None:
    """On SQLite and PostgreSQL: the clock's page of links is read through
    `subject_transition_idx`, which holds the links of children on cases not closed, by due
    day, and reads no person (before, every case subject born in the 17½-to-25 window was read
    with their date of birth, 31,357 at scale 160, and decided on in Python)."""
    from itertools import islice

    from nestguard.childhood.clocks import _transitions
    from nestguard.core.statistics import refresh_planner_statistics

    refresh_planner_statistics()
    analyze()
    user = User.objects.get(username=username)
    with CaptureQueriesContext(connection) as queries:
        items = list(islice(_transitions(user), 200))
    if username == "hub.caseworker":
        assert items  # the demo's young people past 17 and a half, and the borough's
    # The page reads (not the loading of the kept links by key): those that test the lapse.
    lapse = '"cases_casesubject"."transition_lapses_on" >'
    pages = [q["sql"] for q in queries.captured_queries if lapse in q["sql"]]
    assert pages
    no_seqscan()
    for sql in pages:
        steps = plan_lines(sql, None)
        assert any("subject_transition_idx" in step for step in steps), steps
        assert not any("people_person" in step for step in steps), steps
        assert not any(step.startswith(("SCAN ", "Seq Scan")) for step in steps), steps


@pytest.mark.django_db
def test_the_seeded_links_carry_the_transition_days_the_model_writes(borough: set[str]) -> None:
    """The demo seeding writes the links' transition days as the model does: working them
    out again changes nothing, and the borough has children's links with them."""
    assert CaseSubject.objects.filter(transition_opens_on__isnull=False).exists()
    assert CaseSubject.objects.filter(transition_opens_on__isnull=True).exists()
    assert CaseSubject.objects.all().keep_transition_dates() == 0


@pytest.mark.django_db
def test_counting_the_daily_referral_counts_is_a_bounded_number_of_queries(
    borough: set[str],
) -> None:
    """Counting days into the daily pre-aggregate (decision 0120) is one GROUP BY per measure
    over the period's referrals by the `submitted_at` index, whatever the period's length;
    checking a current period is a few aggregates and reads none of the referrals' rows."""
    from nestguard.reporting import daily
    from nestguard.reporting.models import ReferralDay

    analyst = User.objects.get(username="analyst")
    daily.basis(analyst)  # the concern code list, read once per process
    counts = {}
    for label, start in (("a year", date(2025, 11, 1)), ("three years", date(2023, 11, 1))):
        ReferralDay.objects.all().delete()
        with CaptureQueriesContext(connection) as context:
            daily.current_days(analyst, start, date(2026, 10, 31))
        counts[label] = len(context.captured_queries)
    assert counts["a year"] == counts["three years"], counts
    with CaptureQueriesContext(connection) as context:
        assert daily.current_days(analyst, date(2023, 11, 1), date(2026, 10, 31)) == 0
    assert len(context.captured_queries) <= 5, context.captured_queries


# The due view counts on due times and builds its page (decision 0136) ----------------------

_DUE_USERS = ("hub.caseworker", "hub.supervisor", "asc.caseworker", "csc.caseworker")


@pytest.mark.time_machine(datetime(2026, 12, 2, 10, 30, tzinfo=UTC))
@pytest.mark.django_db
@pytest.mark.parametrize("team", [False, True], ids=["mine", "team"])
def test_the_due_view_pages_cut_its_whole_list(borough: set[str], team: bool) -> None:
    """Every page of `due_page` is that part of `due_items`' list, with the list's length and
    overdue count; a source's `rows` give its items' due times in its order and build the
    same items (the sources that register rows: the transition clock, the warning reviews)."""
    from itertools import islice

    from django.utils import timezone

    from nestguard.core.clocks import clock_sources, due_items, due_page

    now = timezone.now()
    with_rows = {source.code for source in clock_sources() if source.rows is not None}
    assert {"transition", "warning_review"} <= with_rows
    shown: Counter[str] = Counter()
    for username in _DUE_USERS:
        user = User.objects.get(username=username)
        whole = due_items(user, team=team, per_source=200)
        for start in range(0, len(whole) + 1, 7):
            page = due_page(user, team=team, per_source=200, start=start, size=7, now=now)
            assert page.items == whole[start : start + 7], (username, start)
            assert page.total == len(whole)
            assert page.overdue == sum(1 for item in whole if item.is_overdue(now))
        for source in clock_sources():
            if source.rows is None:
                continue
            items = list(islice(source.items(user, team=team), 200))
            rows = source.rows(user, team=team, limit=200)
            assert list(rows.due) == [item.due_at for item in items], (username, source.code)
            assert rows.build(0, len(items)) == items
            assert rows.build(1, 4) == items[1:4]
            shown[source.code] += len(items)
    # The borough gives both sources items to compare (a test that cannot fail is a defect).
    assert shown["transition"] > 3 and shown["warning_review"] > 0, shown


@pytest.mark.time_machine(datetime(2026, 12, 2, 10, 30, tzinfo=UTC))
@pytest.mark.django_db
def test_the_due_view_loads_only_the_records_its_page_shows(borough: set[str]) -> None:
    """The transition clock's links and the warning markers are loaded (their records built
    with case, person, address, owner) for the items the page shows, not for every item the
    list counts: a page of 2 builds at most 2 of each, however many the list holds."""
    from django.db.models.signals import post_init
    from django.utils import timezone

    from nestguard.core.clocks import due_page
    from nestguard.places.models import WarningMarker

    built: Counter[str] = Counter()

    def count(sender: type, **kwargs: Any) -> None:
        built[sender.__name__] += 1

    now = timezone.now()
    listed: Counter[str] = Counter()
    for username in _DUE_USERS:
        user = User.objects.get(username=username)
        whole = due_page(user, team=True, per_source=200, start=0, size=10_000, now=now)
        listed.update(item.source for item in whole.items)
        for model in (CaseSubject, WarningMarker):
            post_init.connect(count, sender=model)
        try:
            page = due_page(user, team=True, per_source=200, start=0, size=2, now=now)
        finally:
            for model in (CaseSubject, WarningMarker):
                post_init.disconnect(count, sender=model)
        assert page.total == len(whole.items)
        assert built["CaseSubject"] <= 2 and built["WarningMarker"] <= 2, (username, built)
        built.clear()
    assert listed["transition"] > 2 and listed["warning_review"] > 2, listed
