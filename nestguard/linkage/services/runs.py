"""Batch linkage: a run over every source record, in the background, with its progress.

`linkage_run_start` records a queued run (and the page launches it); `linkage_run_execute`
does the work: Nestguard's own people join the index, the model is trained (or the stored
one reused), the engine scores the pairs, and the thresholds in `data/thresholds.json` apply:
at or above the upper one the clusters are linked (each link a reversible Merge), between
the two the pair is queued for review, below nothing happens. Clusters only ever grow by
merges, so a re-run adds to the clusters already made instead of starting again; pairs a
person kept apart (a rejected review, an undone link) are never linked automatically.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nestguard.audit.services import audit_record
from nestguard.linkage import matching
from nestguard.linkage.models import (
    Cluster,
    LinkageModelVersion,
    LinkageRun,
    Merge,
    ReviewPair,
    SourceRecord,
)
from nestguard.linkage.services.addresses import address_matches_refresh
from nestguard.linkage.services.merges import cluster_merge, clusters_apart, kept_apart
from nestguard.linkage.services.records import source_records_sync_people
from nestguard.linkage.thresholds import thresholds

log = logging.getLogger(__name__)
ENGINES = ("duckdb", "spark")
SEED = 42
# A run that has not started within this time was lost (its process never started): it no
# longer blocks a new run.
QUEUED_FOR_AT_MOST = timedelta(minutes=10)
# A running run's process writes a heartbeat this often, whatever the engine is doing; one
# that has written none for SILENT_FOR_AT_MOST stopped (killed, or its machine went down),
# even when it ran on another machine whose processes this one cannot see (decision 0087).
HEARTBEAT_EVERY = timedelta(seconds=30)
SILENT_FOR_AT_MOST = timedelta(minutes=5)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


def _stopped_reason(run: LinkageRun, now: Any) -> str | None:
    """Why `run` (queued or running) can no longer finish, or None while it still may."""
    if run.status == LinkageRun.Status.QUEUED:
        if run.updated_at < now - QUEUED_FOR_AT_MOST:
            return "The run was never started: no process took it up within 10 minutes"
        return None
    beat = run.heartbeat_at or run.updated_at
    when = timezone.localtime(beat).strftime("%Y-%m-%d %H:%M:%S %Z")
    where = f"pid {run.pid} on {run.host}" if run.pid else "no process recorded"
    if run.pid and run.host == socket.gethostname() and not _process_alive(run.pid):
        return f"The process stopped during the run ({where}, last heartbeat {when})"
    if beat < now - SILENT_FOR_AT_MOST:
        return (
            f"The process stopped reporting during the run ({where}, last heartbeat {when}): "
            "it was stopped, or its machine was"
        )
    return None


def linkage_runs_sweep() -> list[LinkageRun]:
    """Mark failed, with the reason, every run whose process has stopped: a process killed
    mid-run cannot mark itself. Called before each new run starts and by `nestguard link`;
    safe to call at any time (a run whose process still lives and beats is left alone)."""
    now = timezone.now()
    marked: list[LinkageRun] = []
    active = LinkageRun.objects.filter(
        status__in=[LinkageRun.Status.QUEUED, LinkageRun.Status.RUNNING]
    )
    for run in active:
        reason = _stopped_reason(run, now)
        if reason is None:
            continue
        with transaction.atomic():
            # Only if it is still as we saw it: a run that just finished keeps its outcome.
            changed = LinkageRun.objects.filter(
                pk=run.pk, status=run.status, updated_at=run.updated_at
            ).update(
                status=LinkageRun.Status.FAILED,
                finished_at=now,
                stage="Failed",
                error=reason,
                updated_at=now,
            )
            if not changed:
                continue
            run.refresh_from_db()
            audit_record(
                actor=None,
                action="linkage.run_stopped",
                obj=run,
                details={"reason": reason, "pid": run.pid, "host": run.host},
            )
        log.warning("linkage run %s marked failed: %s", run.pk, reason)
        marked.append(run)
    return marked


def linkage_run_start(*, actor: Any, engine: str = "duckdb", retrain: bool = False) -> LinkageRun:
    """Queue a batch run. One run at a time: a second start while one is active is refused."""
    if engine not in ENGINES:
        raise ValidationError({"engine": "Choose DuckDB or Spark"})
    with transaction.atomic():
        linkage_runs_sweep()
        if (
            LinkageRun.objects.select_for_update()
            .filter(status__in=[LinkageRun.Status.QUEUED, LinkageRun.Status.RUNNING])
            .exists()
        ):
            raise ValidationError({"engine": "A linkage run is already in progress"})
        run = LinkageRun.objects.create(
            engine=engine,
            retrain=bool(retrain),
            started_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="linkage.run_start",
            obj=run,
            details={"engine": engine, "retrain": bool(retrain)},
        )
    return run


def launch(run: LinkageRun) -> None:
    """Run it in the background, so that a long run neither holds a web worker nor dies with
    one. The setting NESTGUARD_LINKAGE_RUNNER may be "queue" (the default: the job
    `linkage.run` on the job queue, carried out by `nestguard worker` once the request's
    transaction commits), "subprocess" (a process of its own, `nestguard link --run <id>`),
    "inline" (tests, small demos) or "none" (leave it queued for `nestguard link --queued`);
    "job" is another name for "queue". On the queue a dead worker's run is swept and run
    again (nestguard/linkage/jobs.py, decision 87)."""
    mode = getattr(settings, "NESTGUARD_LINKAGE_RUNNER", "queue")
    if mode in ("queue", "job"):
        from nestguard.jobs import enqueue

        enqueue("linkage.run", started_by=run.started_by, run_id=str(run.pk))
    elif mode == "inline":
        linkage_run_execute(run)
    elif mode == "subprocess":
        subprocess.Popen(  # noqa: S603  (our own command, no user input in the arguments)
            [sys.executable, "-m", "nestguard.manage", "link", "--run", str(run.pk)],
            env=os.environ.copy(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )


def _report(run: LinkageRun, progress: float, stage: str) -> None:
    """Progress is written as it happens, outside any transaction of the run's work."""
    run.progress = max(0, min(100, int(progress)))
    run.stage = stage[:200]
    now = timezone.now()
    LinkageRun.objects.filter(pk=run.pk).update(
        progress=run.progress, stage=run.stage, updated_at=now, heartbeat_at=now
    )


class _Heartbeat:
    """While a run executes, a thread of its process writes `heartbeat_at` every
    HEARTBEAT_EVERY, so that a run busy in one long step (scoring, training) is told apart
    from one whose process died (`linkage_runs_sweep`)."""

    def __init__(self, run: LinkageRun) -> None:
        self.run_pk = run.pk
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="linkage-heartbeat", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=HEARTBEAT_EVERY.total_seconds() + 30)

    def _beat(self) -> None:
        from django.db import connection

        try:
            while not self.stopping.wait(HEARTBEAT_EVERY.total_seconds()):
                try:
                    now = timezone.now()
                    LinkageRun.objects.filter(
                        pk=self.run_pk, status=LinkageRun.Status.RUNNING
                    ).update(heartbeat_at=now, updated_at=now)
                except Exception:  # a busy database: the next beat tries again
                    log.warning("linkage run %s: heartbeat not written", self.run_pk)
        finally:
            connection.close()  # this thread's own connection


def _model(run: LinkageRun, records: list[Any]) -> LinkageModelVersion:
    stored = matching.latest_model_version()
    if stored is not None and not run.retrain and matching.readable(stored):
        return stored
    from nestguard.linkage.engine import train_model

    model = train_model(records, seed=SEED, engine=run.engine)
    existing = LinkageModelVersion.objects.filter(version=model.version).first()
    if existing is not None:
        if not matching.readable(existing):
            # The same model (its version is a hash of its parameters), written in a form an
            # older engine used: store it as this engine writes it.
            existing.model_json = model.to_json()
            existing.save(update_fields=["model_json", "updated_at"])
        return existing
    return LinkageModelVersion.objects.create(
        version=model.version,
        model_json=model.to_json(),
        upper_threshold=float(model.upper_threshold),
        lower_threshold=float(model.lower_threshold),
        trained_on=len(records),
        seed=SEED,
    )


def _fresh_since_last_run(
    run: LinkageRun, version: LinkageModelVersion, limits: Any
) -> set[str] | None:
    """Ids of records new or changed since the last successful run with this model and
    these thresholds, whose pairs are all that needs scoring; None when there is no such run
    (a new model or new thresholds score everything again)."""
    last = (
        LinkageRun.objects.filter(status=LinkageRun.Status.SUCCEEDED, model=version)
        .exclude(pk=run.pk)
        .order_by("-started_at")
        .first()
    )
    if last is None or last.started_at is None:
        return None
    if (last.counts.get("upper_threshold"), last.counts.get("lower_threshold")) != (
        limits.person_upper,
        limits.person_lower,
    ):
        return None
    # From the start of that run, not its end: a record that arrived while it ran may
    # have been read too late for it.
    changed = SourceRecord.objects.filter(updated_at__gte=last.started_at)
    return {str(pk) for pk in changed.values_list("pk", flat=True)}


def _engine_progress(run: LinkageRun, start: int, end: int) -> Callable[..., None]:
    """The engine's progress (a fraction, or done and total) mapped into [start, end]."""

    def report(*args: Any, **kwargs: Any) -> None:
        fraction = None
        numbers = [a for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
        if len(numbers) >= 2 and numbers[1]:
            fraction = numbers[0] / numbers[1]
        elif numbers:
            fraction = numbers[0] if numbers[0] <= 1 else numbers[0] / 100
        words = " ".join(str(a) for a in args if isinstance(a, str)) or "Scoring pairs"
        if fraction is not None:
            _report(run, start + (end - start) * max(0.0, min(1.0, fraction)), words)

    return report


def apply_scores(
    run: LinkageRun | None,
    pairs: list[Any],
    *,
    upper: float,
    lower: float,
    held: Callable[[Any], bool] = lambda pair: False,
) -> dict[str, int]:
    """Link at or above `upper`, queue between, nothing below. A pair above `upper` that
    `held` holds back (the model's guards: twins, siblings) is queued, never linked."""
    membership: dict[str, str] = {
        str(pk): str(cluster)
        for pk, cluster in SourceRecord.objects.values_list("pk", "cluster_id")
    }
    members: dict[str, set[str]] = {}
    for record, cluster in membership.items():
        members.setdefault(cluster, set()).add(record)
    apart = kept_apart()
    # People the index had already linked before this run: the batch never joins two of
    # them (a reviewer does), as the engine never merges two existing clusters.
    established = {cluster for cluster, records in members.items() if len(records) > 1}
    referred: set[frozenset[str]] = set()
    links = queued = 0
    ordered = sorted(pairs, key=lambda p: -float(p.match_probability))
    for pair in ordered:
        if float(pair.match_probability) < upper:
            break
        if held(pair):
            continue
        a, b = membership.get(str(pair.left_id)), membership.get(str(pair.right_id))
        if a is None or b is None or a == b:
            continue
        if clusters_apart(members[a], members[b], apart):
            continue
        if a in established and b in established:
            referred.add(frozenset((str(pair.left_id), str(pair.right_id))))
            continue
        into, gone = (a, b) if len(members[a]) >= len(members[b]) else (b, a)
        cluster_merge(
            actor=None,
            into=Cluster.objects.get(pk=into),
            from_cluster=Cluster.objects.get(pk=gone),
            reason=Merge.Reason.AUTOMATIC,
            run=run,
            purpose="Batch linkage above the upper threshold",
        )
        for record in members.pop(gone):
            membership[record] = into
            members[into].add(record)
        links += 1
    existing = {
        frozenset((str(left), str(right)))
        for left, right in ReviewPair.objects.values_list("left_id", "right_id")
    }
    new_pairs: list[ReviewPair] = []
    for pair in ordered:
        probability = float(pair.match_probability)
        key = frozenset((str(pair.left_id), str(pair.right_id)))
        if probability >= upper and not held(pair) and key not in referred:
            continue
        if probability < lower:
            break
        left, right = sorted((str(pair.left_id), str(pair.right_id)))
        if key in existing or key in apart:
            continue
        if membership.get(left) is None or membership.get(left) == membership.get(right):
            continue
        existing.add(key)
        new_pairs.append(
            ReviewPair(
                left_id=left,
                right_id=right,
                match_probability=probability,
                match_weight=float(pair.match_weight),
                evidence={str(k): str(v) for k, v in dict(pair.evidence or {}).items()},
                run=run,
            )
        )
    ReviewPair.objects.bulk_create(new_pairs, batch_size=1000)
    queued = len(new_pairs)
    return {"links": links, "queued_for_review": queued}


def linkage_run_execute(run: LinkageRun, *, actor: Any = None) -> LinkageRun:
    """Do a queued run. Failures are recorded on the run, not raised, so that the page shows
    them; the links already made by a failed run stay (each is a merge that can be undone)."""
    now = timezone.now()
    LinkageRun.objects.filter(pk=run.pk).update(
        status=LinkageRun.Status.RUNNING,
        started_at=now,
        updated_at=now,
        heartbeat_at=now,
        pid=os.getpid(),
        host=socket.gethostname()[:255],
    )
    run.refresh_from_db()
    with _Heartbeat(run):
        done = _execute(run, actor=actor)
    if done.status == LinkageRun.Status.SUCCEEDED:
        _queue_person_index()
    return done


def _queue_person_index() -> None:
    """A run makes a model and links records: the shared index of lookups for them is
    written next, by the job queue (decision 0117), so web processes never build it."""
    if getattr(settings, "NESTGUARD_CANDIDATE_INDEX_BUILD", "") != "shared":
        return
    from nestguard.jobs import enqueue_once

    try:
        enqueue_once("linkage.build_person_index")
    except Exception:
        log.exception("Could not queue the person index's job after a linkage run")


def _execute(run: LinkageRun, *, actor: Any) -> LinkageRun:
    try:
        from nestguard.linkage.engine import link_records

        _report(run, 2, "Adding Nestguard's own people to the index")
        synced = source_records_sync_people(actor=actor)
        _report(run, 5, "Reading source records")
        records = matching.all_engine_records()
        _report(run, 10, "Training the model" if run.retrain else "Loading the model")
        version = _model(run, records)
        LinkageRun.objects.filter(pk=run.pk).update(model=version)
        limits = thresholds()
        model = matching.load_model(version).with_thresholds(
            upper=limits.person_upper, lower=limits.person_lower
        )
        existing = {
            str(pk): str(cluster)
            for pk, cluster in SourceRecord.objects.values_list("pk", "cluster_id")
        }
        fresh = _fresh_since_last_run(run, version, limits)
        _report(
            run,
            30,
            "Scoring pairs" if fresh is None else f"Scoring pairs of {len(fresh):,} new records",
        )
        result = link_records(
            records,
            model,
            engine=run.engine,
            progress=_engine_progress(run, 30, 80),
            existing_clusters=existing,
            fresh=fresh,
        )
        _report(run, 80, "Linking and queueing for review")
        with transaction.atomic():
            applied = apply_scores(
                run,
                [p for p in result.pairs if p.match_probability >= limits.person_lower],
                upper=limits.person_upper,
                lower=limits.person_lower,
                held=lambda pair: any(g.holds(pair.evidence) for g in model.guards),
            )
        counts: dict[str, float] = dict(applied)
        _report(run, 90, "Matching addresses to the register")
        counts.update(address_matches_refresh(actor=actor))
        counts.update(
            records=len(records),
            people_added=synced,
            pairs_scored=len(result.pairs),
            new_records_scored=len(records) if fresh is None else len(fresh),
            upper_threshold=limits.person_upper,
            lower_threshold=limits.person_lower,
        )
        finished = timezone.now()
        with transaction.atomic():
            LinkageRun.objects.filter(pk=run.pk).update(
                status=LinkageRun.Status.SUCCEEDED,
                progress=100,
                stage="Finished",
                finished_at=finished,
                counts=counts,
            )
            run.refresh_from_db()
            audit_record(actor=actor, action="linkage.run_finish", obj=run, details=dict(counts))
        # The candidate index is not dropped: a new model's index replaces it once built, and
        # the records this run added join it at the next lookup (decision 0043).
    except Exception as exc:
        log.exception("linkage run %s failed", run.pk)
        LinkageRun.objects.filter(pk=run.pk).update(
            status=LinkageRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
            stage="Failed",
        )
        log.debug("%s", traceback.format_exc())
        run.refresh_from_db()
    return run
