"""nestguard build_person_index: write the shared candidate index of "is this person already
known?" now (what the job `linkage.build_person_index` does), and say how many records it
holds, how long it took, its size and where it is (docs/decisions/0117).

Every web process maps the newest index of its model read-only, so run this (or let the job
queue run the job) after a deployment's first linkage run or a restore: until one is written,
lookups say the check is starting. Nothing is written when the same model and records are
already (`--force` writes them again).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from nestguard.linkage.management.commands.warm_person_index import peak_memory_mb
from nestguard.linkage.person_index_files import NoModel, build_index_file


class Command(BaseCommand):
    help = "Write the shared person index for lookups; report its size and the time taken."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="write it even if the same one is written"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = build_index_file(force=options["force"])
        except NoModel:
            self.stdout.write(
                "No linkage model yet, or one this version cannot read (`nestguard link` "
                "trains one): nothing to write."
            )
            return
        done = result.file
        if not result.built:
            self.stdout.write(
                f"The person index for model {done.model_version} and these "
                f"{done.records:,} records is already written: {done.path}"
            )
            return
        self.stdout.write(
            f"Person index for model {done.model_version}: {done.records:,} records written "
            f"in {result.seconds:.1f} s, {result.bytes / 2**20:,.1f} MB, to {done.path} "
            f"(peak memory of this process {peak_memory_mb():,.0f} MB)."
        )
