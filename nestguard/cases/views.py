"""Case pages: HTTP only. Reads come from `cases.selectors` (which start from
`visible_cases`), writes go through the case services, permissions are `cases.rules`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from nestguard.access.door import load, record_list
from nestguard.access.restrictions import RestrictionForm, may_change_restriction
from nestguard.access.rules import CASEWORK, access_rule, signed_in_user
from nestguard.accounts.models import Agency, User
from nestguard.cases import rules, selectors
from nestguard.cases.forms import (
    CaseCreateForm,
    CaseFilterForm,
    CloseForm,
    ConfirmForm,
    InterventionForm,
    InterventionUpdateForm,
    LeadForm,
    NoteForm,
    ReopenForm,
    StatusForm,
    SubjectNewForm,
    SubjectRoleForm,
    TeamAgencyForm,
    TeamUserForm,
)
from nestguard.cases.models import (
    Case,
    CaseStatus,
    InterventionStatus,
    intervention_types,
    outcomes,
    resolutions,
)
from nestguard.cases.services import closing, interventions, work
from nestguard.cases.services.interventions import OPEN_STATUSES
from nestguard.core.keyset import keyset_page
from nestguard.core.links import reverser
from nestguard.core.pages import form_acted, link_to, posted
from nestguard.people.equality import EQUALITY_FIELDS
from nestguard.referrals.models import concern_types
from nestguard.risk.loader import get_instrument

PAGE_SIZE = 50


def _case_page(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


def _action_page(
    request: HttpRequest,
    *,
    case: Case,
    form: forms.Form,
    title: str,
    button: str,
    act: Callable[[dict[str, Any]], Any],
    done: str,
    intro: str = "",
    rename: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
    template: str = "cases/action_form.html",
    success_url: str | None = None,
) -> HttpResponse:
    """The shape of every case action page: a form; on a good POST the service acts, the
    case page says so; on a bad one, the error summary, and nothing written."""
    acted = form_acted(
        request, form, act, done=done, then=success_url or _case_page(case), rename=rename
    )
    if acted is not None:
        return acted
    context = {
        "case": case,
        "form": form,
        "title": title,
        "button": button,
        "intro": intro,
        **(extra or {}),
    }
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------
# List and detail


STATUS_COLOURS: dict[str, str] = {CaseStatus.OPEN: "blue", CaseStatus.MONITORING: "yellow"}


def _status_colour(case: Case) -> str:
    """The colour of a case's status tag, on the list and on the case's page."""
    return STATUS_COLOURS.get(case.status, "grey")


def _listed_people(case: Case) -> list[tuple[str, str]]:
    """Each person of a listed case once, with their roles in words ("victim, suspect"): the
    row's text made here, where it costs a list's 50 rows a fraction of what the template's
    lookups and filters did (decision 0144)."""
    return [
        (row.person.display_name, ", ".join(row.role_labels).lower())
        for row in selectors.subject_rows(case)
    ]


@access_rule(CASEWORK)
def case_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = CaseFilterForm(request.GET or None)
    filters = selectors.CaseFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.CaseFilters(
            status=data["status"] or selectors.ACTIVE,
            risk_band=data["risk_band"],
            concern=data["concern"],
            mine=data["mine"],
        )
    page = keyset_page(
        selectors.case_list_page(user, filters),
        selectors.CASE_LIST_KEYS,
        cursor=request.GET.get("page"),
        size=PAGE_SIZE,
    )
    today = timezone.localdate()
    shown: list[Case] = page.rows
    detail = reverser("cases:detail")
    rows = [
        {
            "case": case,
            "url": detail(case.pk),
            "people": _listed_people(case),
            "lead_worker": str(case.lead_worker) if case.lead_worker_id else "",
            "overdue": selectors.review_overdue(case, today),
            "status_colour": _status_colour(case),
        }
        for case in shown
    ]
    record_list(user, Case, shown, purpose="case_work", details={"filters": filters.as_dict()})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/list.html",
        {
            "form": form if form.is_bound and form.errors else CaseFilterForm(request.GET or None),
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "filtered": filters != selectors.CaseFilters(),
            "concern_codes": concern_types(),
        },
    )


@access_rule(CASEWORK)
def case_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    case = load(user, Case, pk, purpose="case_work")
    detail = selectors.case_detail(user, case)
    permissions = rules.case_permissions(user, case)
    today = timezone.localdate()
    latest = detail.latest_assessment
    latest_instrument = (
        get_instrument(latest.instrument, latest.instrument_version) if latest else None
    )
    intervention_rows = [
        {
            "intervention": i,
            "type": intervention_types().label(i.type),
            "overdue": bool(i.due_on and i.due_on < today and i.status in OPEN_STATUSES),
            "may_update": permissions.update_intervention(i) and case.status != CaseStatus.CLOSED,
        }
        for i in detail.interventions
    ]
    return render(
        request,
        "cases/detail.html",
        {
            "detail": detail,
            "case": case,
            "may": permissions,
            "is_open": case.status != CaseStatus.CLOSED,
            "status_colour": _status_colour(case),
            "subjects": [
                {"row": row, "url": link_to("people:detail", row.person.pk)}
                for row in detail.subjects
            ],
            "addresses": [
                {"link": link, "url": link_to("places:detail", link.address_id)}
                for link in detail.addresses
            ],
            "concerns": [concern_types().label(c) for c in case.concern_types],
            "outcome_labels": [outcomes().label(c) for c in case.outcomes],
            "resolution_label": resolutions().label(case.resolution) if case.resolution else "",
            "review_overdue": selectors.review_overdue(case, today),
            "latest": latest,
            "latest_instrument": latest_instrument,
            "latest_items": _item_rows(latest, latest_instrument),
            "intervention_rows": intervention_rows,
            "open_interventions": sum(1 for i in detail.interventions if i.status in OPEN_STATUSES),
        },
    )


def _item_rows(assessment: Any, instrument: Any) -> list[dict[str, Any]]:
    if assessment is None or instrument is None:
        return []
    rows = []
    for item in instrument.items:
        option = item.option(assessment.answers.get(item.code, ""))
        rows.append(
            {
                "item": item,
                "answer": option.label if option else assessment.answers.get(item.code, ""),
                "score": assessment.item_scores.get(item.code, 0),
                "max": item.max_score,
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------
# Opening a case without a referral


@access_rule(CASEWORK)
def case_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = CaseCreateForm(posted(request))
    acted = form_acted(
        request,
        form,
        lambda data: work.case_create(
            actor=user,
            lead_agency=user.agency,  # type: ignore[arg-type]
            concern_types=data["concern_types"],
            summary=data["summary"],
        ),
        done=lambda case: f"Case {case.reference} opened",
        then=_case_page,
    )
    if acted is not None:
        return acted
    return render(request, "cases/create.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# Actions on a case


def _editable_case(request: HttpRequest, pk: Any, check: Callable[[Any, Case], bool]) -> Case:
    user = signed_in_user(request)
    case = load(user, Case, pk, purpose="case_work")
    if not check(user, case):
        raise PermissionDenied
    return case


@access_rule(CASEWORK)
def note_add(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    case = _editable_case(request, pk, rules.can_contribute_to_case)
    return _action_page(
        request,
        case=case,
        form=NoteForm(posted(request)),
        title="Add a note",
        button="Add note",
        intro="Notes are shared with everyone who can see this case, unless you restrict "
        "who may read it. Say where information came from.",
        act=lambda d: work.case_note_add(
            actor=user, case=case, text=d["text"], restriction=d["restriction"]
        ),
        done="Note added",
    )


@access_rule(CASEWORK)
def entry_restrict(request: HttpRequest, pk: Any, entry_pk: Any) -> HttpResponse:
    """Change who may read a note or entry: for users of the agency that recorded it."""
    user = signed_in_user(request)
    case = load(user, Case, pk, purpose="case_work")
    entry = selectors.get_chronology_entry(user, case, entry_pk, purpose="case_work")
    if not may_change_restriction(user, entry.agency_id):
        raise PermissionDenied
    return _action_page(
        request,
        case=case,
        form=RestrictionForm(posted(request), initial={"restriction": entry.restriction}),
        title="Change who may read this entry",
        button="Save",
        intro=f"{entry.occurred_at:%-d %B %Y}: {entry.text[:200]}",
        act=lambda d: work.chronology_entry_restrict(
            actor=user, entry=entry, restriction=d["restriction"]
        ),
        done="Restriction changed",
    )


@access_rule(CASEWORK)
def team_add_user(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    case = _editable_case(request, pk, rules.can_edit_case)
    choices = list(selectors.team_user_choices(case))
    return _action_page(
        request,
        case=case,
        form=TeamUserForm(posted(request), users=choices),
        title="Add a team member",
        button="Add to team",
        act=lambda d: work.case_team_add_user(actor=user, case=case, user=d["user"]),
        done="Team member added",
        extra={
            "empty": ""
            if choices
            else "Everyone who could join is already on the team: only caseworkers and "
            "supervisors of the lead agency and its partners under an active information "
            "sharing agreement can join."
        },
    )


@access_rule(CASEWORK)
def team_add_agency(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    case = _editable_case(request, pk, rules.can_edit_case)
    choices = list(selectors.team_agency_choices(case))
    return _action_page(
        request,
        case=case,
        form=TeamAgencyForm(posted(request), agencies=choices),
        title="Add a partner agency",
        button="Add agency",
        intro=(
            f"A partner agency's caseworkers can see this case and add notes and their own "
            f"interventions. Only agencies with an active information sharing agreement "
            f"with {case.lead_agency} can be added."
        ),
        act=lambda d: work.case_team_add_agency(actor=user, case=case, agency=d["agency"]),
        done="Partner agency added",
        extra={
            "empty": ""
            if choices
            else "Every agency with an active information sharing agreement with the lead "
            "agency is already on the team.",
            "without_agreement": list(selectors.agencies_without_agreement(case)),
        },
        template="cases/team_agency_form.html",
    )


@access_rule(CASEWORK)
def team_remove_user(request: HttpRequest, pk: Any, user_pk: Any) -> HttpResponse:
    actor = signed_in_user(request)
    case = _editable_case(request, pk, rules.can_edit_case)
    member = selectors.get_team_user(case, user_pk)
    return _action_page(
        request,
        case=case,
        form=ConfirmForm(posted(request)),
        title=f"Remove {member.user} from the case team",
        button="Remove from team",
        intro=f"{member.user} will no longer see this case unless their agency leads it or "
        "is on its team.",
        act=lambda d: work.case_team_remove_user(actor=actor, case=case, user=member.user),
        done=f"{member.user} removed from the case team",
        extra={"warning": True},
    )


@access_rule(CASEWORK)
def team_remove_agency(request: HttpRequest, pk: Any, agency_pk: Any) -> HttpResponse:
    actor = signed_in_user(request)
    case = _editable_case(request, pk, rules.can_edit_case)
    member = selectors.get_team_agency(case, agency_pk)
    agency: Agency = member.agency
    return _action_page(
        request,
        case=case,
        form=ConfirmForm(posted(request)),
        title=f"Remove {agency} from the case team",
        button="Remove agency",
        intro=f"Caseworkers at {agency} will no longer see this case unless they are named "
        "on its team.",
        act=lambda d: work.case_team_remove_agency(actor=actor, case=case, agency=agency),
        done=f"{agency} removed from the case team",
        extra={"warning": True},
    )


@access_rule(CASEWORK)
def subject_new(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    case = _editable_case(request, pk, rules.can_edit_case)
    return _action_page(
        request,
        case=case,
        form=SubjectNewForm(posted(request)),
        title="Add a person to the case",
        button="Add person",
        intro="Record what is known. A person whose name is not known can still be recorded.",
        act=lambda d: work.case_subject_record(
            actor=user,
            case=case,
            role=d["role"],
            given_name=d["given_name"],
            family_name=d["family_name"],
            date_of_birth=d["date_of_birth"],
            age_estimate=d["age_estimate"],
            identity_unknown=d["identity_unknown"],
            description=d["description"],
            equality={name: d[name] for name in EQUALITY_FIELDS},
        ),
        done="Person added to the case",
    )


@access_rule(CASEWORK)
def subject_add(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    case = _editable_case(request, pk, rules.can_edit_case)
    people = [row.person for row in selectors.subject_rows(case)]
    return _action_page(
        request,
        case=case,
        form=SubjectRoleForm(posted(request), people=people),
        title="Add a role for someone in the case",
        button="Add role",
        intro="A person may hold more than one role: for example, a victim who is also "
        "suspected of exploiting others.",
        act=lambda d: work.case_subject_add(
            actor=user, case=case, person=d["person"], role=d["role"]
        ),
        done="Role added",
        extra={"empty": "" if people else "No one is named in this case yet."},
    )


@access_rule(CASEWORK)
def lead_change(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    case = _editable_case(request, pk, rules.can_edit_case)
    choices = [u for u in selectors.lead_worker_choices(case) if u.pk != case.lead_worker_id]

    def act(data: dict[str, Any]) -> Any:
        worker: User = data["lead_worker"]
        return work.case_lead_change(
            actor=user,
            case=case,
            lead_worker=worker,
            lead_agency=worker.agency,
            expected_version=data["version"],
        )

    return _action_page(
        request,
        case=case,
        form=LeadForm(posted(request), users=choices, initial={"version": case.version}),
        title="Change the lead",
        button="Change lead",
        intro=f"The case is led by {case.lead_worker or 'no one'} at {case.lead_agency}.",
        act=act,
        rename={"lead_agency": "lead_worker"},
        done="Lead changed",
        extra={"empty": "" if choices else "There is no other caseworker who could lead it."},
    )


@access_rule(CASEWORK)
def status_change(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    case = _editable_case(request, pk, rules.can_edit_case)
    return _action_page(
        request,
        case=case,
        form=StatusForm(posted(request), initial={"status": case.status, "version": case.version}),
        title="Change the status",
        button="Change status",
        intro=f"The case is {case.get_status_display().lower()}. To close it, use the "
        "closing page, which records the outcome.",
        act=lambda d: work.case_status_change(
            actor=user,
            case=case,
            status=d["status"],
            reason=d["reason"],
            expected_version=d["version"],
        ),
        done="Status changed",
    )


@access_rule(CASEWORK)
def intervention_add(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    case = _editable_case(request, pk, rules.can_contribute_to_case)
    if rules.can_edit_case(user, case):
        owners = list(selectors.intervention_owner_choices(case))
        initial = {"owner": str(user.pk)}
    else:
        owners = [user]
        initial = {"owner": str(user.pk)}
    return _action_page(
        request,
        case=case,
        form=InterventionForm(posted(request), owners=owners, initial=initial),
        title="Record an intervention",
        button="Record intervention",
        act=lambda d: interventions.intervention_add(
            actor=user,
            case=case,
            type=d["type"],
            owner=d["owner"],
            starts_on=d["starts_on"],
            due_on=d["due_on"],
            notes=d["notes"],
        ),
        done="Intervention recorded",
    )


@access_rule(CASEWORK)
def intervention_update(request: HttpRequest, pk: Any, intervention_pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    case = load(user, Case, pk, purpose="case_work")
    intervention = selectors.get_case_intervention(case, intervention_pk)
    if not rules.can_update_intervention(user, intervention):
        raise PermissionDenied
    initial = {
        "status": intervention.status,
        "completed_on": intervention.completed_on,
        "notes": intervention.notes,
        "version": intervention.version,
    }
    return _action_page(
        request,
        case=case,
        form=InterventionUpdateForm(posted(request), initial=initial),
        title=f"Update intervention: {intervention_types().label(intervention.type)}",
        button="Save",
        intro=(
            f"Owned by {intervention.owner} ({intervention.owner_agency}), from "
            f"{intervention.starts_on:%-d %B %Y}"
            + (f", due {intervention.due_on:%-d %B %Y}." if intervention.due_on else ".")
        ),
        act=lambda d: interventions.intervention_update(
            actor=user,
            intervention=intervention,
            status=d["status"],
            completed_on=d["completed_on"],
            notes=d["notes"],
            expected_version=d["version"],
        ),
        done="Intervention updated",
        extra={"statuses": InterventionStatus},
    )


@access_rule(CASEWORK)
def close(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    case = _editable_case(request, pk, rules.can_close_case)
    still_open = interventions.open_interventions(case) if case.status != CaseStatus.CLOSED else []
    return _action_page(
        request,
        case=case,
        form=CloseForm(
            posted(request),
            open_interventions=len(still_open),
            initial={"version": case.version},
        ),
        title="Close the case",
        button="Close case",
        act=lambda d: closing.case_close(
            actor=user,
            case=case,
            outcomes=d["outcomes"],
            resolution=d["resolution"],
            summary=d["summary"],
            cancel_open_interventions=d.get("cancel_open_interventions", False),
            expected_version=d["version"],
        ),
        done="Case closed",
        template="cases/close.html",
        extra={
            "still_open": [
                {"intervention": i, "type": intervention_types().label(i.type)} for i in still_open
            ],
        },
    )


@access_rule(CASEWORK)
def reopen(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in_user(request)
    case = _editable_case(request, pk, rules.can_edit_case)
    return _action_page(
        request,
        case=case,
        form=ReopenForm(posted(request), initial={"version": case.version}),
        title="Reopen the case",
        button="Reopen case",
        intro="The earlier outcome stays in the chronology.",
        act=lambda d: closing.case_reopen(
            actor=user, case=case, reason=d["reason"], expected_version=d["version"]
        ),
        done="Case reopened",
    )
