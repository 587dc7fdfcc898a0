"""Receiving signals by CSV: all or nothing, every bad row reported with its line and reason."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from nestguard.audit.models import AuditEvent
from nestguard.prevention.models import HousingSignal, SignalBatch
from nestguard.prevention.services.signals import SignalImportError
from tests.frozen_clock import DEFAULT_INSTANT

from .conftest import HEADER, Housing, qualifying_lines

# The dates in these tests are days around the week of Monday 30 November 2026: they run at
# the default instant under every --clock-at (the UK-date edges are tests of their own, each
# at its instant).
pytestmark = pytest.mark.time_machine(DEFAULT_INSTANT)


def test_a_good_file_is_received_whole_with_one_audit_event(housing: Housing) -> None:
    uprn = housing.homes[0].uprn
    signals = housing.send([*qualifying_lines(uprn), f"{uprn},rent_arrears,2026-11-02,412.50,"])
    assert len(signals) == 4
    stored = HousingSignal.objects.get(signal="rent_arrears")
    assert stored.amount == Decimal("412.50")
    assert stored.agency == housing.council
    assert stored.address == housing.homes[0]
    batch = SignalBatch.objects.get()
    assert (batch.rows, batch.via, batch.agency) == (4, "csv", housing.council)
    event = AuditEvent.objects.get(action="housing_signal.import")
    assert event.details["rows"] == 4
    assert event.details["agency"] == housing.council.name


def test_every_bad_row_is_reported_and_nothing_is_written(housing: Housing) -> None:
    uprn = housing.homes[0].uprn
    lines = [
        f"{uprn},key_or_fob_request,2026-11-20,,",  # line 2: good
        "999999999999,key_or_fob_request,2026-11-20,,",  # 3: not in the register
        f"{uprn},new_boiler,2026-11-20,,",  # 4: unknown signal
        f"{uprn},visitor_complaint,2026-12-03,,",  # 5: tomorrow
        f"{uprn},rent_arrears,2026-11-20,-5,",  # 6: negative
        f"{uprn},asb_complaint,2026-11-20,10,",  # 7: an amount on another signal
        f"0{uprn},asb_complaint,20/11/2026,,",  # 8: two problems
        f"{uprn},asb_complaint,2026-11-20",  # 9: a field short
    ]
    with pytest.raises(SignalImportError) as raised:
        housing.send(lines)
    problems = [(e.row, e.column) for e in raised.value.errors]
    assert problems == [
        (3, "uprn"),
        (4, "signal"),
        (5, "observed_on"),
        (6, "amount"),
        (7, "amount"),
        (8, "uprn"),
        (8, "observed_on"),
        (9, "row"),
    ]
    assert "No address in the register has UPRN 999999999999" in str(raised.value.errors[0])
    assert "future" in raised.value.errors[2].reason
    assert not HousingSignal.objects.exists()
    assert not SignalBatch.objects.exists()
    assert not AuditEvent.objects.filter(action="housing_signal.import").exists()


def test_a_wrong_header_is_refused(housing: Housing) -> None:
    with pytest.raises(SignalImportError) as raised:
        from nestguard.prevention.services.signals import housing_signals_import

        housing_signals_import(
            actor=None,
            agency=housing.council,
            stream=io.StringIO("uprn,signal,date\n1,rent_arrears,2026-11-20\n"),
        )
    assert raised.value.errors[0].row == 1
    assert "missing observed_on, amount, notes" in raised.value.errors[0].reason


def test_a_signal_past_retention_is_refused(housing: Housing) -> None:
    with pytest.raises(SignalImportError) as raised:
        housing.send([f"{housing.homes[0].uprn},asb_complaint,2025-11-01,,"])
    assert "past retention" in raised.value.errors[0].reason


def test_only_a_housing_agency_sends(housing: Housing, personas) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        housing.send(qualifying_lines(housing.homes[0].uprn), agency=personas.police)
    with pytest.raises(ValidationError):  # deactivated
        housing.send(qualifying_lines(housing.homes[0].uprn), agency=personas.former_agency)
    assert not HousingSignal.objects.exists()


def test_the_command_reports_each_bad_row_and_imports_nothing(
    housing: Housing, tmp_path: Path
) -> None:
    bad = tmp_path / "signals.csv"
    bad.write_text(
        HEADER + f"{housing.homes[0].uprn},key_or_fob_request,2026-11-20,,\n"
        "123,key_or_fob_request,2026-11-20,,\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_housing_signals", str(bad), agency=housing.council.name, stderr=err)
    assert "row 3, uprn: No address in the register has UPRN 123" in err.getvalue()
    assert not HousingSignal.objects.exists()

    good = tmp_path / "good.csv"
    good.write_text(HEADER + "\n".join(qualifying_lines(housing.homes[0].uprn)) + "\n")
    out = io.StringIO()
    call_command("import_housing_signals", str(good), agency=housing.brookside.name, stdout=out)
    assert "3 signal(s) received from Brookside Homes" in out.getvalue()
    assert HousingSignal.objects.filter(agency=housing.brookside).count() == 3

    with pytest.raises(CommandError, match="No agency"):
        call_command("import_housing_signals", str(good), agency="Nobody")


@pytest.mark.time_machine("2026-07-31T23:00:01+00:00")
def test_today_is_the_uk_date_not_the_utc_one(housing: Housing) -> None:
    """Saturday 1 August 2026, one second past midnight in the UK (still Friday in UTC): a
    signal observed on the Saturday is today's, one of the Sunday is in the future."""
    uprn = housing.homes[0].uprn
    assert len(housing.send([f"{uprn},asb_complaint,2026-08-01,,"])) == 1
    with pytest.raises(SignalImportError) as raised:
        housing.send([f"{uprn},asb_complaint,2026-08-02,,"])
    assert raised.value.errors[0].reason == "The date cannot be in the future"
