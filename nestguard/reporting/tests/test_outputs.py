"""The report's outputs (issue 11 points 2 and 3): who may have them (a truth table over
roles), that no output (page, print, CSV, ODS, API) shows a count from 1 to 4 to anyone, that
bad periods and filters are refused with their reasons, that every output is audited once,
and that the picture does not depend on the viewer's agency."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from odf import teletype
from odf.opendocument import load as load_ods
from odf.table import Table as OdsTable
from odf.table import TableCell, TableRow

from conftest import sign_in
from nestguard.accounts.models import User
from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.reporting.period import Asked
from nestguard.reporting.reading import build_true
from nestguard.reporting.registry import Report, report_spec
from nestguard.reporting.tables import SUPPRESSED

from .conftest import ALLOWED, END, REFUSED, START, World

pytestmark = pytest.mark.django_db

PERIOD = f"?from={START.isoformat()}&to={END.isoformat()}"
OUTPUTS = ("page", "print", "csv", "ods", "api")


def _url(output: str, name: str = "partnership", query: str = PERIOD) -> str:
    paths = {
        "page": f"/reports/{name}/",
        "print": f"/reports/{name}/print/",
        "csv": f"/reports/{name}.csv",
        "ods": f"/reports/{name}.ods",
        "api": f"/api/v1/reports/{name}/",
    }
    return paths[output] + query


def _client(user: User | None, output: str) -> Client:
    if user is None:
        return Client()
    if output == "api":
        _, token = api_token_create(actor=None, user=user, name="reports test")
        return Client(headers={"Authorization": f"Bearer {token}"})
    return sign_in(Client(), user)


def _get(user: User | None, output: str, **kw: Any) -> Any:
    return _client(user, output).get(_url(output, **kw))


def _truth(world: World) -> Report:
    spec = report_spec("partnership")
    return build_true(world.users["analyst"], spec, Asked(START, END)).report


# --- reading each output back as tables of text ------------------------------------------


class _Tables(HTMLParser):
    """The tables of a page, by their id (`table-<name>`), as rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and (found.get("id") or "").startswith("table-"):
            self.current = str(found["id"])[6:]
            self.tables[self.current] = []
        elif tag == "tr" and self.current:
            self.tables[self.current].append([])
        elif tag in ("td", "th") and self.current:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.current and self.cell is not None:
            self.tables[self.current][-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def _from_html(body: str, truth: Report) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(body)
    return {name: rows[1:] for name, rows in parser.tables.items()}  # without the headings


def _from_csv(body: str, truth: Report) -> dict[str, list[list[str]]]:
    lines = list(csv.reader(io.StringIO(body)))
    found = {}
    for table in truth.tables:
        at = lines.index([table.title])
        assert lines[at + 1] == table.headings
        found[table.name] = lines[at + 2 : at + 2 + len(table.rows)]
    return found


def _from_ods(body: bytes, truth: Report) -> dict[str, list[list[str]]]:
    document = load_ods(io.BytesIO(body))
    sheets = document.spreadsheet.getElementsByType(OdsTable)
    assert len(sheets) == len(truth.tables) + 1  # "About this report", then one per table
    found = {}
    for table, sheet in zip(truth.tables, sheets[1:], strict=True):
        rows = [
            [teletype.extractText(cell) for cell in row.getElementsByType(TableCell)]
            for row in sheet.getElementsByType(TableRow)
        ]
        assert rows[0] == [table.title] and rows[1] == table.headings
        found[table.name] = rows[2 : 2 + len(table.rows)]
    return found


def _from_api(body: dict[str, Any], truth: Report) -> dict[str, list[list[str]]]:
    assert list(body) == ["report", "from", "to", "tables", "figures"]
    assert body["report"] == "partnership"
    assert (body["from"], body["to"]) == (START.isoformat(), END.isoformat())
    return {
        t["name"]: [["" if c is None else str(c) for c in row] for row in t["rows"]]
        for t in body["tables"]
    }


def _tables_of(response: Any, output: str, truth: Report) -> dict[str, list[list[str]]]:
    if output in ("page", "print"):
        return _from_html(response.content.decode(), truth)
    if output == "csv":
        return _from_csv(response.content.decode(), truth)
    if output == "ods":
        return _from_ods(response.content, truth)
    return _from_api(response.json(), truth)


# --- the tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("role", ALLOWED)
def test_no_output_shows_a_count_from_one_to_four(world: World, role: str, output: str) -> None:
    truth = _truth(world)
    response = _get(world.users[role], output)
    assert response.status_code == 200, response.content[:500]
    shown = _tables_of(response, output, truth)
    small = 0
    for table in truth.tables:
        rows = shown[table.name]
        assert len(rows) == len(table.rows), table.name
        for true_row, row in zip(table.rows, rows, strict=True):
            for i in table.count_columns():
                true, cell = true_row[i], row[i]
                assert cell != "" and (cell == SUPPRESSED or not 0 < int(cell) < 5), table.name
                if cell != SUPPRESSED:
                    assert int(cell) == true, table.name  # a shown count is the true count
                small += isinstance(true, int) and 0 < true < 5
    assert small > 0  # there were small counts to hide


def test_the_headline_figures_are_suppressed_too(world: World) -> None:
    body = _get(world.users["analyst"], "api").json()
    for key, value in body["figures"].items():
        assert not (isinstance(value, int) and 0 < value < 5), key
    truth = _truth(world)
    assert body["figures"]["referrals"] == truth.figures["referrals"]


@pytest.mark.parametrize("output", [*OUTPUTS, "index"])
@pytest.mark.parametrize("role", (*ALLOWED, *REFUSED, "anonymous"))
def test_who_may_have_the_report(world: World, role: str, output: str) -> None:
    user = world.users.get(role)
    index = output == "index"
    response = _client(user, "page").get("/reports/") if index else _get(user, output)
    if role in ALLOWED:
        assert response.status_code == 200
    elif role == "anonymous" and output != "api":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))
    else:
        assert response.status_code in (401, 403)
        assert b"Referrals by" not in response.content


def test_the_picture_does_not_depend_on_the_viewers_agency(world: World) -> None:
    mine = _get(world.users["analyst"], "api").json()
    theirs = _get(world.other_analyst, "api").json()
    manager = _get(world.users["partnership_manager"], "api").json()
    assert world.users["analyst"].agency_id != world.other_analyst.agency_id
    assert mine == theirs == manager


@pytest.mark.parametrize("output", OUTPUTS)
def test_each_output_is_audited_once(world: World, output: str) -> None:
    before = AuditEvent.objects.filter(action="report.read").count()
    response = _client(world.users["supervisor"], output).get(
        _url(output, query=PERIOD + "&agency=" + str(world.users["analyst"].agency_id))
    )
    assert response.status_code == 200
    events = AuditEvent.objects.filter(action="report.read").order_by("id")
    assert events.count() == before + 1
    event = events.last()
    assert event is not None and event.actor_id == world.users["supervisor"].pk
    assert event.purpose == "reporting"
    assert event.details["terms"] == {
        "report": "partnership",
        "from": START.isoformat(),
        "to": END.isoformat(),
        "agency": str(world.users["analyst"].agency_id),
        "format": output,
    }


def test_an_unknown_report_is_not_found(world: World) -> None:
    for output in OUTPUTS:
        assert _get(world.users["analyst"], output, name="no_such_report").status_code == 404


BAD = {
    "end before start": ("?from=2026-06-30&to=2026-06-01", "to", "on or after the start"),
    "too short": ("?from=2026-06-01&to=2026-06-20", "to", "at least 28 days"),
    "unknown ward": (PERIOD + "&ward=Atlantis", "ward", "no ward of that name"),
    "not a date": ("?from=2026-02-30&to=2026-06-20", "from", "real date"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_periods_and_filters_are_refused_with_their_reasons(world: World, case: str) -> None:
    query, field, message = BAD[case]
    analyst = world.users["analyst"]
    page = _get(analyst, "page", query=query)
    assert page.status_code == 200
    text = page.content.decode()
    assert "govuk-error-summary" in text and message in text
    assert "table-referrals_by_source" not in text
    for output in ("csv", "ods"):
        response = _get(analyst, output, query=query)
        assert response.status_code == 400 and message in response.content.decode()
    api = _get(analyst, "api", query=query)
    assert api.status_code == 400
    assert field in api.json() and message in json.dumps(api.json())


def test_a_ward_below_the_minimum_size_is_refused(world: World, settings: Any) -> None:
    from nestguard.reporting.measures import ward_sizes

    ward, size = sorted(ward_sizes(world.users["analyst"]).items(), key=lambda kv: kv[1])[0]
    settings.NESTGUARD_REPORT_MIN_WARD_ADDRESSES = size + 1
    query = PERIOD + f"&ward={ward}"
    page = _get(world.users["analyst"], "page", query=query).content.decode()
    assert f"{ward} has fewer than {size + 1:,} register addresses" in page
    api = _get(world.users["analyst"], "api", query=query)
    assert api.status_code == 400 and "fewer than" in api.json()["ward"][0]
    settings.NESTGUARD_REPORT_MIN_WARD_ADDRESSES = size
    assert _get(world.users["analyst"], "api", query=query).status_code == 200


def test_the_page_shows_the_legend_above_each_table_and_links_the_files(world: World) -> None:
    page = _get(world.users["analyst"], "page").content.decode()
    legend = "[c] confidential: a count from 1 to 4, or a count withheld so that it cannot be"
    assert page.count(legend) == len(_truth(world).tables)
    assert page.index(legend) < page.index('id="table-referrals_by_source"')
    for output in ("print", "csv", "ods"):
        assert _url(output).replace("&", "&amp;") in page
    assert "Figures as of" in page


def test_the_index_lists_the_reports_and_the_navigation_links_it(world: World) -> None:
    page = _client(world.users["partnership_manager"], "page").get("/reports/")
    text = page.content.decode()
    assert 'href="/reports/partnership/"' in text and 'href="/reports/missing_episodes/"' in text
    assert 'href="/reports/"' in text  # the navigation's "Reports"
    caseworker = _client(world.users["caseworker"], "page").get("/")
    assert 'href="/reports/"' not in caseworker.content.decode()


def test_the_print_page_has_no_navigation(world: World) -> None:
    text = _get(world.users["analyst"], "print").content.decode()
    assert "govuk-service-navigation" not in text and "reporting/print.css" in text


def _built(user: User, spec: Any) -> tuple[Report, Any]:
    built = build_true(user, spec, Asked(START, END))
    return built.report, built.as_of


def test_the_cached_report_follows_a_change_to_what_it_counts(world: World, clock: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from nestguard.referrals.models import ReferralStatus
    from nestguard.reporting import measures

    analyst, spec = world.users["analyst"], report_spec("partnership")
    first, first_at = _built(analyst, spec)
    clock.shift(timedelta(minutes=1))
    again, again_at = _built(world.other_analyst, spec)
    assert again_at == first_at and again == first  # one cached copy for every reporter

    request = Asked(START, END).request(analyst)
    waiting = measures.referrals(request).filter(status=ReferralStatus.SUBMITTED).first()
    assert waiting is not None
    waiting.status, waiting.decided_at = ReferralStatus.DECLINED, timezone.now()
    waiting.save(update_fields=["status", "decided_at", "updated_at"])
    after, after_at = _built(analyst, spec)
    assert after_at > first_at

    def declined(report: Report) -> int:
        rows = {row[0]: row[1] for row in report.tables[7].rows}
        return int(rows["Declined"] or 0)

    assert declined(after) == declined(first) + 1
