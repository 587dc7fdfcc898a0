"""The risk pages: choose a tool, answer every item, see the score, band and breakdown."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from nestguard.audit.models import AuditEvent
from nestguard.cases.services.closing import case_close
from nestguard.cases.tests.conftest import add_person
from nestguard.risk.models import RiskAssessment
from nestguard.risk.tests.test_scoring import CCE, answers_totalling

pytestmark = pytest.mark.django_db


def html(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def form_data(total: int = 20, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"instrument": "cce_child", "stage": "initial"}
    data.update({f"item_{k}": v for k, v in answers_totalling(CCE, total).items()})
    data.update(extra)
    return data


def assert_errors(response, *messages: str) -> None:  # type: ignore[no-untyped-def]
    body = html(response)
    assert response.status_code == 200
    assert "There is a problem" in body and "<title>Error: " in body
    for message in messages:
        assert message in body, message


def test_choose_a_tool(world, client_for):
    client = client_for("owner")
    body = html(client.get(f"/risk/cases/{world.case.pk}/assess/"))
    assert "<h1" in body and "Assess risk" in body
    assert "Child criminal exploitation risk assessment" in body
    assert "Cuckooing vulnerability and indicators (adult)" in body
    assert "There is a problem" not in body
    assert_errors(
        client.get(f"/risk/cases/{world.case.pk}/assess/?instrument="),
        "Choose an assessment tool",
    )
    assert_errors(
        client.get(f"/risk/cases/{world.case.pk}/assess/?instrument=dash"),
        "Choose an assessment tool from the list",
    )


def test_the_items_page_has_a_fieldset_of_radios_per_item(world, client_for):
    body = html(
        client_for("owner").get(f"/risk/cases/{world.case.pk}/assess/?instrument=cce_child")
    )
    assert body.count('<fieldset class="govuk-fieldset"') == 18 + 1  # the items and the stage
    for item in CCE.items:
        assert f'name="item_{item.code}"' in body
        assert item.label in body
    assert "Missing and whereabouts</h2>" in body
    assert "(3 points)" in body and "(0 points)" in body and "(1 point)" in body
    assert 'name="instrument" value="cce_child"' in body
    assert "Professional judgement change" in body


def test_an_empty_submit_lists_every_item_and_writes_nothing(world, client_for):
    # Opening the form reads the case (the door audits that); nothing else is written.
    changes = AuditEvent.objects.exclude(action="case.view")
    before = RiskAssessment.objects.count(), changes.count()
    response = client_for("owner").post(
        f"/risk/cases/{world.case.pk}/assess/", {"instrument": "cce_child"}
    )
    assert_errors(response, "Choose the stage of this assessment")
    body = html(response)
    for item in CCE.items:
        assert f"Answer “{item.label}”" in body, item.label
        assert f'href="#id_item_{item.code}_0"' in body
    assert (RiskAssessment.objects.count(), changes.count()) == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"judgement_adjustment": "4"}, "Give the reason for the professional judgement change"),
        ({"judgement_adjustment": "four"}, "must be a whole number"),
        ({"judgement_adjustment": "20", "judgement_reason": "x"}, "must be from -10 to 10"),
        ({"judgement_adjustment": "2", "judgement_reason": "x" * 2001}, "2,000 characters"),
        ({"stage": "midway"}, "Select a valid choice"),
        ({"item_education": "sometimes"}, "Choose one of the answers given"),
        ({"person": "not-a-person"}, "Select a valid choice"),
    ],
)
def test_bad_submits_show_errors_and_write_nothing(world, client_for, extra, message):
    before = RiskAssessment.objects.count()
    response = client_for("owner").post(f"/risk/cases/{world.case.pk}/assess/", form_data(**extra))
    assert_errors(response, message)
    assert RiskAssessment.objects.count() == before
    world.case.refresh_from_db()
    assert world.case.risk_band == ""


def test_a_person_of_the_wrong_age_is_refused_on_the_form(world, client_for):
    response = client_for("owner").post(
        f"/risk/cases/{world.case.pk}/assess/", form_data(person=str(world.victim.pk))
    )
    assert_errors(response, "is for children")
    assert RiskAssessment.objects.count() == 0


def test_record_and_see_the_assessment(personas, world, client_for):
    child = add_person(
        personas.owner, world.case, role="person_at_risk", given_name="Kai", age_estimate=15
    )
    client = client_for("owner")
    response = client.post(
        f"/risk/cases/{world.case.pk}/assess/",
        form_data(
            33,
            judgement_adjustment="3",
            judgement_reason="Found with a knife on Friday",
            person=str(child.pk),
        ),
    )
    assert response.status_code == 302
    record = RiskAssessment.objects.get()
    assert response["Location"] == f"/risk/assessments/{record.pk}/?recorded=1"
    assert (record.assessment_score, record.overall_score, record.band) == (33, 36, "high")
    body = html(client.get(response["Location"]))
    assert "Assessment recorded" in body and "govuk-panel--confirmation" in body
    assert "36 out of 54" in body and "High" in body
    assert "+3" in body and "Found with a knife on Friday" in body
    assert "First assessment" in body
    assert (timezone.localdate() + timedelta(days=14)).strftime("%-d %B %Y") in body
    assert "What each item contributed" in body and "3 of 3" in body and "33 of 54" in body
    assert "Kai Testperson" in body
    assert AuditEvent.objects.filter(action="risk.view", object_id=str(record.pk)).exists()
    # A second, lower one shows the trend against the first.
    client.post(f"/risk/cases/{world.case.pk}/assess/", form_data(10, stage="review"))
    latest = RiskAssessment.objects.order_by("-assessed_at").first()
    assert latest is not None and latest.trend == "decreased"
    page = html(client.get(f"/risk/assessments/{latest.pk}/"))
    assert "Decreased: 36 on" in page and "Risk assessment of" in page
    detail = html(client.get(f"/cases/{world.case.pk}/"))
    assert "Earlier assessments" in detail and "10 out of 54" in detail


def test_the_review_stage_is_suggested_after_a_first_assessment(world, client_for):
    client = client_for("owner")
    url = f"/risk/cases/{world.case.pk}/assess/?instrument=cce_child"
    assert 'value="initial" checked' in html(client.get(url))
    client.post(f"/risk/cases/{world.case.pk}/assess/", form_data())
    assert 'value="review" checked' in html(client.get(url))


def test_who_reaches_the_risk_pages(personas, world, client_for):
    client_for("owner").post(f"/risk/cases/{world.case.pk}/assess/", form_data())
    record = RiskAssessment.objects.get()
    assert client_for("partner").get(f"/risk/assessments/{record.pk}/").status_code == 200
    assert client_for("outsider").get(f"/risk/assessments/{record.pk}/").status_code == 404
    assert client_for("partner").get(f"/risk/cases/{world.case.pk}/assess/").status_code == 403
    assert client_for("outsider").get(f"/risk/cases/{world.case.pk}/assess/").status_code == 404
    assert client_for("auditor").get(f"/risk/assessments/{record.pk}/").status_code == 403
    before = RiskAssessment.objects.count()
    refused = client_for("partner").post(f"/risk/cases/{world.case.pk}/assess/", form_data())
    assert refused.status_code == 403 and RiskAssessment.objects.count() == before


def test_a_closed_case_says_so(personas, world, client_for):
    case_close(
        actor=personas.owner,
        case=world.case,
        outcomes=["moved"],
        resolution="positively_resolved",
        summary="Moved",
    )
    body = html(client_for("owner").get(f"/risk/cases/{world.case.pk}/assess/"))
    assert "This case is closed" in body
    response = client_for("owner").post(f"/risk/cases/{world.case.pk}/assess/", form_data())
    assert "This case is closed" in html(response) and RiskAssessment.objects.count() == 0
