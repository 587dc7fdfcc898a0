"""`nestguard seed_demo [--scale N] [--if-empty] [--seed S]`: load the synthetic borough."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nestguard.demo.seed import (
    DEFAULT_SEED,
    ProductionRefused,
    borough_exists,
    refuse_production,
    seed_borough,
)


def _positive(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--scale must be a number, not {raw!r}") from exc
    if not 0 < value <= 1000:
        raise argparse.ArgumentTypeError("--scale must be more than 0 and at most 1000")
    return value


class Command(BaseCommand):
    help = (
        "Load the synthetic demo borough of Northbrook (agencies, users, addresses and three "
        "years of referrals and cases). Never under production settings."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--scale",
            type=_positive,
            default=1.0,
            help="1 makes about 600 cases; 160 about 100,000 (default 1)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already has agencies (what `make demo` runs)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"random seed: the same seed makes the same borough (default {DEFAULT_SEED})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            refuse_production()
        except ProductionRefused as exc:
            raise CommandError(str(exc)) from exc
        if borough_exists():
            if options["if_empty"]:
                self.stdout.write("The database already has agencies: nothing to do.")
                return
            raise CommandError(
                "The database already has agencies. seed_demo loads into an empty database; "
                "use a fresh one, or --if-empty to skip."
            )
        verbosity = int(options.get("verbosity", 1))
        result = seed_borough(
            scale=options["scale"],
            seed=options["seed"],
            progress=(lambda m: self.stdout.write(f"  {m}")) if verbosity > 1 else None,
        )
        self._fill_report_counts()
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo borough of Northbrook (scale {result.scale:g}, "
                f"seed {result.seed}) in {result.seconds:.1f} s: {result.rows:,} rows, "
                f"{result.rows / max(result.seconds, 0.001):,.0f} rows a second."
            )
        )
        shown = (
            "agencies",
            "users",
            "sharing_agreements",
            "addresses",
            "persons",
            "referrals",
            "cases",
            "case_subjects",
            "interventions",
            "assessments",
            "chronology",
        )
        width = max(len(n) for n in shown)
        for name in shown:
            label = name.replace("_", " ")
            self.stdout.write(f"  {label:<{width}}  {counts.get(name, 0):>9,}")
        if not result.instruments:
            self.stdout.write(
                "  No risk instruments were installed (nestguard/risk/instruments/), so no "
                "risk assessments were made."
            )
        else:
            self.stdout.write(f"  risk instruments: {', '.join(result.instruments)}")

    def _fill_report_counts(self) -> None:
        """The reports' daily referral and case counts (decisions 0120, 0125), counted once
        now, so that the first report of any period sums them rather than counting its days."""
        from nestguard.accounts.models import User
        from nestguard.reporting import case_daily, daily

        analyst = User.objects.filter(username="analyst", is_active=True).first()
        if analyst is not None:
            daily.fill(analyst)
            case_daily.fill(analyst)
