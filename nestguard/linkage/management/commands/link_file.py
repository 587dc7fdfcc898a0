"""`nestguard link_file`: link CSV files of source records, with no database.

    nestguard link_file --input A.csv [--input B.csv ...] --output-dir D
        [--engine duckdb|spark] [--model model.json] [--save-model model.json] [--seed 42]

Writes D/pairs.csv (left_id, right_id, match_probability, held: every scored pair at or
above 0.01; `held` says why a guard keeps a pair from linking automatically, and a pair a
household guard holds is written at no more than the guard's ceiling, decision 0116),
D/clusters.csv (record_id, cluster_id) and D/doubtful.csv (file, row, record_id, column,
value, problem: values kept as given but not understood, such as a date of birth that is
not a real date; they are compared as text and never stop the file). Input that
truly breaks a file (missing columns, duplicate record ids, text that is not UTF-8) is
reported row by row and nothing is written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from nestguard.linkage.engine import LinkageModel, link_records, train_model
from nestguard.linkage.engine.backend import ENGINES
from nestguard.linkage.engine.csvio import Doubt, read_records, write_csv_atomically
from nestguard.linkage.engine.spark_settings import SparkSettingsError, check_environment

MAX_ERRORS_SHOWN = 200


class Command(BaseCommand):
    help = "Link CSV files of source records and write pairs.csv and clusters.csv (no database)."
    # No database: skip the system checks (they may inspect models) and migrations.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", action="append", required=True, metavar="CSV")
        parser.add_argument("--output-dir", required=True, metavar="DIR")
        parser.add_argument("--engine", choices=ENGINES, default="duckdb")
        parser.add_argument("--model", metavar="JSON", help="a trained model to use")
        parser.add_argument("--save-model", metavar="JSON", help="where to store the model")
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["engine"] == "spark":
            try:  # NESTGUARD_SPARK_MASTER and NESTGUARD_SPARK_CONF (decision 0119)
                check_environment(os.environ)
            except SparkSettingsError as exc:
                raise CommandError(str(exc)) from exc
        out_dir = Path(options["output_dir"])
        records, errors, doubts = read_records(options["input"])
        if errors:
            for error in errors[:MAX_ERRORS_SHOWN]:
                self.stderr.write(str(error))
            if len(errors) > MAX_ERRORS_SHOWN:
                self.stderr.write(f"... and {len(errors) - MAX_ERRORS_SHOWN} more")
            raise CommandError(f"{len(errors)} problem(s) in the input; nothing was written")
        if len(records) < 2:
            raise CommandError("linking needs at least two records; nothing was written")
        out_dir.mkdir(parents=True, exist_ok=True)

        def progress(stage: str, fraction: float) -> None:
            self.stderr.write(f"[{fraction:4.0%}] {stage}")

        if options["model"]:
            try:
                model = LinkageModel.from_json(Path(options["model"]).read_text("utf-8"))
            except (OSError, ValueError, KeyError) as exc:
                raise CommandError(f"cannot use the model {options['model']}: {exc}") from exc
        else:
            model = train_model(
                records, seed=options["seed"], progress=progress, engine=options["engine"]
            )
        if options["save_model"]:
            Path(options["save_model"]).write_text(model.to_json(), "utf-8")
        result = link_records(records, model, engine=options["engine"], progress=progress)
        write_csv_atomically(
            out_dir / "pairs.csv",
            ("left_id", "right_id", "match_probability", "held"),
            ((a, b, f"{p:.6f}", held) for a, b, p, held in result.reported_rows()),
        )
        write_csv_atomically(
            out_dir / "clusters.csv",
            ("record_id", "cluster_id"),
            ((r.record_id, result.clusters[r.record_id]) for r in records),
        )
        write_csv_atomically(
            out_dir / "doubtful.csv", Doubt.HEADER, (doubt.as_row() for doubt in doubts)
        )
        for doubt in doubts[:MAX_ERRORS_SHOWN]:
            where = f"{doubt.file} row {doubt.row}, {doubt.column}"
            self.stderr.write(f"doubtful: {where}: {doubt.message}")
        clusters = len(set(result.clusters.values()))
        self.stdout.write(
            f"{len(records)} records, {len(result)} pairs, {clusters} clusters "
            f"(model {model.version}); {len(doubts)} doubtful value(s) kept as given; "
            f"wrote {out_dir / 'pairs.csv'}, {out_dir / 'clusters.csv'} "
            f"and {out_dir / 'doubtful.csv'}"
        )
