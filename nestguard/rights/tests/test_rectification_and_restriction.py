"""Rectification and objection (decided with reasons, the correction shown where the person
is read, the original kept) and restriction of processing (honoured by the door)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from nestguard.access import door
from nestguard.audit.models import AuditEvent
from nestguard.people.models import Person
from nestguard.rights.models import RightsDecision, RightsRequest
from nestguard.rights.services import processing_restriction_place
from nestguard.rights.tests.conftest import RightsWorld

pytestmark = pytest.mark.django_db


def _received_today() -> dict[str, int]:
    today = timezone.localdate()
    return {
        "received_on_day": today.day,
        "received_on_month": today.month,
        "received_on_year": today.year,
    }


def test_an_upheld_correction_shows_where_the_person_is_read_and_keeps_the_original(
    world: RightsWorld,
    personas,  # type: ignore[no-untyped-def]
) -> None:
    dpo = sign_in(Client(), world.dpo)
    response = dpo.post(
        reverse("rights:request_new", args=[world.victim.pk]),
        {
            "kind": "rectification",
            "record_description": "Person record",
            "field_label": "Date of birth",
            "original_value": "2 April 1990",
            "requested_value": "20 April 1990",
            "grounds": "Birth certificate shows the 20th",
            **_received_today(),
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode().split("<main")[-1][:2000]
    made = RightsRequest.objects.get(person=world.victim)

    owner = sign_in(Client(), personas.owner)
    person_page = reverse("people:detail", args=[world.victim.pk])
    assert "Corrected at the person" not in owner.get(person_page).content.decode()

    refused = dpo.post(reverse("rights:request_detail", args=[made.pk]), {"decision": "upheld"})
    assert "Enter the reasons for the decision" in refused.content.decode()
    dpo.post(
        reverse("rights:request_detail", args=[made.pk]),
        {"decision": "upheld", "reasons": "Certificate seen", "corrected_value": "20 April 1990"},
    )
    made.refresh_from_db()
    assert made.decision == RightsDecision.UPHELD
    page = owner.get(person_page).content.decode()
    assert "Corrected at the person" in page and "20 April 1990" in page
    world.victim.refresh_from_db()
    assert str(world.victim.date_of_birth) == "1990-04-02", "the original is kept"
    # Someone who cannot see the person does not see the correction either.
    assert sign_in(Client(), personas.outsider).get(person_page).status_code == 404
    assert AuditEvent.objects.filter(
        action="rights_request.decide", object_id=str(made.pk)
    ).exists()


def test_an_objection_is_logged_and_refused_with_reasons(world: RightsWorld) -> None:
    dpo = sign_in(Client(), world.dpo)
    dpo.post(
        reverse("rights:request_new", args=[world.victim.pk]),
        {
            "kind": "objection", "record_description": "Case chronology",
            "grounds": "Objects to the partnership holding the note",
            **_received_today(),
        },
    )  # fmt: skip
    made = RightsRequest.objects.get(person=world.victim, kind="objection")
    dpo.post(
        reverse("rights:request_detail", args=[made.pk]),
        {"decision": "refused", "reasons": "Compelling safeguarding grounds (Art. 21(1))"},
    )
    made.refresh_from_db()
    assert made.decision == RightsDecision.REFUSED and made.corrected_value == ""


def test_a_restriction_hides_the_person_from_case_work_until_lifted(
    world: RightsWorld,
    personas,  # type: ignore[no-untyped-def]
) -> None:
    owner = sign_in(Client(), personas.owner)
    person_page = reverse("people:detail", args=[world.victim.pk])
    assert owner.get(person_page).status_code == 200

    dpo = sign_in(Client(), world.dpo)
    rights_page = reverse("rights:person", args=[world.victim.pk])
    dpo.post(rights_page, {"action": "restrict", "grounds": "accuracy_contested",
                           "reason": "Date of birth disputed"})  # fmt: skip
    assert owner.get(person_page).status_code == 404
    case_page = reverse("cases:detail", args=[world.case.pk])
    warning = "records is restricted at their request"
    assert warning in owner.get(case_page).content.decode(), "the case team is told"
    assert (
        not door.visible(personas.owner, Person, purpose="case_work")
        .filter(pk=world.victim.pk)
        .exists()
    )
    assert (
        door.visible(world.dpo, Person, purpose="subject_access")
        .filter(pk=world.victim.pk)
        .exists()
    ), "answering the person's own rights goes on"
    assert "Processing restricted" in dpo.get(rights_page).content.decode()

    refused = dpo.post(rights_page, {"action": "lift"})
    assert "Enter why the restriction is lifted" in refused.content.decode()
    dpo.post(rights_page, {"action": "lift", "lift_reason": "Checked and corrected"})
    assert owner.get(person_page).status_code == 200
    assert warning not in owner.get(case_page).content.decode()
    actions = set(
        AuditEvent.objects.filter(object_id=str(world.victim.pk)).values_list("action", flat=True)
    )
    assert {"processing_restriction.place", "processing_restriction.lift"} <= actions


def test_only_a_dpo_restricts(world: RightsWorld, personas) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        processing_restriction_place(
            actor=personas.owner, person=world.victim, grounds="accuracy_contested", reason="x"
        )
    with pytest.raises(ValidationError):
        processing_restriction_place(
            actor=world.dpo, person=world.victim, grounds="nope", reason=""
        )


def test_a_restriction_hides_the_records_about_the_person_alone_and_the_sar_still_finds_them(
    world: RightsWorld,
    personas,  # type: ignore[no-untyped-def]
) -> None:
    from datetime import timedelta

    from nestguard.pathways.models import MissingEpisode
    from nestguard.pathways.services.missing import missing_episode_record
    from nestguard.rights.services import sar_log, sar_search

    episode = missing_episode_record(
        actor=personas.owner, person=world.victim, case=world.case, report_type="missing",
        risk_grade="low", category="missing_from_home", care_status="not_looked_after",
        started_at=timezone.now() - timedelta(hours=5),
    )  # fmt: skip
    assert door.visible(personas.owner, MissingEpisode).filter(pk=episode.pk).exists()
    processing_restriction_place(
        actor=world.dpo, person=world.victim, grounds="objection_pending", reason="Objection"
    )
    for purpose in (None, "case_work", "panel", "reporting"):
        assert (
            not door.visible(personas.owner, MissingEpisode, purpose=purpose)
            .filter(pk=episode.pk)
            .exists()
        ), purpose
    sar = sar_log(actor=world.dpo, person=world.victim, received_on=timezone.localdate())
    found = {item.object_type for item in sar_search(actor=world.dpo, request=sar)}
    assert {"person", "missingepisode", "case"} <= found
