"""The retention pages: the schedule and its history, legal holds, disposal review and the
certificates. Data protection officers only; reads through the door."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from nestguard.access.door import load
from nestguard.access.rules import access_rule, signed_in_user
from nestguard.core.pages import apply_service_errors
from nestguard.retention import selectors
from nestguard.retention.certificates import certificate_ods
from nestguard.retention.forms import ApproveForm, ExtendForm, HoldForm, LiftForm, RuleForm
from nestguard.retention.models import (
    BatchStatus,
    DisposalBatch,
    DisposalCertificate,
    LegalHold,
    RetentionRule,
)
from nestguard.retention.rules import DATA_PROTECTION
from nestguard.retention.services import legal_hold_lift, legal_hold_place, rule_update
from nestguard.retention.services.batches import batch_approve, batch_extend
from nestguard.retention.services.holds import hold_reasons, hold_target
from nestguard.retention.services.schedule import schedule_data

PURPOSE = "data_protection"


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@access_rule(DATA_PROTECTION)
def schedule(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "retention/schedule.html",
        {
            "rules": selectors.schedule(user),
            "runs_from": schedule_data()["runs_from"],
            "actions": schedule_data()["actions"],
        },
    )


@access_rule(DATA_PROTECTION)
def rule_edit(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    rule = load(user, RetentionRule, pk, purpose=PURPOSE)
    initial = {
        "period_months": rule.period_months,
        "runs_from": rule.runs_from,
        "action": rule.action,
        "local_policy": rule.local_policy,
        "source": rule.source,
        "version": rule.version,
    }
    form = RuleForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule_update(
                actor=user,
                rule=rule,
                values={
                    k: data[k]
                    for k in ("period_months", "runs_from", "action", "local_policy", "source")
                },
                reason=data["reason"],
                version=data["version"] or rule.version,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{rule.label}: rule changed")
            return redirect(reverse("retention:schedule"))
    return render(
        request,
        "retention/rule_edit.html",
        {"rule": rule, "form": form, "history": selectors.rule_history(rule)},
    )


@access_rule(DATA_PROTECTION)
def holds(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = HoldForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = hold_target(data["target_type"], data["target"])
            legal_hold_place(
                actor=user, target=target, reason=data["reason"], reference=data["reference"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Legal hold placed")
            return redirect(reverse("retention:holds"))
    return render(
        request,
        "retention/holds.html",
        {
            "form": form,
            "active": selectors.active_holds(user),
            "lifted": selectors.lifted_holds(user),
            "reasons": hold_reasons(),
        },
    )


@access_rule(DATA_PROTECTION)
def hold_lift(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    hold = load(user, LegalHold, pk, purpose=PURPOSE)
    form = LiftForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            legal_hold_lift(actor=user, hold=hold, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Legal hold lifted")
            return redirect(reverse("retention:holds"))
    return render(
        request,
        "retention/hold_lift.html",
        {"hold": hold, "form": form, "reasons": hold_reasons()},
    )


@access_rule(DATA_PROTECTION)
def disposals(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "retention/disposals.html",
        {
            "awaiting": selectors.batches_awaiting(user),
            "decided": selectors.batches_decided(user),
        },
    )


@access_rule(DATA_PROTECTION)
def batch(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    record = load(user, DisposalBatch, pk, purpose=PURPOSE, related=("rule",))
    decision = request.POST.get("decision") if request.method == "POST" else None
    approve = ApproveForm(request.POST if decision == "approve" else None)
    extend = ExtendForm(request.POST if decision == "extend" else None, prefix="extend")
    if decision == "approve" and approve.is_valid():
        try:
            batch_approve(actor=user, batch=record)
        except ValidationError as exc:
            apply_service_errors(approve, exc)
        else:
            messages.success(request, f"{record.reference} approved")
            return redirect(reverse("retention:batch", args=[record.pk]))
    if decision == "extend" and extend.is_valid():
        try:
            batch_extend(
                actor=user,
                batch=record,
                until=extend.cleaned_data["until"],
                reason=extend.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(extend, exc)
        else:
            messages.success(request, f"{record.reference}: records kept")
            return redirect(reverse("retention:batch", args=[record.pk]))
    pending = record.status in (BatchStatus.AWAITING_REVIEW, BatchStatus.AWAITING_SECOND)
    return render(
        request,
        "retention/batch.html",
        {
            "batch": record,
            "items": selectors.batch_items(record),
            "approve": approve,
            "extend": extend,
            "pending": pending,
            "may_approve": pending
            and not (
                record.status == BatchStatus.AWAITING_SECOND and record.approved_by_id == user.pk
            ),
            "certificate": selectors.certificate_of(user, record),
        },
    )


@access_rule(DATA_PROTECTION)
def certificate(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    record = load(user, DisposalCertificate, pk, purpose=PURPOSE, related=("batch",))
    if request.GET.get("format") == "ods":
        response = HttpResponse(
            certificate_ods(record),
            content_type="application/vnd.oasis.opendocument.spreadsheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{record.reference}.ods"'
        return response
    return render(request, "retention/certificate.html", {"certificate": record})
