"""Pathway pages: HTTP only. Reads come from `pathways.selectors`, writes go through the
pathway services, permissions are `pathways.rules`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from nestguard.access.door import load, visible
from nestguard.access.rules import CASEWORK, REPORTING, SIGNED_IN, access_rule, signed_in_user
from nestguard.cases import selectors as case_selectors
from nestguard.cases.models import Case
from nestguard.core.clocks import due_page
from nestguard.core.keyset import KeysetPage
from nestguard.core.pages import apply_service_errors
from nestguard.directory.selectors import directory
from nestguard.pathways import forms as pforms
from nestguard.pathways import policy, rules, selectors
from nestguard.pathways.models import DutyToNotify, MissingEpisode, NrmReferral, OnwardReferral
from nestguard.pathways.services import missing, nrm, onward
from nestguard.people.models import Person
from nestguard.places.models import Address
from nestguard.referrals.models import concern_types


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    title: str,
    caption: str,
    back: tuple[str, str],
    button: str,
    act: Callable[[dict[str, Any]], Any],
    done: str,
    then: Callable[[Any], str],
    intro: str = "",
    rename: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A form; on a good POST the service acts and we go on; on a bad one, the error summary
    and nothing written."""
    if request.method == "POST" and form.is_valid():
        try:
            result = act(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc, rename)
        else:
            messages.success(request, done)
            return redirect(then(result))
    context = {
        "form": form,
        "title": title,
        "caption": caption,
        "back_url": back[0],
        "back_text": back[1],
        "button": button,
        "intro": intro,
        **(extra or {}),
    }
    return render(request, "pathways/form.html", context)


# ---------------------------------------------------------------------------------------------
# Missing episodes


@access_rule(CASEWORK)
def missing_new(request: HttpRequest, person_pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    person = load(user, Person, person_pk, purpose="case_work")
    if not rules.can_record_missing(user, person):
        raise PermissionDenied
    cases = list(selectors.cases_naming(user, person))
    initial = {"case": request.GET.get("case", "")}

    def act(d: dict[str, Any]) -> Any:
        return missing.missing_episode_record(
            actor=user, person=person, case=d["case"], report_type=d["report_type"],
            risk_grade=d["risk_grade"], category=d["category"], care_status=d["care_status"],
            started_at=d["started_at"], police_reference=d["police_reference"],
            circumstances=d["circumstances"],
        )  # fmt: skip

    return _form_page(
        request,
        form=pforms.MissingEpisodeForm(_posted(request), cases=cases, initial=initial),
        title="Record a missing episode",
        caption=person.display_name,
        back=_back_for_person(cases, request.GET.get("case", "")),
        button="Record episode",
        intro="Record the report as the police graded it. Record the return on the episode's "
        "page when they are found.",
        act=act,
        done="Missing episode recorded",
        then=lambda episode: reverse("pathways:missing_detail", args=[episode.pk]),
        rename={"started_at": "started_on", "reported_at": "started_on"},
    )


def _back_for_person(cases: list[Any], case_pk: str) -> tuple[str, str]:
    for case in cases:
        if str(case.pk) == case_pk:
            return reverse("cases:detail", args=[case.pk]), f"Back to case {case.reference}"
    return reverse("pathways:due"), "Back to due and overdue"


@access_rule(CASEWORK)
def missing_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    episode = load(
        user,
        MissingEpisode,
        pk,
        purpose="case_work",
    )
    interview = selectors.return_interview_of(episode)
    others = [e for e in selectors.person_episodes(user, episode.person) if e.pk != episode.pk]
    return render(
        request,
        "pathways/missing_detail.html",
        {
            "episode": episode,
            "interview": interview,
            "clock": selectors.rhi_clock(episode, interview),
            "rhi_hours": policy.rhi_hours(),
            "others": others[:20],
            "codes": {
                name: policy.codes(name)
                for name in (
                    "report_types",
                    "missing_risk_grades",
                    "missing_categories",
                    "care_statuses",
                    "found_by",
                    "rhi_outcomes",
                    "rhi_themes",
                )
            },
            "may_update": rules.can_update_episode(user, episode),
            "found_address_url": _address_url(user, episode.found_address_id),
        },
    )


def _address_url(user: Any, address_id: Any) -> str:
    """The address page, for a viewer who may open it (a case or referral there they see)."""
    if address_id is None or not visible(user, Address).filter(pk=address_id).exists():
        return ""
    return reverse("places:detail", args=[address_id])


def _updatable_episode(request: HttpRequest, pk: Any) -> Any:
    user = signed_in_user(request)
    episode = load(
        user,
        MissingEpisode,
        pk,
        purpose="case_work",
    )
    if not rules.can_update_episode(user, episode):
        raise PermissionDenied
    return episode


def _episode_page(episode: Any) -> tuple[str, str]:
    return reverse("pathways:missing_detail", args=[episode.pk]), f"Back to {episode.reference}"


@access_rule(CASEWORK)
def missing_return(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    episode = _updatable_episode(request, pk)

    def act(d: dict[str, Any]) -> Any:
        return missing.missing_episode_return(
            actor=user, episode=episode, returned_at=d["returned_at"], found_by=d["found_by"],
            found_location=d["found_location"],
            found_address_line1=d["found_address_line1"],
            found_address_line2=d["found_address_line2"],
            found_address_town=d["found_address_town"],
            found_address_postcode=d["found_address_postcode"],
            safe_and_well_at=d["safe_and_well_at"],
            safe_and_well_by=d["safe_and_well_by"], harm=d["harm"],
            harm_details=d["harm_details"],
        )  # fmt: skip

    return _form_page(
        request,
        form=pforms.ReturnForm(_posted(request)),
        title="Record their return",
        caption=f"{episode.reference}: {episode.person.display_name}",
        back=_episode_page(episode),
        button="Record return",
        intro=f"The return home interview should be completed within {policy.rhi_hours()} "
        "hours of their return.",
        act=act,
        done="Return recorded",
        then=lambda e: reverse("pathways:missing_detail", args=[e.pk]),
        rename={"returned_at": "returned_on", "safe_and_well_at": "safe_and_well_on"},
    )


@access_rule(CASEWORK)
def missing_interview(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    episode = _updatable_episode(request, pk)

    def act(d: dict[str, Any]) -> Any:
        return missing.return_interview_record(
            actor=user, episode=episode, outcome=d["outcome"], offered_at=d["offered_at"],
            completed_at=d["completed_at"], interviewer=d["interviewer"],
            interviewer_independent=d["interviewer_independent"] == "yes",
            themes=d["themes"], where_they_were=d["where_they_were"], who_with=d["who_with"],
            exploitation_signs=d["exploitation_signs"], reason_not_held=d["reason_not_held"],
        )  # fmt: skip

    return _form_page(
        request,
        form=pforms.InterviewForm(_posted(request)),
        title="Record the return home interview",
        caption=f"{episode.reference}: {episode.person.display_name}",
        back=_episode_page(episode),
        button="Save interview",
        intro="The child may decline. A decision not to hold one must be recorded with its reason.",
        act=act,
        done="Return home interview recorded",
        then=lambda interview: reverse("pathways:missing_detail", args=[episode.pk]),
        rename={"offered_at": "offered_on", "completed_at": "completed_on"},
    )


@access_rule(REPORTING)
def missing_report(request: HttpRequest) -> HttpResponse:
    """The missing episodes report is a registered report now (suppressed, exported and
    audited like every other, decision 0089); its old address still leads there."""
    return redirect("reporting:report", name="missing_episodes")


# ---------------------------------------------------------------------------------------------
# NRM and Duty to Notify


@access_rule(CASEWORK)
def nrm_new(request: HttpRequest, person_pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    if not rules.can_refer_to_nrm(user):
        raise PermissionDenied(rules.NOT_FIRST_RESPONDER)
    person = load(user, Person, person_pk, purpose="case_work")
    cases = list(selectors.cases_naming(user, person))
    initial = {
        "case": request.GET.get("case", ""),
        "referred_on": timezone.localdate(),
        "decision_body": "sca",
    }

    def act(d: dict[str, Any]) -> Any:
        return nrm.nrm_referral_record(
            actor=user, person=person, case=d["case"], referred_on=d["referred_on"],
            consent=d["consent"], exploitation_types=d["exploitation_types"],
            decision_body=d["decision_body"], may_be_child=d["may_be_child"],
            summary=d["summary"],
        )  # fmt: skip

    age = person.age
    return _form_page(
        request,
        form=pforms.NrmReferralForm(_posted(request), cases=cases, initial=initial),
        title="Record an NRM referral",
        caption=person.display_name,
        back=_back_for_person(cases, request.GET.get("case", "")),
        button="Record referral",
        intro=(
            f"{person.display_name} is {age}. " if age is not None else "Their age is not known. "
        )
        + "Adults must give informed consent after you explain the NRM, the support and the "
        "possible outcomes; children need not. If an adult declines, record an anonymous Duty "
        "to Notify instead.",
        act=act,
        done="NRM referral recorded",
        then=lambda referral: reverse("pathways:nrm_detail", args=[referral.pk]),
        extra={"dtn_link": reverse("pathways:dtn_new")},
    )


NRM_ACTIONS = (
    ("reasonable_grounds", "pathways:nrm_reasonable_grounds", "Record the reasonable grounds "
     "decision"),
    ("conclusive_grounds", "pathways:nrm_conclusive_grounds", "Record the conclusive grounds "
     "decision"),
    ("reconsideration", "pathways:nrm_reconsideration", "Record a request for reconsideration"),
    ("withdrawal", "pathways:nrm_withdraw", "Record a withdrawal"),
)  # fmt: skip


@access_rule(CASEWORK)
def nrm_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    referral = load(
        user,
        NrmReferral,
        pk,
        purpose="case_work",
    )
    transitions = policy.nrm_transitions()
    may = rules.can_update_nrm(user, referral)
    actions = []
    if may:
        for action, url_name, text in NRM_ACTIONS:
            if transitions.allows(action, referral.stage_key) and not (
                action == "withdrawal" and referral.is_child
            ):
                actions.append((reverse(url_name, args=[referral.pk]), text))
    return render(
        request,
        "pathways/nrm_detail.html",
        {
            "referral": referral,
            "standing": selectors.nrm_standing(referral),
            "history": referral.stage_changes.select_related("recorded_by"),
            "stages": policy.codes("nrm_stages"),
            "consents": policy.codes("nrm_consent"),
            "bodies": policy.codes("nrm_decision_bodies"),
            "concerns": concern_types(),
            "actions": actions,
        },
    )


def _nrm_for_update(request: HttpRequest, pk: Any) -> Any:
    user = signed_in_user(request)
    referral = load(
        user,
        NrmReferral,
        pk,
        purpose="case_work",
    )
    if not rules.can_update_nrm(user, referral):
        raise PermissionDenied
    return referral


def _nrm_page(referral: Any) -> str:
    return reverse("pathways:nrm_detail", args=[referral.pk])


@access_rule(CASEWORK)
def nrm_reasonable_grounds(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    referral = _nrm_for_update(request, pk)
    return _form_page(
        request,
        form=pforms.DecisionForm(_posted(request), outcomes=pforms.RG_OUTCOMES),
        title="Record the reasonable grounds decision",
        caption=referral.reference,
        back=(_nrm_page(referral), f"Back to {referral.reference}"),
        button="Save decision",
        intro=f"The decision was due by {referral.rg_due_on:%-d %B %Y}. A positive decision "
        f"starts a recovery period of at least "
        f"{policy.rule_value('nrm_rules', 'recovery_min_days')} days.",
        act=lambda d: nrm.nrm_reasonable_grounds_record(
            actor=user,
            referral=referral,
            outcome=d["outcome"],
            decided_on=d["decided_on"],
            note=d["note"],
        ),
        done="Decision recorded",
        then=_nrm_page,
        rename={"stage": "outcome"},
    )


@access_rule(CASEWORK)
def nrm_conclusive_grounds(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    referral = _nrm_for_update(request, pk)
    ends = (
        f"The recovery period ends on {referral.recovery_ends_on:%-d %B %Y}."
        if referral.recovery_ends_on
        else ""
    )
    return _form_page(
        request,
        form=pforms.DecisionForm(_posted(request), outcomes=pforms.CG_OUTCOMES),
        title="Record the conclusive grounds decision",
        caption=referral.reference,
        back=(_nrm_page(referral), f"Back to {referral.reference}"),
        button="Save decision",
        intro=f"Decided on the balance of probabilities. {ends}",
        act=lambda d: nrm.nrm_conclusive_grounds_record(
            actor=user,
            referral=referral,
            outcome=d["outcome"],
            decided_on=d["decided_on"],
            note=d["note"],
        ),
        done="Decision recorded",
        then=_nrm_page,
        rename={"stage": "outcome"},
    )


@access_rule(CASEWORK)
def nrm_reconsideration(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    referral = _nrm_for_update(request, pk)
    return _form_page(
        request,
        form=pforms.ReasonForm(_posted(request)),
        title="Record a request for reconsideration",
        caption=referral.reference,
        back=(_nrm_page(referral), f"Back to {referral.reference}"),
        button="Save request",
        act=lambda d: nrm.nrm_reconsideration_request(
            actor=user, referral=referral, requested_on=d["on"], reason=d["reason"]
        ),
        done="Reconsideration request recorded",
        then=_nrm_page,
        rename={"requested_on": "on", "stage": "reason"},
    )


@access_rule(CASEWORK)
def nrm_withdraw(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    referral = _nrm_for_update(request, pk)
    return _form_page(
        request,
        form=pforms.ReasonForm(_posted(request)),
        title="Record a withdrawal",
        caption=referral.reference,
        back=(_nrm_page(referral), f"Back to {referral.reference}"),
        button="Record withdrawal",
        intro="Only an adult may withdraw from the NRM.",
        act=lambda d: nrm.nrm_withdraw(
            actor=user, referral=referral, withdrawn_on=d["on"], reason=d["reason"]
        ),
        done="Withdrawal recorded",
        then=_nrm_page,
        rename={"withdrawn_on": "on", "stage": "reason"},
    )


@access_rule(CASEWORK)
def dtn_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not rules.is_first_responder(user):
        raise PermissionDenied(rules.NOT_FIRST_RESPONDER)
    return _form_page(
        request,
        form=pforms.DutyToNotifyForm(
            _posted(request), initial={"notified_on": timezone.localdate()}
        ),
        title="Record a Duty to Notify (MS1)",
        caption="Anonymous notification",
        back=(reverse("pathways:dtn_list"), "Back to Duty to Notify records"),
        button="Record notification",
        intro="For an adult who may be a victim of modern slavery and does not consent to an "
        "NRM referral. It must not identify them (Modern Slavery Act 2015 s.52(3)): it is kept "
        "apart from every case and person.",
        act=lambda d: nrm.duty_to_notify_record(
            actor=user,
            notified_on=d["notified_on"],
            age_band=d["age_band"],
            gender=d["gender"],
            exploitation_types=d["exploitation_types"],
            area=d["area"],
            summary=d["summary"],
        ),
        done="Duty to Notify recorded",
        then=lambda record: reverse("pathways:dtn_list"),
    )


@access_rule(CASEWORK)
def dtn_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    records = visible(user, DutyToNotify).select_related("recorded_by")[:200]
    return render(
        request,
        "pathways/dtn_list.html",
        {
            "records": records,
            "may_record": rules.is_first_responder(user),
            "bands": policy.codes("dtn_age_bands"),
            "genders": policy.codes("dtn_genders"),
            "concerns": concern_types(),
        },
    )


# ---------------------------------------------------------------------------------------------
# Onward referrals and the directory


@access_rule(CASEWORK)
def onward_new(request: HttpRequest, case_pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    case = load(user, Case, case_pk, purpose="case_work")
    if not rules.can_send_onward(user, case):
        raise PermissionDenied
    people = [row.person for row in case_selectors.subject_rows(case)]
    initial = {"service": request.GET.get("service", "")}
    return _form_page(
        request,
        form=pforms.OnwardReferralForm(
            _posted(request), people=people, services=directory(user).choices, initial=initial
        ),
        title="Refer to a service",
        caption=f"Case {case.reference}",
        back=(reverse("cases:detail", args=[case.pk]), f"Back to case {case.reference}"),
        button="Send referral",
        intro="Each service's eligibility is checked when you send; the services directory "
        "lists who each takes.",
        act=lambda d: onward.onward_referral_send(
            actor=user,
            case=case,
            person=d["person"],
            service=d["service"],
            reason=d["reason"],
            consent_given=d["consent_given"] == "yes",
        ),
        done="Onward referral sent",
        then=lambda referral: reverse("pathways:onward_detail", args=[referral.pk]),
        extra={"empty": "" if people else "No one is named in this case yet."},
    )


@access_rule(CASEWORK)
def onward_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    referral = load(user, OnwardReferral, pk, purpose="case_work")
    statuses = policy.codes("onward_statuses")
    return render(
        request,
        "pathways/onward_detail.html",
        {
            "referral": referral,
            "service": directory(user).find(referral.service),
            "statuses": statuses,
            "may_update": bool(onward.next_statuses(referral))
            and rules.can_send_onward(user, referral.case),
        },
    )


@access_rule(CASEWORK)
def onward_update(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    referral = load(user, OnwardReferral, pk, purpose="case_work")
    if not rules.can_send_onward(user, referral.case):
        raise PermissionDenied
    statuses = policy.codes("onward_statuses")
    choices = [(s, statuses.label(s)) for s in onward.next_statuses(referral)]
    page = reverse("pathways:onward_detail", args=[referral.pk])
    return _form_page(
        request,
        form=pforms.OnwardUpdateForm(
            _posted(request), statuses=choices, initial={"on": timezone.localdate()}
        ),
        title="Record the service's response",
        caption=f"{referral.reference}: {directory(user).label(referral.service)}",
        back=(page, f"Back to {referral.reference}"),
        button="Save",
        act=lambda d: onward.onward_referral_update(
            actor=user,
            referral=referral,
            status=d["status"],
            on=d["on"],
            note=d["note"],
            outcome=d["outcome"],
        ),
        done="Referral updated",
        then=lambda r: page,
        extra={"empty": "" if choices else f"{referral.reference} is finished."},
    )


# ---------------------------------------------------------------------------------------------
# Due and overdue


def _due_rows_page(request: HttpRequest) -> tuple[int, int]:
    """The page of the due list asked for (`?page=N`, from 1) as its first row's index and
    its size. The list is already bounded (each source's most urgent `max_items_per_source`); a
    page bounds what is rendered (decision 0095). A number past the end is corrected once the
    list's length is known (`_due_pager`)."""
    size = int(policy.rule_value("clock_rules", "rows_per_page"))
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    return (number - 1) * size, size


def _due_pager(first: int, size: int, total: int) -> tuple[int, KeysetPage[Any]]:
    """The page's first row's index within a list of `total` (the last page if `first` is past
    its end), and the previous and next links."""
    pages = max(1, -(-total // size))
    number = min(first // size + 1, pages)
    return (
        (number - 1) * size,
        KeysetPage(
            [],
            next_cursor=str(number + 1) if number < pages else "",
            previous_cursor=str(number - 1) if number > 1 else "",
        ),
    )


def _due_page(request: HttpRequest, *, team: bool) -> HttpResponse:
    user = signed_in_user(request)
    now = timezone.now()
    today = timezone.localdate(now)
    per_source = int(policy.rule_value("clock_rules", "max_items_per_source"))
    wanted, size = _due_rows_page(request)
    shown = due_page(user, team=team, per_source=per_source, start=wanted, size=size, now=now)
    first, page = _due_pager(wanted, size, shown.total)
    if first != wanted:  # past the end: the last page, built from its own rows
        shown = due_page(user, team=team, per_source=per_source, start=first, size=size, now=now)
    rows = []
    for item in shown.items:
        due = timezone.localtime(item.due_at)
        rows.append(
            {
                "item": item,
                # Formatted here, not by the template's date filter: a page of rows.
                "due": f"{due.day} {due:%b %Y, %H:%M}",
                "overdue": item.is_overdue(now),
                # Due on this UK day, not merely within 24 hours (which can be tomorrow).
                "today": due.date() == today,
            }
        )
    return render(
        request,
        "pathways/due.html",
        {
            "rows": rows,
            "team": team,
            "total": shown.total,
            "first": first + 1,
            "last": first + len(rows),
            "page": page,
            "query": "",
            # Of the whole list, not only this page.
            "overdue": shown.overdue,
            "horizon": policy.rule_value("clock_rules", "horizon_days"),
        },
    )


@access_rule(SIGNED_IN)
def due_mine(request: HttpRequest) -> HttpResponse:
    return _due_page(request, team=False)


@access_rule(SIGNED_IN)
def due_team(request: HttpRequest) -> HttpResponse:
    return _due_page(request, team=True)
