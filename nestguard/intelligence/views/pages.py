"""Partner intelligence pages: submit, my agency's reports, a report, the grading queue,
grade, sanitise, check, share, a sanitised version, and what my agency received."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from nestguard.access.door import load, may, record_list
from nestguard.access.rules import access_rule, signed_in_user
from nestguard.accounts.models import User
from nestguard.core.keyset import keyset_page
from nestguard.core.pages import form_acted, posted
from nestguard.intelligence import forms as f
from nestguard.intelligence import policy, selectors
from nestguard.intelligence.models import (
    IntelligenceReport,
    SanitisedVersion,
    SubjectKind,
    VersionStatus,
)
from nestguard.intelligence.rules import GRADING, RECEIVING, SUBMITTING
from nestguard.intelligence.services.reports import (
    intelligence_report_grade,
    intelligence_report_submit,
)
from nestguard.intelligence.services.sanitise import (
    sanitised_version_check,
    sanitised_version_share,
    sanitised_version_write,
)
from nestguard.intelligence.services.subjects import lines

PURPOSE = "intelligence"
PAGE_SIZE = 25
_SUBJECT_BOXES = (
    ("people", SubjectKind.PERSON),
    ("addresses", SubjectKind.ADDRESS),
    ("phones", SubjectKind.PHONE),
    ("vehicles", SubjectKind.VEHICLE),
    ("other", SubjectKind.TEXT),
)


def _grader(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not policy.is_intelligence_officer(user):
        raise PermissionDenied
    return user


def _labels(record: Any) -> dict[str, str]:
    return {
        "source_evaluation": policy.source_evaluations().label(record.source_evaluation),
        "intelligence_assessment": policy.intelligence_assessments().label(
            record.intelligence_assessment
        ),
        "handling_code": policy.handling_codes().label(record.handling_code),
    }


@access_rule(SUBMITTING)
def submit(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = f.SubmitForm(posted(request))

    def send(data: dict[str, Any]) -> IntelligenceReport:
        subjects = [s for name, kind in _SUBJECT_BOXES for s in lines(kind, data[name])]
        return intelligence_report_submit(
            actor=user, observed_on=data["observed_on"], observed_time=data["observed_time"],
            location=data["location"], what=data["what"], how_known=data["how_known"],
            how_known_detail=data["how_known_detail"], subjects=subjects,
        )  # fmt: skip

    acted = form_acted(
        request,
        form,
        send,
        done=lambda report: f"Intelligence {report.reference} sent to the intelligence function",
        then=lambda report: reverse("intelligence:report", args=[report.pk]),
    )
    if acted is not None:
        return acted
    return render(request, "intelligence/submit.html", {"form": form})


@access_rule(SUBMITTING)
def mine(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = keyset_page(
        selectors.agency_reports(user), selectors.NEWEST_FIRST,
        cursor=request.GET.get("page"), size=PAGE_SIZE,
    )  # fmt: skip
    record_list(user, IntelligenceReport, page.rows, purpose=PURPOSE, details={"list": "agency"})
    receives = RECEIVING.allows(user)
    return render(
        request, "intelligence/mine.html", {"page": page, "query": "", "receives": receives}
    )


@access_rule(SUBMITTING)
def report_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    report = load(user, IntelligenceReport, pk, purpose=PURPOSE)
    see_grade = may(user, "see_grade", report)
    return render(
        request,
        "intelligence/report.html",
        {
            "report": report,
            "subjects": report.subjects.all(),
            "see_grade": see_grade,
            "labels": _labels(report) if see_grade and report.graded_at else {},
            "excluded": report.excluded_agencies.all() if see_grade else [],
            "gradable": may(user, "grade", report),
            "sanitisable": may(user, "sanitise", report),
            "versions": selectors.versions_of(user, report),
        },
    )


@access_rule(GRADING)
def queue(request: HttpRequest) -> HttpResponse:
    user = _grader(request)
    reports = selectors.grading_queue(user)
    now = timezone.now()
    overdue_count = reports.filter(due_at__lt=now).count()
    page = keyset_page(
        reports, selectors.QUEUE_KEYS, cursor=request.GET.get("page"), size=PAGE_SIZE
    )
    record_list(user, IntelligenceReport, page.rows, purpose=PURPOSE, details={"list": "queue"})
    checks = list(selectors.checks_waiting(user).order_by("created_at")[:PAGE_SIZE])
    record_list(user, SanitisedVersion, checks, purpose=PURPOSE, details={"list": "checks"})
    graded = list(selectors.graded_reports(user).order_by("-graded_at")[:PAGE_SIZE])
    record_list(user, IntelligenceReport, graded, purpose=PURPOSE, details={"list": "graded"})
    return render(
        request,
        "intelligence/queue.html",
        {
            "page": page,
            "query": "",
            "now": now,
            "overdue_count": overdue_count,
            "checks": checks,
            "graded": graded,
        },
    )


@access_rule(GRADING)
def grade(request: HttpRequest, pk: Any) -> HttpResponse:
    user = _grader(request)
    report = load(user, IntelligenceReport, pk, purpose=PURPOSE)
    if not may(user, "grade", report):
        return redirect(reverse("intelligence:report", args=[report.pk]))
    form = f.GradeForm(posted(request))
    acted = form_acted(
        request,
        form,
        lambda data: intelligence_report_grade(
            actor=user, report=report, source_evaluation=data["source_evaluation"],
            intelligence_assessment=data["intelligence_assessment"],
            handling_code=data["handling_code"],
            handling_conditions=data["handling_conditions"],
            excluded_agencies=list(data["excluded_agencies"]),
        ),
        done=f"{report.reference} graded",
        then=reverse("intelligence:sanitise", args=[report.pk]),
    )  # fmt: skip
    if acted is not None:
        return acted
    return render(
        request,
        "intelligence/grade.html",
        {"report": report, "subjects": report.subjects.all(), "form": form},
    )


@access_rule(GRADING)
def sanitise(request: HttpRequest, pk: Any) -> HttpResponse:
    user = _grader(request)
    report = load(user, IntelligenceReport, pk, purpose=PURPOSE)
    if not may(user, "sanitise", report):
        return redirect(reverse("intelligence:report", args=[report.pk]))
    subjects = list(report.subjects.all())
    form = f.SanitiseForm(posted(request), subjects=subjects, initial={"text": report.what})

    def written(version: SanitisedVersion) -> str:
        if version.status == VersionStatus.AWAITING_CHECK:
            return f"{version.reference} written: another officer must check it"
        return f"{version.reference} written and ready to share"

    acted = form_acted(
        request,
        form,
        lambda data: sanitised_version_write(
            actor=user, report=report, text=data["text"], keep_subjects=data["keep_subjects"]
        ),
        done=written,
        then=lambda version: reverse("intelligence:version", args=[version.pk]),
    )
    if acted is not None:
        return acted
    return render(
        request,
        "intelligence/sanitise.html",
        {"report": report, "labels": _labels(report), "form": form},
    )


@access_rule(RECEIVING)
def version_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    version = load(user, SanitisedVersion, pk, purpose=PURPOSE)
    works = may(user, "work", version)
    return render(
        request,
        "intelligence/version.html",
        {
            "version": version,
            "subjects": version.subjects.all(),
            "labels": _labels(version),
            "works": works,
            "shares": selectors.shares_of(user, version),
            "checkable": works
            and version.status == VersionStatus.AWAITING_CHECK
            and version.written_by_id != user.pk,
            "shareable": works and version.status == VersionStatus.RELEASED,
        },
    )


def _worked_version(request: HttpRequest, pk: Any) -> tuple[User, SanitisedVersion]:
    user = _grader(request)
    version = load(user, SanitisedVersion, pk, purpose=PURPOSE)
    if not may(user, "work", version):
        raise Http404
    return user, version


@access_rule(GRADING)
def check(request: HttpRequest, pk: Any) -> HttpResponse:
    user, version = _worked_version(request, pk)
    if version.status != VersionStatus.AWAITING_CHECK or version.written_by_id == user.pk:
        return redirect(reverse("intelligence:version", args=[version.pk]))
    form = f.CheckForm(posted(request))

    def checked(data: dict[str, Any]) -> bool:
        passed = data["outcome"] == "pass"
        sanitised_version_check(actor=user, version=version, passed=passed, note=data["note"])
        return passed

    acted = form_acted(
        request,
        form,
        checked,
        done=lambda passed: f"{version.reference} " + ("released" if passed else "returned"),
        then=reverse("intelligence:version", args=[version.pk]),
    )
    if acted is not None:
        return acted
    return render(
        request,
        "intelligence/check.html",
        {
            "version": version,
            "subjects": version.subjects.all(),
            "labels": _labels(version),
            "form": form,
        },
    )


@access_rule(GRADING)
def share(request: HttpRequest, pk: Any) -> HttpResponse:
    user, version = _worked_version(request, pk)
    if version.status != VersionStatus.RELEASED:
        return redirect(reverse("intelligence:version", args=[version.pk]))
    targets = selectors.share_targets(version)
    form = f.ShareForm(posted(request), targets=targets)

    def shared(data: dict[str, Any]) -> Any:
        sanitised_version_share(actor=user, version=version, agency=data["agency"])
        return data["agency"]

    acted = form_acted(
        request,
        form,
        shared,
        done=lambda agency: f"{version.reference} shared with {agency}",
        then=reverse("intelligence:version", args=[version.pk]),
    )
    if acted is not None:
        return acted
    return render(
        request,
        "intelligence/share.html",
        {"version": version, "labels": _labels(version), "form": form, "targets": targets},
    )


@access_rule(RECEIVING)
def received(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    page = keyset_page(
        selectors.received_versions(user), selectors.NEWEST_FIRST,
        cursor=request.GET.get("page"), size=PAGE_SIZE,
    )  # fmt: skip
    record_list(user, SanitisedVersion, page.rows, purpose=PURPOSE, details={"list": "received"})
    return render(request, "intelligence/received.html", {"page": page, "query": ""})
