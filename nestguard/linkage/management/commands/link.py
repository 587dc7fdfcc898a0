"""nestguard link: batch linkage over every source record (see linkage.services.runs)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from nestguard.linkage.models import LinkageModelVersion, LinkageRun
from nestguard.linkage.services.runs import (
    ENGINES,
    linkage_run_execute,
    linkage_run_start,
    linkage_runs_sweep,
)


def _check_spark_settings() -> None:
    """Refuse a bad NESTGUARD_SPARK_MASTER or NESTGUARD_SPARK_CONF before a run is
    recorded: the run would only fail with the same message a moment later."""
    import os

    from nestguard.linkage.engine.spark_settings import SparkSettingsError, check_environment

    try:
        check_environment(os.environ)
    except SparkSettingsError as exc:
        raise CommandError(str(exc)) from exc


class Command(BaseCommand):
    help = "Link all source records into people: auto-link, queue uncertain pairs for review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--engine",
            choices=ENGINES,
            default="duckdb",
            help="spark: on NESTGUARD_SPARK_MASTER (default local[2]) with the settings in "
            "the file NESTGUARD_SPARK_CONF (spark-defaults.conf form); see "
            "docs/how-to/linkage-on-spark.md",
        )
        parser.add_argument("--retrain", action="store_true", help="Train a new model first")
        parser.add_argument("--run", help="Carry out this queued run (the page starts these)")
        parser.add_argument("--queued", action="store_true", help="Carry out every queued run")
        parser.add_argument(
            "--job",
            action="store_true",
            help="Queue the run for `nestguard worker` (the job queue) instead of running it here",
        )
        parser.add_argument(
            "--if-no-model",
            action="store_true",
            help="Do nothing when a model has been trained already (make demo)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for stopped in linkage_runs_sweep():
            self.stderr.write(f"Run {stopped.pk} marked failed: {stopped.error}")
        if options["engine"] == "spark" and not (options["run"] or options["queued"]):
            _check_spark_settings()
        if options["if_no_model"] and LinkageModelVersion.objects.exists():
            self.stdout.write("A linkage model exists already: nothing to do.")
            return
        if options["run"]:
            runs = list(
                LinkageRun.objects.filter(pk=options["run"], status=LinkageRun.Status.QUEUED)
            )
            if not runs:
                raise CommandError("No queued run with that id")
        elif options["queued"]:
            runs = list(
                LinkageRun.objects.filter(status=LinkageRun.Status.QUEUED).order_by("created_at")
            )
        else:
            try:
                runs = [
                    linkage_run_start(
                        actor=None, engine=options["engine"], retrain=options["retrain"]
                    )
                ]
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        if options["job"]:
            from nestguard.jobs import enqueue

            for run in runs:
                job_run = enqueue("linkage.run", started_by=run.started_by, run_id=str(run.pk))
                self.stdout.write(f"Run {run.pk} queued for the worker as job run {job_run.pk}")
            return
        for run in runs:
            done = linkage_run_execute(run, actor=run.started_by)
            if done.status == LinkageRun.Status.FAILED:
                raise CommandError(f"Run {done.pk} failed: {done.error}")
            counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(done.counts.items()))
            self.stdout.write(f"Run {done.pk} finished with model {done.model}: {counts}")
