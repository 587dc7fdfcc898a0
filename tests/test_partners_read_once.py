"""A request that writes nothing reads the user's partner agencies once (decision 0081,
"perf2"); outside such a request every call reads them afresh, so ending an agreement ends a
partner's access at once (issue 10 point 5)."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import Personas, sign_in
from nestguard.access.selectors import partner_agency_ids, reads_once
from nestguard.accounts.models import SharingAgreement
from nestguard.accounts.services import sharing_agreement_end


def _partner_reads(captured: CaptureQueriesContext) -> int:
    return sum(
        1 for q in captured.captured_queries if 'FROM "accounts_agency" INNER JOIN' in q["sql"]
    )


def test_a_page_reads_partner_agencies_once(personas: Personas) -> None:
    client = sign_in(Client(), personas.owner)
    client.get("/due/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/due/").status_code == 200
    assert _partner_reads(captured) == 1


def test_remembered_only_within_the_scope(personas: Personas) -> None:
    agreement = SharingAgreement.objects.get(parties=personas.police, revoked_at__isnull=True)
    with reads_once():
        assert personas.police.id in partner_agency_ids(personas.hub)
        sharing_agreement_end(actor=None, agreement=agreement, reason="Withdrawn")
        assert personas.police.id in partner_agency_ids(personas.hub)  # remembered
    assert personas.police.id not in partner_agency_ids(personas.hub)


def test_outside_a_request_an_ended_agreement_ends_access_at_once(personas: Personas) -> None:
    agreement = SharingAgreement.objects.get(parties=personas.police, revoked_at__isnull=True)
    assert personas.police.id in partner_agency_ids(personas.hub)
    sharing_agreement_end(actor=None, agreement=agreement, reason="Withdrawn")
    assert personas.police.id not in partner_agency_ids(personas.hub)
