"""nestguard warm_person_index: build the candidate index of "is this person already known?"
now, and say how many records it holds, how long it took and the memory it needed.

By default web processes map the shared index that `nestguard build_person_index` and the
job queue write (docs/decisions/0117); with NESTGUARD_CANDIDATE_INDEX_BUILD=background each
keeps its own in memory and starts building it when it serves its first request
(docs/decisions/0043-candidate-index-warm-up.md). This command builds one in memory in its
own process, and cannot fill theirs. Run at a deployment's start-up, it shows that the
current model and records build (it fails loudly if they do not), how long the web processes
will take and how much memory they will need.
"""

from __future__ import annotations

import resource
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand

from nestguard.linkage import matching
from nestguard.linkage.live_index import ModelUnreadable, build_for_version


def peak_memory_mb() -> float:
    """This process's peak resident memory (Linux counts kilobytes, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class Command(BaseCommand):
    help = "Build the person index's candidate index now; report its size and the time taken."

    def handle(self, *args: Any, **options: Any) -> None:
        version = matching.latest_model_label()
        if version is None:
            self.stdout.write(
                "No linkage model yet (`nestguard link` trains one): nothing to build."
            )
            return
        started = time.monotonic()
        try:
            built = build_for_version(version)
        except ModelUnreadable:
            self.stdout.write(
                f"The stored model {version} cannot be read by this version of Nestguard: the "
                "next `nestguard link` stores it again, and lookups wait for it."
            )
            return
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Candidate index for model {version}: {len(built.index):,} records in "
            f"{seconds:.1f} s (peak memory of this process {peak_memory_mb():,.0f} MB)."
        )
