"""The Prevent report (decision 0109): Prevent referrals made in the period, by kind of
concern, age band (with 11 to 15, as the Liverpool notes count them), the referrer's sector,
and what became of them (the gateway, the Channel panel, support). A report of its own, not
tables of the partnership report: Prevent is a compartment, kept out of the general picture
(shared reference governance-and-reporting, "What the software must do" 11).

Counts only, from the referrals the reader may count (`door.counted`), suppressed on the way
out like every report (decision 0089)."""

from __future__ import annotations

from collections import Counter

from nestguard.access.door import counted
from nestguard.accounts.models import agency_types
from nestguard.channel.models import (
    PreventReferral,
    gateway_outcomes,
    ideologies,
    panel_outcomes,
)
from nestguard.core.codes import code_list
from nestguard.reporting.measures import period_bounds
from nestguard.reporting.registry import Report, ReportRequest, ReportSpec, register_report
from nestguard.reporting.tables import Table, counts_table

NOT_KNOWN = "Not known"
AWAITING_GATEWAY = "Awaiting the gateway assessment"
AWAITING_PANEL = "Passed the gateway, awaiting the panel"
STAGE_NOTE = "Each stage counts a subset of the one above it; they do not add up."


def age_band(age: int | None) -> str:
    if age is None:
        return NOT_KNOWN
    for band in code_list("channel", "age_bands").codes:
        if band["from"] <= age <= band["to"]:
            return band.label
    return NOT_KNOWN


def outcome_of(record: PreventReferral) -> str:
    """Where the referral ended or waits: one row each, so that the rows add up."""
    if not record.gateway_outcome:
        return AWAITING_GATEWAY
    if record.gateway_outcome != "to_panel":
        return f"Gateway: {gateway_outcomes().label(record.gateway_outcome)}"
    if not record.panel_outcome:
        return AWAITING_PANEL
    return f"Panel: {panel_outcomes().label(record.panel_outcome)}"


def outcome_rows() -> list[str]:
    return [
        AWAITING_GATEWAY,
        *(f"Gateway: {c.label}" for c in gateway_outcomes().codes if c.code != "to_panel"),
        AWAITING_PANEL,
        *(f"Panel: {c.label}" for c in panel_outcomes().codes),
    ]


def _table(name: str, title: str, label: str, found: Counter[str], rows: list[str]) -> Table:
    return counts_table(name, title, label, [(r, (found[r],)) for r in rows], ("Referrals",))


def _tables(records: list[PreventReferral]) -> tuple[Table, ...]:
    types = agency_types()
    ages = [b.label for b in code_list("channel", "age_bands").codes]
    passed = sum(r.gateway_outcome == "to_panel" for r in records)
    stages = (
        ("Referrals", len(records)),
        ("Passed the gateway to the Channel panel", passed),
        ("Adopted as Channel cases", sum(r.panel_outcome == "adopted" for r in records)),
        ("Support started", sum(r.support_started_on is not None for r in records)),
    )  # fmt: skip
    return (
        _table(
            "prevent_by_ideology", "Prevent referrals by kind of concern", "Kind of concern",
            Counter(r.ideology_label for r in records), [c.label for c in ideologies().codes],
        ),
        _table(
            "prevent_by_age", "Prevent referrals by age at referral", "Age band",
            Counter(age_band(r.age_at_referral) for r in records), [*ages, NOT_KNOWN],
        ),
        _table(
            "prevent_by_sector", "Prevent referrals by the referrer's sector", "Sector",
            Counter(types.label(r.referrer_agency.type) for r in records),
            sorted({types.label(r.referrer_agency.type) for r in records}),
        ),
        _table(
            "prevent_outcomes", "What became of the referrals", "Outcome",
            Counter(outcome_of(r) for r in records), outcome_rows(),
        ),
        counts_table(
            "prevent_stages", "Through the Channel process", "Stage",
            [(label, (n,)) for label, n in stages], ("Referrals",),
            total_row=False, notes=(STAGE_NOTE,),
        ),
    )  # fmt: skip


def prevent_referrals(request: ReportRequest) -> list[PreventReferral]:
    start, end = period_bounds(request)
    rows = counted(request.user, PreventReferral).filter(
        referred_at__gte=start, referred_at__lt=end
    )
    if request.agency_id:
        rows = rows.filter(referrer_agency_id=request.agency_id)
    return list(rows.select_related("referrer_agency"))


def build(request: ReportRequest) -> Report:
    records = prevent_referrals(request)
    adopted = sum(r.panel_outcome == "adopted" for r in records)
    supported = sum(r.support_started_on is not None for r in records)
    return Report(
        name=SPEC.name,
        title=SPEC.title,
        start=request.start,
        end=request.end,
        tables=_tables(records),
        figures={"referrals": len(records), "adopted": adopted, "supported": supported},
        links=(
            ("referrals", "prevent_by_ideology", "Total"),
            ("adopted", "prevent_outcomes", "Panel: Adopted as a Channel case"),
            ("supported", "prevent_stages", "Support started"),
        ),
        notes=(
            "Prevent referrals are not filtered by ward: a Prevent referral carries no address.",
            "The kinds of concern and the age bands other than 11 to 15 are local (status U): "
            "check them against the Home Office data tables before comparing with the "
            "national figures.",
        ),
    )


SPEC = register_report(
    ReportSpec(
        name="prevent",
        title="Prevent and Channel",
        build=build,
        description=(
            "Prevent referrals made in the period: by kind of concern, age band, the "
            "referrer's sector; the gateway, the Channel panel's outcomes and support."
        ),
    )
)
