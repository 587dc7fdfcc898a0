"""The services directory (decision 0108): loaded from its data file without overwriting the
partnership's record, kept by directory editors with every change versioned and audited,
retired rather than deleted, read by all; onward referrals choose from it, their eligibility
read from the row at the time, and a service's follow-up clock reaches the due view."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from conftest import sign_in
from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.cases.models import CaseAddress
from nestguard.core.calendar import add_months
from nestguard.core.clocks import due_items
from nestguard.core.versioning import ConflictError
from nestguard.directory.models import FollowUpFrom, Service
from nestguard.directory.selectors import service_history
from nestguard.directory.services import (
    DATA_FILE,
    data_file_services,
    load_missing_services,
    service_add,
    service_edit,
    service_set_active,
)
from nestguard.pathways.models import OnwardReferral
from nestguard.pathways.services.onward import (
    next_statuses,
    onward_referral_send,
    onward_referral_update,
)
from tests.factories import AddressFactory, AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

AFTERCARE = {
    "name": "Launchpad programme",
    "category": "employment",
    "provider": "Crown Youth Foundation",
    "description": "A course and a route into work, with aftercare.",
    "min_age": 18,
    "max_age": 30,
    "consent_required": True,
    "support_levels": ["Explore", "Achieve", "Develop"],
    "follow_up_months": 3,
    "follow_up_from": FollowUpFrom.COMPLETED,
    "follow_up_label": "Aftercare ends",
}


@pytest.fixture
def editor():  # type: ignore[no-untyped-def]
    """A directory editor at a voluntary agency with no sharing agreement: the role alone."""
    agency = AgencyFactory(name="Northbrook Community Links", type="voluntary")
    return UserFactory(username="links", agency=agency, roles=["directory_editor"])


@pytest.fixture
def aftercare(editor):  # type: ignore[no-untyped-def]
    return service_add(editor, code="launchpad", **AFTERCARE)


def details(service: Service, **changes: Any) -> dict[str, Any]:
    return {**{f: getattr(service, f) for f in Service.details()}, **changes}


# --- the data file and its loading ---------------------------------------------------------


def test_every_service_of_the_data_file_is_in_the_database_after_migrating() -> None:
    codes = set(Service.objects.values_list("code", flat=True))
    assert {row["code"] for row in data_file_services()} <= codes
    assert all(row["eligibility_source"] for row in data_file_services())


def test_prevent_is_the_councils_not_the_polices() -> None:
    prevent = Service.objects.get(code="prevent_channel")
    assert "Council" in prevent.provider and "Police" not in prevent.provider
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    entry = next(s for s in raw["services"] if s["code"] == "prevent_channel")
    assert "Channel duty guidance" in entry["provider_source"]


def test_a_release_adds_missing_services_and_keeps_the_partnerships_record(editor) -> None:
    mash = Service.objects.get(code="mash")
    service_edit(editor, record=mash, **details(mash, description="Our own words."))
    Service.objects.filter(code="early_help").delete()  # as if it came with a later release
    assert load_missing_services() == 1
    assert Service.objects.get(code="mash").description == "Our own words."
    assert Service.objects.filter(code="early_help").exists()
    assert load_missing_services() == 0


# --- keeping the directory ---------------------------------------------------------------------


def test_an_editor_adds_edits_and_retires_with_every_change_kept_and_audited(editor) -> None:
    added = service_add(editor, code="launchpad", **AFTERCARE)
    assert added.support_levels == ["Explore", "Achieve", "Develop"]
    service_edit(
        editor, record=added, expected_version=1, **details(added, max_age=25, wards_any=["Canal"])
    )
    service_set_active(editor, record=added, active=False, expected_version=2)
    added.refresh_from_db()
    assert (added.max_age, added.active, added.version) == (25, False, 3)
    history = service_history(added)
    assert [r.version for r in history] == [3, 2]
    assert history[0].changes == {"active": [True, False]}
    assert history[1].changes["max_age"] == [30, 25]
    assert history[1].changed_by == editor
    actions = list(
        AuditEvent.objects.filter(object_label="launchpad").values_list("action", flat=True)
    )
    assert sorted(actions) == [
        "directory.service_add", "directory.service_edit", "directory.service_retire",
    ]  # fmt: skip
    service_set_active(editor, record=added, active=True)
    assert Service.objects.get(code="launchpad").active


def test_a_save_over_someone_elses_is_refused_with_what_changed(editor, aftercare) -> None:
    stale = Service.objects.get(pk=aftercare.pk)
    service_edit(editor, record=aftercare, expected_version=1, **details(aftercare, min_age=16))
    with pytest.raises(ConflictError) as exc:
        service_edit(editor, record=stale, expected_version=1, **details(stale, max_age=29))
    assert "Youngest age was 18; it is now 16." in exc.value.messages
    assert Service.objects.get(pk=aftercare.pk).max_age == 30


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"min_age": 30, "max_age": 18}, "max_age"),
        ({"min_age": 121}, "min_age"),
        ({"name": " "}, "name"),
        ({"category": "astrology"}, "category"),
        ({"concern_types_any": ["not_a_concern"]}, "concern_types_any"),
        ({"subject_roles_any": ["bystander"]}, "subject_roles_any"),
        ({"follow_up_from": ""}, "follow_up_from"),
        ({"follow_up_months": None}, "follow_up_months"),
        ({"follow_up_label": ""}, "follow_up_label"),
        ({"support_levels": ["x" * 201]}, "support_levels"),
    ],
)
def test_bad_details_are_refused_and_nothing_changes(editor, aftercare, changes, field) -> None:
    with pytest.raises(ValidationError) as exc:
        service_edit(editor, record=aftercare, **details(aftercare, **changes))
    assert field in exc.value.message_dict
    aftercare.refresh_from_db()
    assert (aftercare.version, aftercare.name, aftercare.min_age) == (1, AFTERCARE["name"], 18)


def test_codes_are_unique_and_shaped(editor, aftercare) -> None:
    for code, message in (("launchpad", "already has"), ("Launch Pad", "lower-case")):
        with pytest.raises(ValidationError) as exc:
            service_add(editor, code=code, **AFTERCARE)
        assert message in exc.value.message_dict["code"][0]


def test_only_directory_editors_managers_and_administrators_keep_it(personas, aftercare) -> None:
    for user in (personas.owner, personas.supervisor, personas.referrer, personas.auditor):
        with pytest.raises(PermissionDenied):
            service_edit(user, record=aftercare, **details(aftercare, max_age=25))
        with pytest.raises(PermissionDenied):
            service_set_active(user, record=aftercare, active=False)
    manager = UserFactory(username="manager", roles=["partnership_manager"])
    service_edit(manager, record=aftercare, **details(aftercare, max_age=25))
    service_edit(personas.admin, record=aftercare, **details(aftercare, max_age=26))


# --- pages -----------------------------------------------------------------------------------


def test_everyone_reads_the_active_services_and_editors_see_the_retired(
    personas, editor, aftercare
) -> None:
    service_set_active(editor, record=Service.objects.get(code="early_help"), active=False)
    page = sign_in(Client(), personas.referrer).get("/directory/").content.decode()
    assert "Launchpad programme" in page and "Ages 18 to 30" in page and "Achieve" in page
    assert "Aftercare ends: 3 months after the service completes its work" in page
    assert "Early help" not in page and "/directory/launchpad/change/" not in page
    as_editor = sign_in(Client(), editor).get("/directory/").content.decode()
    assert "Retired services" in as_editor and "Early help" in as_editor
    assert "/directory/launchpad/change/" in as_editor


def test_the_pages_add_change_and_retire_with_history(editor, aftercare) -> None:
    client = sign_in(Client(), editor)
    bad = client.post("/directory/new/", {"code": "Bad code", "name": "", "category": "x"})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "govuk-error-summary" in body and body.count("<title>Error: ") == 1
    assert not Service.objects.filter(code="Bad code").exists()

    form = {
        "code": "homeward_line", "name": "Homeward Line", "category": "missing",
        "provider": "Homeward Line charity", "description": "A helpline.",
        "consent_required": "no", "support_levels": "Helpline\nFamily support",
        "follow_up_from": "",
    }  # fmt: skip
    shaped = client.post("/directory/new/", {**form, "code": "Homeward Line"}).content.decode()
    assert "Enter a code of lower-case letters" in shaped
    added = client.post("/directory/new/", form)
    assert added.status_code == 302 and added["Location"].endswith("#service-homeward_line")
    line = Service.objects.get(code="homeward_line")
    assert line.support_levels == ["Helpline", "Family support"] and line.min_age is None

    change = {**form, "name": "Homeward Line helpline", "version": "1"}
    del change["code"]
    saved = client.post("/directory/homeward_line/change/", change)
    assert saved.status_code == 302
    # The message is read after the save: the new name (the add's message is still unread).
    assert [str(m) for m in get_messages(saved.wsgi_request)][-1] == "Saved: Homeward Line helpline"
    page = client.get("/directory/homeward_line/change/").content.decode()
    assert "Earlier versions" in page and "Homeward Line helpline" in page
    assert "<strong>Name</strong> was: Homeward Line;" in page

    reversed_ages = {**change, "min_age": "20", "max_age": "10", "version": "2"}
    refused = client.post("/directory/homeward_line/change/", reversed_ages).content.decode()
    assert "The oldest age must be the same as or more than the youngest age" in refused
    assert Service.objects.get(code="homeward_line").version == 2

    assert client.get("/directory/homeward_line/retire/").status_code == 200
    retired = client.post("/directory/homeward_line/retire/", {"version": "2"})
    assert retired.status_code == 302
    assert not Service.objects.get(code="homeward_line").active
    assert [str(m) for m in get_messages(retired.wsgi_request)][-1] == (
        "Retired: Homeward Line helpline"
    )
    assert client.get("/directory/no_such_service/change/").status_code == 404


def test_the_editing_pages_answer_403_to_others(personas, aftercare) -> None:
    client = sign_in(Client(), personas.owner)
    for url in ("/directory/new/", "/directory/launchpad/change/", "/directory/launchpad/retire/"):
        assert client.get(url).status_code == 403, url
    assert client.post("/directory/launchpad/retire/", {"version": "1"}).status_code == 403
    assert Service.objects.get(code="launchpad").active


# --- onward referrals --------------------------------------------------------------------------


def send(pw, **overrides):  # type: ignore[no-untyped-def]
    values = dict(
        actor=pw.personas.owner, case=pw.case, person=pw.adult, service="launchpad",
        reason="Wants a course", consent_given=True,
    )  # fmt: skip
    values.update(overrides)
    return onward_referral_send(**values)


def test_eligibility_is_read_from_the_row_when_the_referral_is_sent(pw, editor, aftercare) -> None:
    # The adult is 34: the programme takes 18 to 30 ...
    with pytest.raises(ValidationError) as exc:
        send(pw)
    assert exc.value.message_dict["service"] == [
        "The service is for people aged 30 or under; they are 34"
    ]
    # ... until the partnership widens it, and the next referral is checked against that.
    service_edit(editor, record=aftercare, **details(aftercare, max_age=35))
    assert send(pw).service == "launchpad"


def test_roles_and_wards_are_rules_too(pw, editor, aftercare) -> None:
    service_edit(
        editor, record=aftercare,
        **details(aftercare, max_age=None, subject_roles_any=["suspected_exploiter"]),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        send(pw)
    assert exc.value.message_dict["service"] == [
        "The service takes only someone named on the case as: suspected exploiter"
    ]
    service_edit(
        editor, record=aftercare,
        **details(aftercare, max_age=None, subject_roles_any=[], wards_any=["Canalside"]),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        send(pw)
    assert "Canalside" in exc.value.message_dict["service"][0]
    CaseAddress.objects.create(case=pw.case, address=AddressFactory(ward="canalside"))
    assert send(pw).status == "sent"


def test_a_retired_service_takes_no_new_referrals_and_old_ones_keep_it(
    pw, editor, aftercare
) -> None:
    service_edit(editor, record=aftercare, **details(aftercare, max_age=None))
    referral = send(pw)
    service_set_active(editor, record=aftercare, active=False)
    with pytest.raises(ValidationError) as exc:
        send(pw)
    assert exc.value.message_dict["service"] == ["Choose a service from the directory"]
    page = sign_in(Client(), pw.personas.owner).get(f"/services/referrals/{referral.pk}/")
    assert "Launchpad programme" in page.content.decode()
    assert "since been retired" in page.content.decode()


def test_the_aftercare_clock_runs_from_completion_to_the_due_view(pw, editor, aftercare) -> None:
    service_edit(editor, record=aftercare, **details(aftercare, max_age=None))
    owner = pw.personas.owner
    today = timezone.localdate()
    referral = send(pw)
    assert next_statuses(referral) == ["accepted", "declined"]
    onward_referral_update(actor=owner, referral=referral, status="accepted")
    assert referral.follow_up_due_on is None
    assert next_statuses(referral) == ["completed"], "no follow-up before the clock starts"
    onward_referral_update(actor=owner, referral=referral, status="completed", outcome="Done")
    due_on = add_months(today, 3)
    assert (referral.follow_up_due_on, referral.follow_up_label) == (due_on, "Aftercare ends")
    # A later change of the service moves no date already set.
    service_edit(editor, record=aftercare, **details(aftercare, max_age=None, follow_up_months=6))
    referral.refresh_from_db()
    assert referral.follow_up_due_on == due_on

    def mine() -> list[str]:
        return [i.title for i in due_items(owner) if i.source == "onward_follow_up"]

    assert mine() == [], "three months away: beyond the view's horizon"
    OnwardReferral.objects.filter(pk=referral.pk).update(follow_up_due_on=today)
    referral.refresh_from_db()
    assert mine() == [f"Follow up onward referral {referral.reference}: Aftercare ends"]
    assert [i.title for i in due_items(pw.personas.outsider)] == []

    assert next_statuses(referral) == ["followed_up"]
    with pytest.raises(ValidationError) as exc:
        onward_referral_update(actor=owner, referral=referral, status="followed_up")
    assert exc.value.message_dict["note"] == ["Say how the follow-up went"]
    onward_referral_update(
        actor=owner, referral=referral, status="followed_up", note="In work; no concerns"
    )
    assert referral.followed_up_on == today and mine() == []


def test_a_service_without_a_clock_offers_no_follow_up(pw) -> None:
    referral = send(pw, service="adult_safeguarding_enquiry")
    onward_referral_update(actor=pw.personas.owner, referral=referral, status="accepted")
    onward_referral_update(
        actor=pw.personas.owner, referral=referral, status="completed", outcome="Enquiry closed"
    )
    assert referral.follow_up_due_on is None and next_statuses(referral) == []
    with pytest.raises(ValidationError):
        onward_referral_update(
            actor=pw.personas.owner, referral=referral, status="followed_up", note="x"
        )


# --- the API ---------------------------------------------------------------------------------


def test_the_api_lists_active_services_and_refuses_ineligible_referrals(
    pw, editor, aftercare
) -> None:
    _, token = api_token_create(actor=None, user=pw.personas.owner)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    service_set_active(editor, record=Service.objects.get(code="early_help"), active=False)
    listing = client.get("/api/v1/services/").json()
    codes = {row["code"] for row in listing["results"]}
    assert "launchpad" in codes and "early_help" not in codes
    launchpad = next(row for row in listing["results"] if row["code"] == "launchpad")
    assert launchpad["support_levels"] == ["Explore", "Achieve", "Develop"]
    assert (launchpad["follow_up_months"], launchpad["follow_up_from"]) == (3, "completed")

    body = {
        "case_id": str(pw.case.pk), "person_id": str(pw.adult.pk), "service": "launchpad",
        "reason": "Wants a course", "consent_given": True,
    }  # fmt: skip
    refused = client.post("/api/v1/onward-referrals/", body, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["service"] == ["The service is for people aged 30 or under; they are 34"]
    assert not OnwardReferral.objects.exists()
    retired = {**body, "service": "early_help"}
    answer = client.post("/api/v1/onward-referrals/", retired, content_type="application/json")
    assert answer.status_code == 400 and "service" in answer.json()
    assert Client().get("/api/v1/services/").status_code == 401
