"""Loading the demo borough: the partnership through its services, the history in bulk.

Writing three years of history row by row through the services would take hours at load-test
scale and would claim that made-up users did made-up things at made-up times. So, as
docs/decisions/0005-demo-seeding-in-bulk.md records, the historical rows are built in memory
and written with bulk_create in batched transactions, followed by ONE `demo.seed` audit event
with the counts. Agencies, users and sharing agreements go through their services.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils import timezone

from nestguard.accounts.models import Agency
from nestguard.audit.services import audit_record
from nestguard.core.calendar import UK
from nestguard.core.models import next_values
from nestguard.core.statistics import refresh_planner_statistics
from nestguard.demo import story
from nestguard.demo.borough import build_addresses
from nestguard.demo.bulk import bulk_insert
from nestguard.demo.costs import seed_project_costs
from nestguard.demo.deconfliction import seed_deconfliction
from nestguard.demo.directory import seed_directory
from nestguard.demo.enforcement import seed_enforcement
from nestguard.demo.equality import seed_equality
from nestguard.demo.history import ROW_MODELS, HistoryBuilder, Rows
from nestguard.demo.instruments import load_instruments
from nestguard.demo.intelligence import seed_intelligence
from nestguard.demo.linkage import seed_source_records
from nestguard.demo.network import seed_network
from nestguard.demo.panels import seed_panels
from nestguard.demo.partnership import create_partnership
from nestguard.demo.pathways import SHOWCASE_ROWS, seed_pathways
from nestguard.demo.placements import seed_placements
from nestguard.demo.places import seed_places
from nestguard.demo.plans import Timeline, number_referrals, plan_cases, plan_other_referrals
from nestguard.demo.prevent import seed_prevent
from nestguard.demo.prevention import seed_prevention
from nestguard.demo.privacy import seed_privacy
from nestguard.demo.record_links import seed_record_links
from nestguard.demo.retention import seed_retention
from nestguard.demo.training import seed_training
from nestguard.places.models import Address
from nestguard.referrals.models import TriageRoute

PRODUCTION_SETTINGS = "nestguard.settings.production"
PROFILE_PATH = Path(__file__).parent / "data" / "profile.json"
DEFAULT_SEED = 2026
# Cases built and written per transaction: fewer, larger commits checkpoint less.
CASES_PER_CHUNK = 4000


class ProductionRefused(ImproperlyConfigured):
    pass


def refuse_production() -> None:
    """The demo borough never goes into a production database."""
    modules = {
        str(getattr(settings, "SETTINGS_MODULE", "") or ""),
        os.environ.get("DJANGO_SETTINGS_MODULE", ""),
    }
    if any(m == PRODUCTION_SETTINGS or m.startswith(PRODUCTION_SETTINGS + ".") for m in modules):
        raise ProductionRefused("seed_demo refuses to run with production settings")


def load_profile() -> dict[str, Any]:
    profile: dict[str, Any] = json.loads(PROFILE_PATH.read_text(encoding="utf-8"))
    return profile


@dataclass
class SeedResult:
    scale: float
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    instruments: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write(rows: Rows, counts: dict[str, int], batch_size: int) -> None:
    with transaction.atomic():
        for name, model in ROW_MODELS:
            written = bulk_insert(model, getattr(rows, name), batch_size)
            counts[name] = counts.get(name, 0) + written


def seed_borough(
    *,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    actor: Any = None,
    now: datetime | None = None,
    batch_size: int = 2000,
    progress: Callable[[str], None] | None = None,
) -> SeedResult:
    """Load the synthetic borough of Northbrook into an empty database."""
    refuse_production()
    if scale <= 0:
        raise ValueError("scale must be positive")
    started = time.monotonic()

    def say(message: str) -> None:
        if progress:
            progress(f"{time.monotonic() - started:7.1f} s  {message}")

    profile = load_profile()
    rng = random.Random(seed)
    now = now or timezone.now()
    result = SeedResult(scale=scale, seed=seed)

    with _sqlite_cache():
        _seed(
            result, rng=rng, profile=profile, actor=actor, now=now, batch_size=batch_size, say=say
        )
    # Fresh statistics for the planner after a bulk load (decision 0081).
    refresh_planner_statistics(postgresql=True)
    result.seconds = time.monotonic() - started
    return result


@contextmanager
def _sqlite_cache(megabytes: int = 256) -> Iterator[None]:
    """A bigger page cache while seeding SQLite: random UUID keys make index inserts touch
    pages all over the file, and the default 2 MB cache turns that into disk reads."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-megabytes * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _seed(
    result: SeedResult,
    *,
    rng: random.Random,
    profile: dict[str, Any],
    actor: Any,
    now: datetime,
    batch_size: int,
    say: Callable[[str], None],
) -> None:
    counts = result.counts
    today = now.astimezone(UK).date()
    scale = result.scale
    with transaction.atomic():
        partnership = create_partnership(actor=actor, today=today)
        routes = [
            TriageRoute(concern_type=code, agency=partnership.agencies["csc"])
            for code in ("cce", "cse")
        ]
        TriageRoute.objects.bulk_create(routes)
    counts.update(agencies=len(partnership.agencies), users=len(partnership.users))
    counts.update(sharing_agreements=partnership.agreements, triage_routes=len(routes))
    say(f"Partnership: {len(partnership.agencies)} agencies, {len(partnership.users)} users")

    borough, batches = build_addresses(
        rng,
        count=max(200, round(profile["addresses_per_scale"] * scale)),
        profile=profile,
        batch_size=batch_size,
    )
    for batch in batches:
        with transaction.atomic():
            bulk_insert(Address, batch, batch_size)
        counts["addresses"] = counts.get("addresses", 0) + len(batch)
    counts["streets"] = borough.streets
    say(
        f"Borough: {len(borough.wards)} wards, {borough.streets} streets, "
        f"{counts['addresses']} addresses"
    )

    timeline = Timeline(rng, now, int(profile["years"]))
    case_plans = plan_cases(
        rng, timeline, profile, max(5, round(profile["cases_per_scale"] * scale))
    )
    other_plans = plan_other_referrals(rng, timeline, profile, len(case_plans))
    story.shape_history(
        seed=result.seed, timeline=timeline, cases=case_plans, others=other_plans, profile=profile
    )
    other_plans.sort(key=lambda p: p.submitted_at)
    case_numbers = next_values("case", len(case_plans))
    for plan, number in zip(case_plans, case_numbers, strict=True):
        plan.number = number
    referral_total = len(case_plans) + sum(len(p.merged) for p in case_plans) + len(other_plans)
    first_referral = next_values("referral", referral_total).start
    number_referrals(case_plans, other_plans, first_referral)

    instruments = load_instruments()
    result.instruments = sorted(f"{i.code} v{i.version}" for i in instruments.values())
    builder = HistoryBuilder(
        rng=rng,
        profile=profile,
        partnership=partnership,
        borough=borough,
        instruments=instruments,
        now=now,
    )
    done = 0
    for chunk in _chunks(case_plans, CASES_PER_CHUNK):
        for case_plan in chunk:
            builder.build_case(case_plan)
        _write(builder.take(), counts, batch_size)
        done += len(chunk)
        say(f"Cases: {done} of {len(case_plans)}")
    for other_chunk in _chunks(other_plans, CASES_PER_CHUNK * 2):
        for referral_plan in other_chunk:
            builder.build_other_referral(referral_plan)
        _write(builder.take(), counts, batch_size)
    counts.update(seed_places(rng=rng, today=today))
    say(f"Places: {counts['warning_markers']} markers, {counts['repeat_alerts']} repeat alerts")
    # An rng of its own, so that the pathways leave the rest of the borough as it was.
    pathway_rng = random.Random(result.seed + 5)
    counts.update(seed_pathways(rng=pathway_rng, partnership=partnership, now=now, scale=scale))
    for table, added in SHOWCASE_ROWS.items():
        counts[table] = counts.get(table, 0) + added
    say(f"Pathways: {counts['missing_episodes']} missing episodes, {counts['nrm_referrals']} NRM")
    with transaction.atomic():
        counts["enforcement_actions"] = seed_enforcement(users=partnership.users, now=now)
    say(f"Enforcement: {counts['enforcement_actions']} steps at 5 addresses")
    counts.update(story.tell_displacement(seed=result.seed, today=today))
    with transaction.atomic():
        counts.update(seed_panels(partnership, today))
    say(f"Panels: {counts['panels']} panels, {counts['panel_meetings']} meetings")
    counts["project_costs"] = seed_project_costs(partnership, today)
    with transaction.atomic():
        counts["source_records"] = seed_source_records(
            rng=rng, partnership=partnership, scale=scale, now=now, batch_size=batch_size
        )
    say(f"Person index: {counts['source_records']} agencies' records of people")
    counts.update(seed_equality(seed=result.seed, today=today))
    counts.update(seed_prevention(partnership=partnership, today=today))
    counts.update(seed_retention(partnership=partnership))
    counts.update(seed_intelligence(partnership=partnership, today=today))
    counts.update(seed_privacy(partnership=partnership, now=now))
    counts.update(seed_training(partnership=partnership, today=today))
    counts.update(seed_network(partnership=partnership, today=today))
    counts.update(seed_record_links(partnership=partnership, today=today))
    counts.update(seed_deconfliction(partnership=partnership))
    counts.update(seed_directory(partnership=partnership, today=today))
    counts.update(seed_prevent(partnership=partnership))
    counts.update(seed_placements(partnership=partnership, today=today))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="demo.seed",
            object_type="borough",
            object_label="Northbrook (synthetic demo borough)",
            details={
                "scale": scale,
                "seed": result.seed,
                "counts": dict(counts),
                "instruments": result.instruments,
                "hub": str(partnership.agencies["hub"].id),
            },
        )


def borough_exists() -> bool:
    """Does the database already hold agencies (a seeded demo, or a real partnership)?"""
    return Agency.objects.exists()
