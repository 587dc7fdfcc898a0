"""`nestguard worker`: run queued jobs and enqueue the schedules when they are due.

One process does both. Run one or more (each claims attempts under a row lock); stop one with
SIGTERM or Ctrl+C and it finishes the job in hand first. A worker that dies mid-job (killed,
machine lost) is noticed by the others, or by the next one started, once its heartbeat is older
than NESTGUARD_JOBS_HEARTBEAT_TIMEOUT_SECONDS: the job is tried again.
"""

from __future__ import annotations

import logging
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from nestguard.jobs import schedules, services
from nestguard.jobs.worker import Worker, drain, yield_cpu


class Command(BaseCommand):
    help = "Run queued jobs and enqueue scheduled ones when due (the job queue's worker)"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when no job is due (default: 1)",
        )
        parser.add_argument(
            "--no-schedules",
            action="store_true",
            help="Run jobs only; leave the schedules to another worker",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Recover lost runs, enqueue due schedules, run every due job, then exit",
        )
        parser.add_argument("--worker-id", default="", help="A name for this worker in the log")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = logging.StreamHandler(self.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        jobs_logger = logging.getLogger("nestguard.jobs")
        jobs_logger.addHandler(handler)
        jobs_logger.setLevel(logging.INFO if options["verbosity"] else logging.WARNING)
        jobs_logger.propagate = False  # once, on this command's stream
        # Background work yields the CPU to the web processes' requests (decision 0135).
        niceness = yield_cpu()
        jobs_logger.info("Worker running at niceness %s", niceness)
        if options["once"]:
            services.runs_recover_lost()
            if not options["no_schedules"]:
                schedules.enqueue_due()
            ran = drain()
            self.stdout.write(f"{ran} job attempt(s) run")
            return
        Worker(
            worker_id=options["worker_id"],
            interval=options["interval"],
            run_schedules=not options["no_schedules"],
        ).run()
