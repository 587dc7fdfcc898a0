"""Prevent and Channel pages (decision 0109): the list of Prevent referrals a user may see,
making one from a referral or case with the radicalisation concern, a referral's page (the
lead records each step there; the referrer's agency sees the stage and outcome), and naming
the Prevent lead."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from nestguard.access.door import load, may, record_list, visible
from nestguard.access.rules import CASE_ROLES, access_rule, roles, signed_in_user
from nestguard.accounts.models import Agency, Role, Team
from nestguard.cases.models import Case
from nestguard.channel.forms import (
    ConsentForm,
    EndForm,
    GatewayForm,
    LeadForm,
    PanelForm,
    ReferForm,
    StartForm,
)
from nestguard.channel.models import ConsentRecord, PreventReferral, Stage
from nestguard.channel.selectors import current_lead
from nestguard.channel.services.prevent import (
    consent_in_force,
    consent_record,
    gateway_record,
    panel_record,
    prevent_lead_name,
    prevent_referral_make,
    support_end,
    support_start,
)
from nestguard.core.forms import GovukForm
from nestguard.core.pages import form_acted, posted
from nestguard.people.models import Person
from nestguard.referrals.models import Referral, indicators

# Referrers follow what became of their own Prevent referrals; the lead's caseworkers and
# supervisors work them.
PREVENT_WORK = roles(Role.CASEWORKER, Role.SUPERVISOR, Role.REFERRER)
NAMING_THE_LEAD = roles(Role.ADMIN)
LIST_LIMIT = 200


@access_rule(PREVENT_WORK)
def prevent_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    shown = list(
        visible(user, PreventReferral)
        .select_related("person", "referrer_agency")
        .order_by("-referred_at", "pk")[:LIST_LIMIT]
    )
    record_list(user, PreventReferral, shown, purpose="prevent")
    return render(
        request,
        "channel/list.html",
        {"title": "Prevent referrals", "referrals": shown, "lead": current_lead()},
    )


def _source(user: Any, source: str, pk: Any) -> Referral | Case:
    """The referral or case the concern is raised from, read through the door."""
    if source == "case":
        return load(user, Case, pk, purpose="case_work")
    if source != "referral":
        raise Http404
    if user.has_role(*CASE_ROLES):
        try:
            return load(user, Referral, pk, purpose="triage")
        except Http404:
            pass
    return load(user, Referral, pk, purpose="own_referral")


@access_rule(PREVENT_WORK)
def prevent_new(request: HttpRequest, source: str, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    origin = _source(user, source, pk)
    subjects: dict[str, Person] = {
        str(s.person_id): s.person
        for s in origin.subjects.select_related("person")  # type: ignore[attr-defined]
        if s.person is not None
    }
    people = [(key, person.display_name) for key, person in subjects.items()]
    form = ReferForm(posted(request), people=people)
    acted = form_acted(
        request,
        form,
        lambda data: prevent_referral_make(
            user,
            person=subjects[data["person"]],
            ideology=data["ideology"],
            signs=data["signs"],
            concern=data["concern"],
            referral=origin if isinstance(origin, Referral) else None,
            case=origin if isinstance(origin, Case) else None,
        ),
        done=lambda record: (
            f"Prevent referral {record.reference} sent to {record.lead_team or record.lead_agency}"
        ),
        then=lambda record: reverse("channel:detail", args=[record.pk]),
    )
    if acted is not None:
        return acted
    return render(
        request,
        "channel/new.html",
        {
            "title": "Make a Prevent referral",
            "form": form,
            "origin": origin,
            "lead": current_lead(),
        },
    )


FORMS: dict[str, type[GovukForm]] = {
    "gateway": GatewayForm,
    "panel": PanelForm,
    "consent": ConsentForm,
    "start": StartForm,
    "end": EndForm,
}
# Which step the lead records next, at each stage.
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    Stage.RECEIVED: ("gateway",),
    Stage.PANEL: ("consent", "panel"),
    Stage.ADOPTED: ("consent", "start"),
    Stage.SUPPORT: ("consent", "end"),
}


def _page(
    request: HttpRequest, record: PreventReferral, bound: dict[str, GovukForm] | None = None
) -> HttpResponse:
    user = signed_in_user(request)
    lead = may(user, "lead", record)
    steps = NEXT_STEPS.get(record.stage, ()) if lead else ()
    forms_ = {step: (bound or {}).get(step) or FORMS[step](prefix=step) for step in steps}
    consents = (
        list(
            visible(user, ConsentRecord)
            .filter(prevent_referral=record)
            .select_related("recorded_by")
        )
        if lead
        else []
    )
    signs = [c.label for c in indicators().codes if c.code in record.signs]
    return render(
        request,
        "channel/detail.html",
        {
            "title": f"Prevent referral about {record.person.display_name}",
            "record": record,
            "lead": lead,
            "forms": forms_,
            "error_form": next((f for f in forms_.values() if f.is_bound and f.errors), None),
            "consents": consents,
            "consent": consent_in_force(record) if lead else None,
            "signs": signs,
        },
    )


@access_rule(PREVENT_WORK)
def prevent_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    return _page(request, load(user, PreventReferral, pk, purpose="prevent"))


def _apply(user: Any, record: PreventReferral, step: str, data: dict[str, Any]) -> str:
    if step == "gateway":
        gateway_record(user, record=record, **data)
        return "Gateway assessment recorded"
    if step == "panel":
        panel_record(user, record=record, **data)
        return "The panel's decision is recorded"
    if step == "consent":
        consent_record(user, record=record, **data)
        return "Consent recorded"
    if step == "start":
        support_start(user, record=record, **data)
        return "Channel support started"
    support_end(user, record=record, **data)
    return "Channel support ended"


@access_rule(PREVENT_WORK)
@require_POST
def prevent_step(request: HttpRequest, pk: Any, step: str) -> HttpResponse:
    user = signed_in_user(request)
    record = load(user, PreventReferral, pk, purpose="prevent")
    if step not in FORMS or not may(user, "lead", record):
        raise Http404
    form = FORMS[step](request.POST, prefix=step)
    acted = form_acted(
        request,
        form,
        lambda data: _apply(user, record, step, dict(data)),
        done=lambda message: message,
        then=reverse("channel:detail", args=[record.pk]),
    )
    if acted is not None:
        return acted
    record.refresh_from_db()
    return _page(request, record, {step: form})


@access_rule(NAMING_THE_LEAD)
def lead_settings(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    agencies = list(Agency.objects.filter(active=True).order_by("name"))
    teams = list(Team.objects.select_related("agency").order_by("agency__name", "name"))
    form = LeadForm(posted(request), agencies=agencies, teams=teams)

    def name(data: dict[str, Any]) -> Any:
        kind, _, key = data["lead"].partition(":")
        team = next((t for t in teams if str(t.pk) == key), None) if kind == "team" else None
        agency = team.agency if team else next(a for a in agencies if str(a.pk) == key)
        return prevent_lead_name(user, agency=agency, team=team)

    acted = form_acted(
        request,
        form,
        name,
        done=lambda lead: f"{lead} is now the Prevent lead",
        then=reverse("channel:lead"),
        rename={"team": "lead"},
    )
    if acted is not None:
        return acted
    return render(
        request,
        "channel/lead.html",
        {"title": "The Prevent lead", "form": form, "lead": current_lead()},
    )
