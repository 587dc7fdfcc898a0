"""The retention pages: the schedule and its history, legal holds, disposal review and the
certificates. Data protection officers only; reads through the door."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from nestguard.access.door import load
from nestguard.access.rules import access_rule, signed_in_user
from nestguard.core.pages import form_acted, posted
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
    form = RuleForm(posted(request), initial=initial)

    def change(data: dict[str, Any]) -> RetentionRule:
        return rule_update(
            actor=user,
            rule=rule,
            values={
                k: data[k]
                for k in ("period_months", "runs_from", "action", "local_policy", "source")
            },
            reason=data["reason"],
            version=data["version"] or rule.version,
        )

    acted = form_acted(
        request,
        form,
        change,
        done=f"{rule.label}: rule changed",
        then=reverse("retention:schedule"),
    )
    if acted is not None:
        return acted
    return render(
        request,
        "retention/rule_edit.html",
        {"rule": rule, "form": form, "history": selectors.rule_history(rule)},
    )


@access_rule(DATA_PROTECTION)
def holds(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = HoldForm(posted(request))

    def place(data: dict[str, Any]) -> Any:
        target = hold_target(data["target_type"], data["target"])
        return legal_hold_place(
            actor=user, target=target, reason=data["reason"], reference=data["reference"]
        )

    acted = form_acted(
        request, form, place, done="Legal hold placed", then=reverse("retention:holds")
    )
    if acted is not None:
        return acted
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
    form = LiftForm(posted(request))
    acted = form_acted(
        request,
        form,
        lambda data: legal_hold_lift(actor=user, hold=hold, reason=data["reason"]),
        done="Legal hold lifted",
        then=reverse("retention:holds"),
    )
    if acted is not None:
        return acted
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
    here = reverse("retention:batch", args=[record.pk])
    # Only the form the decision names is bound; the other stays unbound and does not act.
    acted = form_acted(
        request,
        approve,
        lambda _: batch_approve(actor=user, batch=record),
        done=f"{record.reference} approved",
        then=here,
    ) or form_acted(
        request,
        extend,
        lambda data: batch_extend(
            actor=user, batch=record, until=data["until"], reason=data["reason"]
        ),
        done=f"{record.reference}: records kept",
        then=here,
    )
    if acted is not None:
        return acted
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
