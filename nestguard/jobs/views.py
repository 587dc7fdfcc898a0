"""The jobs page: the runs a user may see (all of them for administrators), one run's
detail, and administrators starting the jobs that may be started by hand."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from nestguard.access.door import load
from nestguard.access.rules import ADMINISTERING, access_rule, signed_in_user
from nestguard.core.forms import messages_by_field
from nestguard.jobs import registry, selectors, services
from nestguard.jobs.forms import JobStartForm
from nestguard.jobs.models import JobRun
from nestguard.jobs.rules import JOB_WATCHING, sees_every_run


def _valid_key(value: str | None) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


def _list(
    request: HttpRequest, form: JobStartForm | None = None, status: int = 200
) -> HttpResponse:
    user = signed_in_user(request)
    runs, next_key = selectors.run_page(user, before=_valid_key(request.GET.get("before")))
    may_start = sees_every_run(user) and bool(registry.manual_jobs())
    titles = {spec.name: spec.title for spec in registry.all_jobs()}
    for run in runs:
        run.title = titles.get(run.name, run.name)  # type: ignore[attr-defined]
    return render(
        request,
        "jobs/list.html",
        {
            "runs": runs,
            "next_key": next_key,
            "older": bool(request.GET.get("before")),
            "form": (form or JobStartForm()) if may_start else None,
            "sees_every_run": sees_every_run(user),
        },
        status=status,
    )


@access_rule(JOB_WATCHING)
def job_list(request: HttpRequest) -> HttpResponse:
    return _list(request)


@access_rule(ADMINISTERING)
@require_POST
def job_start(request: HttpRequest) -> HttpResponse:
    form = JobStartForm(request.POST)
    if form.is_valid():
        try:
            run = services.job_start(actor=signed_in_user(request), name=form.cleaned_data["name"])
        except ValidationError as exc:
            for field, errors in messages_by_field(exc).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, f"Started: {registry.get(run.name).title}")
            return redirect("jobs:detail", pk=run.pk)
    return _list(request, form, status=400)


@access_rule(JOB_WATCHING)
def job_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    run = load(request.user, JobRun, pk, purpose="admin")
    try:
        title = registry.get(run.name).title
    except LookupError:
        title = run.name
    return render(request, "jobs/detail.html", {"run": run, "title": title})
