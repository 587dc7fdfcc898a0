"""Risk pages: choose a tool, answer its items, see the score, band and every contribution."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from nestguard.access.door import load
from nestguard.access.rules import CASEWORK, access_rule, signed_in_user
from nestguard.cases import rules
from nestguard.cases.models import Case, CaseStatus
from nestguard.cases.selectors import subject_rows
from nestguard.risk import services
from nestguard.risk.forms import AssessmentForm, ChooseInstrumentForm
from nestguard.risk.loader import get_instrument
from nestguard.risk.models import RiskAssessment
from nestguard.risk.selectors import previous_assessment


@access_rule(CASEWORK)
def assess(request: HttpRequest, pk: Any) -> HttpResponse:
    """GET: choose the tool, then its items. POST: record the assessment."""
    user = signed_in_user(request)
    case = load(user, Case, pk, purpose="case_work")
    if not rules.can_edit_case(user, case):
        raise PermissionDenied
    if case.status == CaseStatus.CLOSED:
        return render(request, "risk/closed.html", {"case": case})
    code = request.POST.get("instrument") if request.method == "POST" else None
    if code is None:
        choose = ChooseInstrumentForm(request.GET if "instrument" in request.GET else None)
        if not choose.is_bound or not choose.is_valid():
            return render(request, "risk/choose.html", {"case": case, "form": choose})
        code = choose.cleaned_data["instrument"]
    instrument = get_instrument(code)
    if instrument is None:
        return redirect(reverse("risk:assess", args=[case.pk]))
    people = [row.person for row in subject_rows(case)]
    has_previous = case.assessments.filter(instrument=instrument.code).exists()
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        instrument=instrument,
        people=people,
        initial={"stage": "review" if has_previous else "initial"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(
                actor=user,
                case=case,
                instrument=instrument,
                stage=form.cleaned_data["stage"],
                answers=form.answers(),
                judgement_adjustment=form.cleaned_data["judgement_adjustment"],
                judgement_reason=form.cleaned_data["judgement_reason"],
                person=form.cleaned_data["person"],
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(form.service_field(key), message)
        else:
            return redirect(reverse("risk:assessment", args=[assessment.pk]) + "?recorded=1")
    return render(
        request,
        "risk/assess.html",
        {"case": case, "form": form, "instrument": instrument},
    )


@access_rule(CASEWORK)
def assessment(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    record = load(user, RiskAssessment, pk, purpose="case_work")
    instrument = get_instrument(record.instrument, record.instrument_version)
    rows: list[dict[str, Any]] = []
    if instrument is not None:
        for group, items in instrument.groups:
            for n, item in enumerate(items):
                option = item.option(record.answers.get(item.code, ""))
                rows.append(
                    {
                        "group": group if n == 0 else "",
                        "item": item,
                        "answer": option.label if option else record.answers.get(item.code, ""),
                        "score": record.item_scores.get(item.code, 0),
                        "max": item.max_score,
                    }
                )
    band = instrument.band(record.band) if instrument else None
    previous = previous_assessment(record)
    return render(
        request,
        "risk/assessment.html",
        {
            "case": record.case,
            "assessment": record,
            "instrument": instrument,
            "band": band,
            "rows": rows,
            "previous": previous,
            "applied": record.overall_score - record.assessment_score,
            "recorded": request.GET.get("recorded") == "1",
        },
    )
