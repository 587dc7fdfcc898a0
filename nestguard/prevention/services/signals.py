"""Receiving housing signals: a CSV file (`nestguard import_housing_signals`) or an API request.

Both go through `housing_signals_receive`: every row is checked (the register import's rules:
row number, column, reason for each problem), and if any row is bad nothing is written.
A good batch is written in one transaction with one audit event naming the agency and counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.accounts.models import Agency
from nestguard.audit.services import audit_record
from nestguard.core.forms import clean_text
from nestguard.places.models import Address
from nestguard.places.services.register import RegisterImportError, RowError, read_register
from nestguard.prevention.models import HousingSignal, SignalBatch
from nestguard.prevention.policy import HOUSING_AGENCY_TYPES, prevention_rules, signal_codes
from nestguard.prevention.rules import works_prevention

SIGNAL_COLUMNS = ("uprn", "signal", "observed_on", "amount", "notes")
# One API request carries at most this many signals; a file has no limit.
MAX_API_SIGNALS = 500
NOTES_LIMIT = 1000
# Rent owed is recorded in pounds and pence, below £100m.
AMOUNT_LIMIT = Decimal("99999999.99")
_UPRN = re.compile(r"^[1-9][0-9]{0,11}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The only signal sent with an amount.
AMOUNT_SIGNALS = frozenset({"rent_arrears"})


class SignalImportError(RegisterImportError):
    """The signals had bad rows; nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors)
        self.args = (f"{len(errors)} problem(s) in the signals; nothing was received",)


@dataclass
class _Signal:
    row: int
    uprn: str
    values: dict[str, Any] = field(default_factory=dict)


def check_sending_agency(agency: Agency | None) -> Agency:
    """Only an active housing agency (council housing or a housing association) sends."""
    if agency is None or not agency.active or agency.type not in HOUSING_AGENCY_TYPES:
        raise ValidationError({"agency": "Only an active housing agency may send housing signals"})
    return agency


def _amount(errors: list[RowError], row: int, raw: str, signal: str) -> Decimal | None:
    if not raw:
        return None
    if signal and signal not in AMOUNT_SIGNALS:
        errors.append(RowError(row, "amount", "Send an amount with rent_arrears only"))
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        errors.append(RowError(row, "amount", f"'{raw[:40]}' is not an amount like 250.00"))
        return None
    if not value.is_finite() or value < 0 or value > AMOUNT_LIMIT:
        errors.append(RowError(row, "amount", "Enter an amount from 0 to 99,999,999.99"))
        return None
    if value != value.quantize(Decimal("0.01")):
        errors.append(RowError(row, "amount", "An amount has at most 2 decimal places"))
        return None
    return value


def _observed_on(errors: list[RowError], row: int, raw: str, today: date) -> date | None:
    if not raw:
        errors.append(RowError(row, "observed_on", "Missing: the date the signal was observed"))
        return None
    try:
        if not _ISO_DATE.match(raw):
            raise ValueError
        value = date.fromisoformat(raw)
    except ValueError:
        errors.append(RowError(row, "observed_on", f"'{raw[:40]}' is not a date like 2026-11-30"))
        return None
    if value > today:
        errors.append(RowError(row, "observed_on", "The date cannot be in the future"))
        return None
    oldest = today - timedelta(days=prevention_rules().retention_days)
    if value < oldest:
        errors.append(
            RowError(row, "observed_on", f"The date is before {oldest:%d %B %Y}, past retention")
        )
        return None
    return value


def validate_signal(row: int, raw: dict[str, str], today: date) -> tuple[_Signal, list[RowError]]:
    """One signal checked in full (every problem, not just the first); the UPRN's address is
    looked up for the whole batch afterwards."""
    errors: list[RowError] = []
    uprn = raw.get("uprn", "").strip()
    if not uprn:
        errors.append(RowError(row, "uprn", "Missing: every signal needs the property's UPRN"))
    elif not _UPRN.match(uprn):
        errors.append(RowError(row, "uprn", "A UPRN is 1 to 12 digits, not starting with 0"))
    signal = raw.get("signal", "").strip()
    codes = signal_codes()
    if signal not in codes:
        errors.append(
            RowError(row, "signal", f"Unknown signal; use one of {', '.join(codes.values)}")
        )
    observed_on = _observed_on(errors, row, raw.get("observed_on", "").strip(), today)
    amount = _amount(errors, row, raw.get("amount", "").strip(), signal)
    notes = ""
    try:
        notes = clean_text(raw.get("notes", ""), label="Notes")
    except ValidationError as exc:
        errors.append(RowError(row, "notes", exc.messages[0]))
    if len(notes) > NOTES_LIMIT:
        errors.append(RowError(row, "notes", f"Notes must be {NOTES_LIMIT} characters or fewer"))
    values = {"signal": signal, "observed_on": observed_on, "amount": amount, "notes": notes}
    return _Signal(row=row, uprn=uprn, values=values), errors


def validate_signals(
    rows: Iterable[tuple[int, dict[str, str]]],
) -> tuple[list[_Signal], dict[str, Address], list[RowError]]:
    today = timezone.localdate()
    good: list[_Signal] = []
    errors: list[RowError] = []
    for row, raw in rows:
        if "__shape__" in raw:
            errors.append(RowError(row, "row", f"This row has the {raw['__shape__']}"))
            continue
        signal, row_errors = validate_signal(row, raw, today)
        errors.extend(row_errors)
        if not row_errors:
            good.append(signal)
    wanted = {s.uprn for s in good}
    addresses = Address.objects.filter(uprn__in=wanted, in_register=True).in_bulk(field_name="uprn")
    for signal in good:
        if signal.uprn not in addresses:
            errors.append(
                RowError(signal.row, "uprn", f"No address in the register has UPRN {signal.uprn}")
            )
    errors.sort(key=lambda e: e.row)
    return good, addresses, errors


def housing_signals_receive(
    *,
    actor: Any,
    agency: Agency | None,
    rows: Iterable[tuple[int, dict[str, str]]],
    via: str,
    source_name: str = "",
) -> list[HousingSignal]:
    """Check every row, then write them all or none. `rows` are (row number, cells as text).
    A user sends for their own agency only, and must work its prevention list; the command
    (actor None) names the agency."""
    if actor is not None:
        if not works_prevention(actor):
            raise PermissionDenied("Only a housing agency's caseworkers send housing signals")
        agency = actor.agency
    agency = check_sending_agency(agency)
    good, addresses, errors = validate_signals(rows)
    if errors:
        raise SignalImportError(errors)
    now = timezone.now()
    with transaction.atomic():
        batch = SignalBatch.objects.create(
            agency=agency, received_by=actor, via=via, source_name=source_name[:200], rows=len(good)
        )
        signals = HousingSignal.objects.bulk_create(
            HousingSignal(
                address=addresses[s.uprn], agency=agency, received_at=now, batch=batch, **s.values
            )
            for s in good
        )
        audit_record(
            actor=actor,
            action="housing_signal.import",
            obj=batch,
            object_label=f"{len(good)} signal(s) from {agency.name}",
            details={"agency": agency.name, "via": via, "rows": len(good), "source": source_name},
        )
    return signals


def housing_signals_import(
    *, actor: Any, agency: Agency | None, stream: IO[str], source_name: str = ""
) -> list[HousingSignal]:
    """A CSV file of signals with exactly the columns SIGNAL_COLUMNS (line numbers reported)."""
    try:
        rows = list(read_register(stream, SIGNAL_COLUMNS))
    except RegisterImportError as exc:
        raise SignalImportError(exc.errors) from None
    return housing_signals_receive(
        actor=actor, agency=agency, rows=rows, via=SignalBatch.Via.CSV, source_name=source_name
    )
