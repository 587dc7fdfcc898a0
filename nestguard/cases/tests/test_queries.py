"""The list and detail pages make the same number of queries whatever the number of rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection

from nestguard.cases.services.interventions import intervention_add
from nestguard.cases.services.work import case_note_add, case_team_add_user
from nestguard.cases.tests.conftest import add_person, make_case
from nestguard.risk.services import assessment_record
from nestguard.risk.tests.test_scoring import CCE, answers_totalling

pytestmark = pytest.mark.django_db

# Measured on SQLite; PostgreSQL takes one more (the audit chain's advisory lock). What
# matters is that 3 rows and 30 rows need the same number.
LIST_QUERIES = 17
# 22 for the case itself; +1 the displacement alerts (places); +3 the pathways section
# (missing episodes, NRM referrals, onward referrals of the case); +1 the viewer's agency
# (its type decides which handling restrictions it reads, decision 0078); +2 the current
# placements and education of the case's children (decision 0110; its transitions and plans
# only for those past 17 and a half); 28 measured; +1 on PostgreSQL, where the audit chain
# takes its advisory lock as a query of its own.
DETAIL_QUERIES = 28 + (1 if connection.vendor == "postgresql" else 0)
API_LIST_QUERIES = 12


def cases(owner, count: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(count):
        case = make_case(owner, summary=f"Case {n}")
        add_person(owner, case, given_name=f"Victim{n}")
        add_person(owner, case, role="suspected_exploiter", given_name=f"Suspect{n}")


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_query_count_does_not_grow(
    personas, client_for, django_assert_max_num_queries, rows
):
    cases(personas.owner, rows)
    client = client_for("owner")
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get("/cases/?status=all&mine=on")
    assert response.status_code == 200
    assert response.content.decode().count("Suspect") == rows


def busy_case(personas, rows: int):  # type: ignore[no-untyped-def]
    case = make_case(personas.owner)
    for n in range(rows):
        add_person(personas.owner, case, given_name=f"Person{n}")
        case_note_add(actor=personas.owner, case=case, text=f"Note {n}")
        intervention_add(
            actor=personas.owner,
            case=case,
            type="safety_plan",
            owner=personas.owner,
            starts_on=date.today() - timedelta(days=n),
        )
        assessment_record(
            actor=personas.owner,
            case=case,
            instrument="cce_child",
            stage="review",
            answers=answers_totalling(CCE, n),
        )
    case_team_add_user(actor=personas.owner, case=case, user=personas.supervisor)
    return case


@pytest.mark.parametrize("rows", [3, 30])
def test_the_detail_query_count_does_not_grow(
    personas, client_for, django_assert_max_num_queries, rows
):
    case = busy_case(personas, rows)
    client = client_for("owner")
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count("Note ") >= rows


@pytest.mark.parametrize("rows", [3, 30])
def test_the_api_list_query_count_does_not_grow(personas, django_assert_max_num_queries, rows):
    from django.test import Client

    from nestguard.accounts.services import api_token_create

    cases(personas.owner, rows)
    _, token = api_token_create(actor=None, user=personas.owner)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    with django_assert_max_num_queries(API_LIST_QUERIES):
        response = client.get("/api/v1/cases/")
    assert response.status_code == 200 and response.json()["count"] == rows
