"""Addresses are matched to the register as they arrive (issue 4, point 6; decision 0042):
an agency's record sent through the API or imported from a file, and a referral submitted
by its pages or the API, get their AddressMatch at once, with no linkage run. The register's
in-memory index is rebuilt when the register changes, and the batch never matches twice."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import Personas, sign_in
from nestguard.accounts.services import api_token_create
from nestguard.audit.models import AuditEvent
from nestguard.linkage.address_index import (
    CATCH_UP_WINDOW,
    address_index,
    build_address_index,
    forget_address_index,
    ready_address_index,
    wait_for_build,
)
from nestguard.linkage.models import AddressMatch, ImportBatch, LinkageRun, SourceRecord
from nestguard.linkage.services.addresses import (
    _store,
    _waiting_batches,
    address_matches_refresh,
    addresses_catch_up,
)
from nestguard.linkage.services.imports import ImportRejected, source_records_import
from nestguard.linkage.tests.builders import record
from nestguard.places.models import Address
from nestguard.places.services.register import address_register_import
from nestguard.referrals.models import Referral
from nestguard.referrals.tests.helpers import complete_draft, submitted
from nestguard.referrals.tests.test_api import doc_example
from tests.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

# Strings whose confidence against the `register` fixture falls in each band of
# data/thresholds.json (accept 0.95, review 0.5), as a record's fields and as a referral's.
CLEAR = {"address_line1": "3 Mill Lane", "town": "Northbrook", "postcode": "NB2 4CD"}
NO_POSTCODE = {"address_line1": "3 Mill Lane", "town": "Northbrook"}
NOWHERE = {"address_line1": "The Old Barn", "town": "Northbrook", "postcode": "ZZ9 9ZZ"}
REFERRAL_CLEAR = {"line1": "3 Mill Lane", "town": "Northbrook", "postcode": "NB2 4CD"}
REFERRAL_UNSURE = {"line1": "Mill Lane", "town": "Northbrook", "postcode": "NB2 4CD"}
REFERRAL_NOWHERE = {"line1": "5 Mill Lane", "town": "Northbrook", "postcode": "NB2 4CD"}
MILL_LANE = "100000000004"


@pytest.fixture
def reviewer(personas: Personas):  # type: ignore[no-untyped-def]
    """A data officer of the hub, which shares an agreement with the police and the school."""
    return UserFactory(username="data.officer", agency=personas.hub, roles=["linkage_reviewer"])


def api_client(user: Any) -> Client:
    _, token = api_token_create(actor=None, user=user)
    return Client(headers={"Authorization": f"Bearer {token}"})


# ---------------------------------------------------------------------------------------------
# Agencies' records


def test_a_record_sent_through_the_api_is_matched_as_it_arrives(personas, register) -> None:  # type: ignore[no-untyped-def]
    body = {"system": "Niche RMS", "record_id": "PER-1", "given_name": "Ann", **CLEAR}
    client = api_client(personas.partner)
    response = client.post("/api/v1/source-records/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    match = AddressMatch.objects.get(source_record_id=response.json()["id"])
    assert (match.status, match.uprn, match.agency) == ("matched", MILL_LANE, personas.police)
    assert match.text == "3 Mill Lane, Northbrook, NB2 4CD"
    event = AuditEvent.objects.get(action="address_match.record")
    assert event.object_id == response.json()["id"] and event.details == {"addresses_matched": 1}
    assert not LinkageRun.objects.exists()
    again = client.post("/api/v1/source-records/", body, content_type="application/json")
    assert again.status_code == 200  # already held: no second match
    assert AddressMatch.objects.count() == 1


@pytest.mark.parametrize(
    ("address", "status", "uprn"),
    [
        (CLEAR, "matched", MILL_LANE),
        (NO_POSTCODE, "pending", MILL_LANE),
        (NOWHERE, "unmatched", ""),
    ],
)
def test_each_status_is_reached_on_arrival(personas, register, address, status, uprn) -> None:  # type: ignore[no-untyped-def]
    made = record(personas.partner, "P1", given_name="Ann", **address)
    match = AddressMatch.objects.get(source_record=made)
    assert (match.status, match.uprn) == (status, uprn)


def test_an_unsure_match_is_in_the_review_queue_without_a_run(personas, register, reviewer) -> None:  # type: ignore[no-untyped-def]
    made = record(personas.partner, "P1", given_name="Ann", **NO_POSTCODE)
    page = sign_in(Client(), reviewer).get("/person-index/addresses/").content.decode()
    match = AddressMatch.objects.get(source_record=made)
    assert f"/person-index/addresses/{match.pk}/" in page and "3 Mill Lane, Northbrook" in page
    assert not LinkageRun.objects.exists()


@pytest.mark.parametrize("address", [{}, {"town": "Northbrook"}])
def test_a_record_without_an_address_gets_no_match(personas, register, address) -> None:  # type: ignore[no-untyped-def]
    record(personas.partner, "P1", given_name="Ann", **address)
    assert not AddressMatch.objects.exists()
    assert not AuditEvent.objects.filter(action="address_match.record").exists()


HEADER = "record_id,given_name,address_line1,town,postcode"
FILE = "\n".join(
    [
        HEADER,
        "S-1,Ann,3 Mill Lane,Northbrook,NB2 4CD",
        "S-2,Bob,3 Mill Lane,Northbrook,",
        "S-3,Cat,The Old Barn,Northbrook,ZZ9 9ZZ",
        "S-4,Dan,,,",
    ]
)


def test_an_imported_file_is_matched_in_one_go(personas, register, reviewer) -> None:  # type: ignore[no-untyped-def]
    result = source_records_import(actor=reviewer, system="School MIS", data=FILE.encode())
    assert result.addresses == {
        "addresses_matched": 1,
        "addresses_pending": 1,
        "addresses_unmatched": 1,
    }
    statuses = dict(AddressMatch.objects.values_list("source_record__record_id", "status"))
    assert statuses == {"S-1": "matched", "S-2": "pending", "S-3": "unmatched"}
    event = AuditEvent.objects.get(action="address_match.record")  # one for the whole file
    assert event.object_id == str(result.batch.pk) and event.details == result.addresses


def test_a_rejected_file_leaves_no_matches(personas, register, reviewer) -> None:  # type: ignore[no-untyped-def]
    bad = FILE + "\nS-5,Eve,1 Mill Lane,Northbrook,NB2 4CD,one cell too many"
    with pytest.raises(ImportRejected):
        source_records_import(actor=reviewer, system="School MIS", data=bad.encode())
    assert not SourceRecord.objects.exists() and not AddressMatch.objects.exists()
    assert not AuditEvent.objects.filter(action="address_match.record").exists()


def test_an_import_that_fails_after_matching_leaves_no_matches(
    personas, register, reviewer
) -> None:  # type: ignore[no-untyped-def]
    """The matches are written in the import's own transaction: when the work around the
    import fails (here, the caller's transaction), records and matches go together."""

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        source_records_import(actor=reviewer, system="School MIS", data=FILE.encode())
        assert AddressMatch.objects.count() == 3
        raise Abandoned
    assert not ImportBatch.objects.exists() and not AddressMatch.objects.exists()


# ---------------------------------------------------------------------------------------------
# Referrals


def test_a_referral_submitted_by_its_pages_is_matched(personas, register) -> None:  # type: ignore[no-untyped-def]
    draft = complete_draft(personas.referrer, address=REFERRAL_CLEAR)
    client = sign_in(Client(), personas.referrer)
    response = client.post(f"/referrals/{draft.pk}/check/")
    assert response.status_code == 302
    match = AddressMatch.objects.get(referral=draft)
    assert (match.status, match.uprn, match.agency) == ("matched", MILL_LANE, personas.school)
    assert match.text == "3 Mill Lane, Northbrook, NB2 4CD"


def test_a_referral_made_through_the_api_is_matched(personas, register, reviewer) -> None:  # type: ignore[no-untyped-def]
    body = doc_example("POST /api/v1/referrals/")
    body["address"] = {**body["address"], **REFERRAL_UNSURE}
    response = api_client(personas.partner).post(
        "/api/v1/referrals/", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    match = AddressMatch.objects.get(referral_id=response.json()["id"])
    assert (match.status, match.agency) == ("pending", personas.police)
    page = sign_in(Client(), reviewer).get("/person-index/addresses/").content.decode()
    assert f"/person-index/addresses/{match.pk}/" in page


def test_a_draft_or_an_address_not_known_gets_no_match(personas, register) -> None:  # type: ignore[no-untyped-def]
    complete_draft(personas.referrer, address=REFERRAL_CLEAR)  # a draft is not matched
    submitted(personas.referrer, address={"not_known": True, "not_known_reason": "Sleeping rough"})
    assert not AddressMatch.objects.exists()
    assert address_matches_refresh(actor=None) == {}  # nor by the batch


def test_a_bad_referral_changes_nothing(personas, register) -> None:  # type: ignore[no-untyped-def]
    body = doc_example("POST /api/v1/referrals/")
    body["urgency"] = "whenever"
    response = api_client(personas.partner).post(
        "/api/v1/referrals/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert not AddressMatch.objects.exists()


@pytest.mark.parametrize(
    ("address", "line"),
    [
        (
            {**REFERRAL_CLEAR, "line1": "3 Mill Ln"},  # the page shows the register's version
            f"Matched to the register: 3 Mill Lane, Northbrook, NB2 4CD (UPRN {MILL_LANE}), "
            "confidence 99%",
        ),
        (REFERRAL_UNSURE, "Waiting for a data officer to confirm the address"),
        (REFERRAL_NOWHERE, "Not found in the register"),
    ],
)
def test_the_referral_pages_say_how_the_address_matched(
    personas, register, client_for, address, line
) -> None:  # type: ignore[no-untyped-def]
    referral = submitted(personas.referrer, address=address)
    triage = client_for("owner").get(f"/referrals/{referral.pk}/").content.decode()
    own = client_for("referrer").get(f"/referrals/{referral.pk}/status/").content.decode()
    for page in (triage, own):
        assert "Address register" in page and line in page


def test_a_referral_without_a_match_shows_no_register_row(personas, client_for) -> None:  # type: ignore[no-untyped-def]
    referral = submitted(
        personas.referrer, address={"not_known": True, "not_known_reason": "Sleeping rough"}
    )
    page = client_for("referrer").get(f"/referrals/{referral.pk}/status/").content.decode()
    assert "Address register" not in page


# ---------------------------------------------------------------------------------------------
# The register's index, and the batch


def test_the_index_is_kept_until_the_register_changes(personas, register) -> None:  # type: ignore[no-untyped-def]
    first = address_index()
    assert address_index() is first  # nothing changed: the same index
    pending = record(personas.partner, "P1", given_name="Ann", address_line1="9 Wharf Road",
                     postcode="NB3 1XY")  # fmt: skip
    assert AddressMatch.objects.get(source_record=pending).status == "unmatched"
    AddressFactory(uprn="100000000009", line1="9 Wharf Road", postcode="NB3 1XY")
    assert address_index() is not first  # a register row added: rebuilt
    found = record(personas.partner, "P2", given_name="Bob", address_line1="9 Wharf Road",
                   town="Northbrook", postcode="NB3 1XY")  # fmt: skip
    match = AddressMatch.objects.get(source_record=found)
    assert (match.status, match.uprn) == ("matched", "100000000009")


REGISTER_HEADER = (
    "uprn,address_line1,address_line2,town,postcode,easting,northing,latitude,longitude,"
    "ward,tenure,landlord"
)


def test_a_register_import_that_changes_an_address_rebuilds_the_index(personas) -> None:  # type: ignore[no-untyped-def]
    def register_file(line1: str) -> io.StringIO:
        row = f"770000000001,{line1},,Northbrook,NB1 4ZG,402100,397100,,,Central,council,"
        return io.StringIO(f"{REGISTER_HEADER}\n{row}\n")

    address_register_import(actor=None, stream=register_file("12 Sedgemoor Grove"))
    before = address_index()
    address_register_import(actor=None, stream=register_file("12 Sedgemoor Grove"))
    assert address_index() is before  # unchanged rows: the same index
    address_register_import(actor=None, stream=register_file("12 Sedgemoor Close"))
    assert address_index() is not before  # same count, a changed address: rebuilt
    made = record(personas.partner, "P1", given_name="Ann", address_line1="12 Sedgemoor Close",
                  town="Northbrook", postcode="NB1 4ZG")  # fmt: skip
    assert AddressMatch.objects.get(source_record=made).uprn == "770000000001"


def test_the_batch_matches_only_what_has_no_match_yet(personas, register) -> None:  # type: ignore[no-untyped-def]
    records = [record(personas.partner, f"P{n}", given_name="Ann", **CLEAR) for n in range(3)]
    submitted(personas.referrer, address=REFERRAL_CLEAR)
    assert AddressMatch.objects.count() == 4
    assert address_matches_refresh(actor=None) == {}  # everything was matched on arrival
    # A record from before matching on arrival (its match removed to stand for one).
    AddressMatch.objects.filter(source_record=records[0]).delete()
    assert address_matches_refresh(actor=None) == {"addresses_matched": 1}
    assert AddressMatch.objects.count() == 4
    assert AddressMatch.objects.filter(source_record=records[0]).count() == 1


# ---------------------------------------------------------------------------------------------
# Warming up: no request builds the index (decision 0081)


def test_a_referral_sent_while_the_index_warms_up_is_sent_and_matched_afterwards(
    personas, register, client_for, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_CANDIDATE_INDEX_BUILD = "background"
    forget_address_index()
    try:
        referral = submitted(personas.referrer, address=REFERRAL_CLEAR)
    finally:
        # The build started by the submission runs on its own connection, outside this
        # test's transaction; whatever it found, this test goes on with its own.
        assert wait_for_build(timeout=60)
    assert referral.status == "submitted" and not AddressMatch.objects.exists()
    triage = client_for("owner").get(f"/referrals/{referral.pk}/").content.decode()
    assert "Address matching is warming up; it will be matched shortly" in triage

    counts = addresses_catch_up(index=address_index())
    assert counts == {"addresses_matched": 1}
    match = AddressMatch.objects.get(referral=referral)
    assert (match.status, match.uprn) == ("matched", MILL_LANE)
    triage = client_for("owner").get(f"/referrals/{referral.pk}/").content.decode()
    assert "warming up" not in triage and "Matched to the register" in triage
    assert addresses_catch_up(index=address_index()) == {}  # never twice


def test_two_catch_ups_at_once_store_each_match_once(personas, register) -> None:  # type: ignore[no-untyped-def]
    """Two web processes that finish their index builds together both match what waited:
    the one that stores second skips what the first stored (it failed the whole batch on
    the unique referral before, seen under load at scale 160)."""
    referral = submitted(personas.referrer, address=REFERRAL_CLEAR)
    AddressMatch.objects.filter(referral=referral).delete()
    index = address_index()
    second = next(_waiting_batches(index, timezone.now() - CATCH_UP_WINDOW))
    assert addresses_catch_up(index=index) == {"addresses_matched": 1}  # the first process
    assert _store(actor=None, made=second, about=None, label="catch-up", purpose="test") == {}
    assert AddressMatch.objects.filter(referral=referral).count() == 1


def test_no_request_builds_the_index_in_background_mode(personas, register, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_CANDIDATE_INDEX_BUILD = "background"
    forget_address_index()
    try:
        assert ready_address_index() is None  # answered at once, without an index
    finally:
        assert wait_for_build(timeout=60)
    settings.NESTGUARD_CANDIDATE_INDEX_BUILD = "inline"
    assert ready_address_index() is not None  # the tests' mode builds and waits


def test_an_arrival_counts_the_register_only_now_and_then(personas, register, settings) -> None:  # type: ignore[no-untyped-def]
    """Decision 0130: a web process learns whether its index is current from the register's
    latest change (one index step) on every arrival, and counts the register (every entry of
    an index: 51 to 66 ms at scale 160, inside the referral's write transaction) at most once
    every NESTGUARD_ADDRESS_RECOUNT_SECONDS; an addition is seen at once, a removal (which
    nothing in Nestguard makes) once the recount is due."""
    settings.NESTGUARD_CANDIDATE_INDEX_BUILD = "background"
    settings.NESTGUARD_ADDRESS_RECOUNT_SECONDS = 3600
    forget_address_index()
    held = build_address_index()  # as the start-up build or the job leaves it
    with CaptureQueriesContext(connection) as asked:
        assert ready_address_index() is held
    assert len(asked) == 1 and "COUNT(" not in asked[0]["sql"].upper()

    # A removal alone, as from the shell: unseen until the recount is due ...
    Address.objects.filter(uprn="100000000003").delete()
    assert ready_address_index() is held
    settings.NESTGUARD_ADDRESS_RECOUNT_SECONDS = 0
    try:
        assert ready_address_index() is None  # ... then seen: a build is started
    finally:
        assert wait_for_build(timeout=60)
    recounted = build_address_index()
    assert recounted is not held

    # An addition moves the latest change: seen by the next arrival, whatever the interval.
    settings.NESTGUARD_ADDRESS_RECOUNT_SECONDS = 3600
    assert ready_address_index() is recounted
    AddressFactory(uprn="100000000009", line1="9 Wharf Road", postcode="NB3 1XY")
    try:
        assert ready_address_index() is None
    finally:
        assert wait_for_build(timeout=60)


def test_an_old_referral_without_a_match_is_left_to_the_batch(
    personas, register, client_for
) -> None:  # type: ignore[no-untyped-def]
    referral = submitted(personas.referrer, address=REFERRAL_CLEAR)
    AddressMatch.objects.filter(referral=referral).delete()
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=timezone.now() - CATCH_UP_WINDOW - timedelta(hours=1)
    )
    assert addresses_catch_up(index=address_index()) == {}
    page = client_for("owner").get(f"/referrals/{referral.pk}/").content.decode()
    assert "warming up" not in page
    assert address_matches_refresh(actor=None) == {"addresses_matched": 1}
