"""The training register's pages: an agency's coverage and staff records (its supervisors
and administrators), recording and importing completions, and everyone's own record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from nestguard.access.door import record_list, visible
from nestguard.access.rules import SIGNED_IN, access_rule, may_report, signed_in_user
from nestguard.accounts.models import User
from nestguard.core.forms import messages_by_field
from nestguard.core.import_files import check_csv_upload
from nestguard.core.pages import form_acted, posted
from nestguard.training import selectors
from nestguard.training.coverage import coverage
from nestguard.training.forms import CompletionForm, ImportForm
from nestguard.training.models import Completion
from nestguard.training.rules import KEEPING, keeps_training
from nestguard.training.services import completion_record, completions_import

PURPOSE = "admin"


def _keeper(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not keeps_training(user):
        raise Http404
    return user


@access_rule(KEEPING)
def agency_training(request: HttpRequest) -> HttpResponse:
    user = _keeper(request)
    today = timezone.localdate()
    courses = selectors.courses(user)
    staff = selectors.agency_staff(user)
    completions = visible(user, Completion).filter(user__in=staff)
    by_agency = coverage(staff, completions, courses, today)
    by_team = coverage(staff, completions, courses, today, by="team")
    grid = selectors.staff_grid(user, staff, courses, today)
    record_list(
        user, Completion, [c for row in grid for c in row.completions if c], purpose=PURPOSE
    )
    return render(
        request,
        "training/agency.html",
        {
            "courses": courses,
            "by_agency": by_agency,
            "by_team": by_team,
            "grid": grid,
            "today": today,
            # An admin keeps the register but may not read the reports: no link they cannot follow.
            "may_report": may_report(user),
        },
    )


@access_rule(KEEPING)
def completion_new(request: HttpRequest) -> HttpResponse:
    user = _keeper(request)
    staff = list(selectors.agency_staff(user))
    courses = selectors.courses(user)
    form = CompletionForm(posted(request), staff=staff, courses=courses)
    acted = form_acted(
        request,
        form,
        lambda data: completion_record(
            actor=user,
            staff=next((u for u in staff if str(u.pk) == data["user"]), None),
            course=next((c for c in courses if str(c.pk) == data["course"]), None),
            completed_on=data["completed_on"],
        ),
        done="The completion is recorded",
        then=reverse("training:agency"),
    )
    if acted is not None:
        return acted
    return render(request, "training/record.html", {"form": form})


@access_rule(KEEPING)
def completion_import(request: HttpRequest) -> HttpResponse:
    user = _keeper(request)
    form = ImportForm(posted(request), request.FILES or None)
    problems: list[str] = []
    # Not form_acted: a refusal is split into the file's summary error and its line problems.
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_csv_upload(upload)
            text = upload.read().decode("utf-8-sig")
            made = completions_import(actor=user, text=text, source_name=upload.name)
        except UnicodeDecodeError:
            form.add_error("file", "The file must be a CSV file saved as UTF-8")
        except ValidationError as exc:
            found = messages_by_field(exc, "file")
            problems = [m for m in found.get("file", []) if m.startswith("Line ")]
            summary = [m for m in found.get("file", []) if not m.startswith("Line ")]
            form.add_error(
                "file",
                summary[0]
                if summary
                else f"Nothing was imported: {len(problems)} problem(s) to fix",
            )
        else:
            messages.success(request, f"{len(made)} completions imported")
            return redirect(reverse("training:agency"))
    return render(request, "training/import.html", {"form": form, "problems": problems})


@access_rule(SIGNED_IN)
def my_training(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    today = timezone.localdate()
    mine = list(visible(user, Completion).filter(user=user).select_related("course"))
    return render(
        request,
        "training/mine.html",
        {"rows": selectors.own_record(mine, selectors.courses(user), today), "today": today},
    )
