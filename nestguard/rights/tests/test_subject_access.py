"""Subject access from logging to the disclosure pack, through the pages a data protection
officer uses: the clock, the search across apps and agencies through the person index, the
redaction review with exemptions, the pack (PDF and JSON) without what was withheld, and the
audit of every step."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import sign_in
from nestguard.audit.models import AuditEvent
from nestguard.core.clocks import due_items
from nestguard.jobs.worker import drain
from nestguard.rights.models import DisclosurePack, SarItem, SarStatus, SubjectAccessRequest
from nestguard.rights.tests.conftest import THIRD_PARTY_NOTE, RightsWorld

pytestmark = [
    pytest.mark.django_db,
]


def _log(client: Client, world: RightsWorld, day: date) -> SubjectAccessRequest:
    response = client.post(
        reverse("rights:person", args=[world.victim.pk]),
        {
            "action": "log_sar",
            "received_on_day": day.day,
            "received_on_month": day.month,
            "received_on_year": day.year,
            "requester_note": "By letter; identity checked against a passport.",
        },
    )
    assert response.status_code == 302, response.content.decode().split("<main")[-1][:3000]
    return SubjectAccessRequest.objects.get(person=world.victim)


def _act(client: Client, sar: SubjectAccessRequest, **data: object) -> None:
    response = client.post(reverse("rights:sar_detail", args=[sar.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def _item(sar: SubjectAccessRequest, object_type: str) -> SarItem:
    return SarItem.objects.get(request=sar, object_type=object_type)


# The dates are the point here: a month from 25 November 2026 is Friday 25 December, and the
# next working day after Christmas, Boxing Day (a Saturday, so Monday 28th is the substitute)
# is Tuesday 29 December. The test runs on a day after the request was received.
AFTER_RECEIPT = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)


@pytest.mark.time_machine(AFTER_RECEIPT)
def test_a_request_runs_from_log_to_pack_and_the_pack_holds_nothing_withheld(
    world: RightsWorld,
) -> None:
    client = sign_in(Client(), world.dpo)
    sar = _log(client, world, date(2026, 11, 25))
    assert sar.due_on == date(2026, 12, 29)

    _act(client, sar, action="search")
    sar.refresh_from_db()
    assert sar.status == SarStatus.REVIEW
    found = set(SarItem.objects.filter(request=sar).values_list("object_type", flat=True))
    # The person, the case, its chronology (the note) and the police record the person
    # index links to the person: across apps and agencies.
    assert {"person", "case", "chronologyentry", "sourcerecord"} <= found
    police = _item(sar, "sourcerecord")
    assert ["Their reference", "PN-4411"] in police.fields
    note = next(
        item
        for item in SarItem.objects.filter(request=sar, object_type="chronologyentry")
        if ["Text", THIRD_PARTY_NOTE] in item.fields
    )

    # The reviewer withholds the third party's part of the note, and the police record.
    _act(client, sar, action="redact", item=note.position, field_label="Text",
         exemption="third_party", note="Names another person")  # fmt: skip
    _act(client, sar, action="redact", item=police.position, field_label="",
         exemption="crime_prevention")  # fmt: skip
    page = client.get(reverse("rights:sar_detail", args=[sar.pk])).content.decode()
    assert "Withheld" in page and "Sch 2 Part 3 para 16" in page

    _act(client, sar, action="pack")
    assert not DisclosurePack.objects.exists(), "the job queue writes the pack"
    assert drain() == 1
    pack = DisclosurePack.objects.get(request=sar)
    assert pack.items_withheld == 1

    pdf = client.get(reverse("rights:pack_download", args=[pack.pk, "pdf"]))
    bundle = client.get(reverse("rights:pack_download", args=[pack.pk, "json"]))
    assert pdf.status_code == bundle.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    for withheld in (b"Thirdparty", b"PN-4411", b"CRO 12345", b"police_niche"):
        assert withheld not in pdf.content, withheld
        assert withheld not in bundle.content, withheld
    assert b"Subjectson" in pdf.content and b"Subjectson" in bundle.content
    document = json.loads(bundle.content)
    assert [entry["number"] for entry in document["index"]] == list(
        range(1, len(document["records"]) + 1)
    )
    assert document["records_withheld_whole"] == 1
    withheld_parts = [p for r in document["records"] for p in r["withheld_parts"]]
    assert {"part": "Text", "exemption": withheld_parts[0]["exemption"]} in withheld_parts

    actions = list(
        AuditEvent.objects.filter(actor=world.dpo).order_by("id").values_list("action", "purpose")
    )
    for step in ("sar.log", "sar.search", "sar.redact", "sar.download"):
        assert (step, "subject_access") in actions, step
    assert AuditEvent.objects.filter(action="sar.pack", object_id=str(sar.pk)).exists()


@pytest.mark.time_machine(AFTER_RECEIPT)
def test_the_clock_is_on_the_dpos_due_view_and_extends_by_two_months(
    world: RightsWorld,
) -> None:
    client = sign_in(Client(), world.dpo)
    sar = _log(client, world, date(2026, 11, 25))
    [item] = [i for i in due_items(world.dpo) if i.source == "subject_access"]
    assert item.due_at.date() == date(2026, 12, 29)
    assert reverse("rights:sar_detail", args=[sar.pk]) == item.url

    response = client.post(reverse("rights:sar_detail", args=[sar.pk]), {"action": "extend"})
    assert response.status_code == 200
    assert "Enter why the request needs more time" in response.content.decode()
    _act(client, sar, action="extend", reason="Records held by four agencies")
    sar.refresh_from_db()
    assert sar.extended_due_on == date(2027, 2, 25)
    [item] = [i for i in due_items(world.dpo) if i.source == "subject_access"]
    assert item.due_at.date() == date(2027, 2, 25)
    assert AuditEvent.objects.filter(action="sar.extend", object_id=str(sar.pk)).exists()


def test_nobody_but_the_dpo_searches_or_sees_a_request(world: RightsWorld, personas) -> None:  # type: ignore[no-untyped-def]
    client = sign_in(Client(), world.dpo)
    sar = _log(client, world, timezone.localdate() - timedelta(days=7))
    _act(client, sar, action="search")
    assert [i for i in due_items(personas.owner) if i.source == "subject_access"] == []
    for name in ("owner", "auditor", "admin", "partner"):
        other = sign_in(Client(), personas.all()[name])
        assert other.get(reverse("rights:sar_detail", args=[sar.pk])).status_code == 403
        assert (
            other.post(
                reverse("rights:sar_detail", args=[sar.pk]), {"action": "search"}
            ).status_code
            == 403
        )


def test_a_search_without_the_dpo_role_finds_nothing(world: RightsWorld, personas) -> None:  # type: ignore[no-untyped-def]
    """The door's subject_access scope is the DPO's alone: a caseworker who sees the case
    gets nothing under that purpose."""
    from nestguard.access import door
    from nestguard.cases.models import Case

    assert door.visible(personas.owner, Case, purpose="subject_access").count() == 0
    assert door.visible(world.dpo, Case, purpose="subject_access").count() == 1
