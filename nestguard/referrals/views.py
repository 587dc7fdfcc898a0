"""The referrer's pages: start, the task list and one page per section, check and submit,
confirmation, "My referrals" and a referral's status. HTTP only: every write is a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from nestguard.access.door import load, look_up
from nestguard.access.rules import REFERRING, access_rule, signed_in_user
from nestguard.accounts.models import User, lawful_bases
from nestguard.core.phones import national
from nestguard.referrals import codes as rc
from nestguard.referrals import forms as f
from nestguard.referrals import services
from nestguard.referrals.models import Referral, ReferralStatus, ReferralSubject
from nestguard.referrals.outcomes import outcome_for_referrer
from nestguard.referrals.sections import SECTIONS
from nestguard.referrals.selectors import my_referrals, subject_of

PAGE_SIZE = 25

SECTION_URLS = {
    "your_details": "referrals:your_details",
    "people": "referrals:people",
    "address": "referrals:address",
    "concerns": "referrals:concerns",
    "urgency": "referrals:urgency",
    "consent": "referrals:consent",
}


def _own(request: HttpRequest, pk: Any) -> Referral:
    return load(signed_in_user(request), Referral, pk, purpose="own_referral")


def _after_save(request: HttpRequest, referral: Referral) -> HttpResponse:
    """Back to the check page when the user came from it, otherwise to the task list."""
    if request.GET.get("next") == "check" and not services.incomplete_sections(referral):
        return redirect("referrals:check", pk=referral.pk)
    return redirect("referrals:task_list", pk=referral.pk)


def _next_query(request: HttpRequest) -> str:
    return "?next=check" if request.GET.get("next") == "check" else ""


def known_answers(user: User, subjects: list[ReferralSubject]) -> dict[Any, Any]:
    """ "Already known?" for each person the referral names, asked through the door (which
    audits each question); the page's template only shows the answers."""
    return {
        s.pk: look_up(user, "already_known_subject", s, purpose="already_known")
        for s in subjects
        if not s.identity_unknown
    }


def answers_context(referral: Referral) -> dict[str, Any]:
    """What the referrer entered, labelled, for the check page, the status page and detail."""
    groups = []
    chosen = set(referral.indicators)
    for label, items in rc.grouped_indicators(referral.concern_types, also=chosen):
        picked = [item_label for code, item_label in items if code in chosen]
        if picked:
            groups.append((label, picked))
    return {
        "subjects": list(referral.subjects.all()),
        "concern_labels": [rc.concern_types().label(c) for c in referral.concern_types],
        "indicator_groups": groups,
        "urgency_label": rc.urgency_levels().label(referral.urgency) if referral.urgency else "",
        "lawful_basis_label": lawful_bases().label(referral.lawful_basis)
        if referral.lawful_basis
        else "",
        "consent_label": referral.get_consent_display() if referral.consent else "",
        "consent_reason_label": rc.consent_reasons().label(referral.consent_reason)
        if referral.consent_reason
        else "",
        "roles": rc.subject_roles(),
    }


# ---------------------------------------------------------------------------------------------
# Start and task list


@access_rule(REFERRING)
def start(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        referral = services.referral_start(actor=signed_in_user(request))
        return redirect("referrals:task_list", pk=referral.pk)
    drafts = my_referrals(signed_in_user(request)).filter(status=ReferralStatus.DRAFT)[:5]
    return render(
        request,
        "referrals/start.html",
        {"drafts": drafts, "working_days": rc.review_working_days()},
    )


def _section_status(referral: Referral, code: str, subject_count: int) -> str:
    if code in (referral.sections_completed or []):
        return "completed"
    started = {
        "people": subject_count > 0,
        "address": bool(referral.address_line1 or referral.address_postcode),
        "concerns": bool(referral.concern_types),
    }.get(code, False)
    return "in_progress" if started else "not_started"


@access_rule(REFERRING)
def task_list(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _own(request, pk)
    if referral.status != ReferralStatus.DRAFT:
        return redirect("referrals:status", pk=referral.pk)
    subject_count = referral.subjects.count()
    sections = [
        {
            "section": section,
            "url": reverse(SECTION_URLS[section.code], kwargs={"pk": referral.pk}),
            "status": _section_status(referral, section.code, subject_count),
        }
        for section in SECTIONS
    ]
    completed = sum(1 for s in sections if s["status"] == "completed")
    return render(
        request,
        "referrals/task_list.html",
        {
            "referral": referral,
            "sections": sections,
            "completed": completed,
            "total": len(sections),
            "ready": completed == len(sections),
        },
    )


# ---------------------------------------------------------------------------------------------
# Sections


def _section_page(
    request: HttpRequest,
    pk: Any,
    *,
    form_class: type[f.ReferralForm],
    template: str,
    initial: Callable[[Referral], dict[str, Any]],
    save: Callable[[Any, Referral, dict[str, Any]], Any],
    context: Callable[[Referral, f.ReferralForm], dict[str, Any]] | None = None,
    then: Callable[[Referral], HttpResponse] | None = None,
) -> HttpResponse:
    referral = _own(request, pk)
    if referral.status != ReferralStatus.DRAFT:
        return redirect("referrals:status", pk=referral.pk)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                save(signed_in_user(request), referral, form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                return then(referral) if then else _after_save(request, referral)
    else:
        form = form_class(initial=initial(referral))
    extra = context(referral, form) if context else {}
    return render(
        request,
        template,
        {"referral": referral, "form": form, "next_query": _next_query(request), **extra},
    )


@access_rule(REFERRING)
def your_details(request: HttpRequest, pk: Any) -> HttpResponse:
    return _section_page(
        request,
        pk,
        form_class=f.YourDetailsForm,
        template="referrals/your_details.html",
        initial=lambda r: {"job_title": r.referrer_job_title, "phone": r.referrer_phone},
        save=lambda actor, r, data: services.referral_details_update(
            actor=actor,
            referral=r,
            phone=data.get("phone", ""),
            job_title=data.get("job_title", ""),
        ),
    )


@access_rule(REFERRING)
def address(request: HttpRequest, pk: Any) -> HttpResponse:
    return _section_page(
        request,
        pk,
        form_class=f.AddressForm,
        template="referrals/address.html",
        initial=lambda r: {
            "line1": r.address_line1,
            "line2": r.address_line2,
            "town": r.address_town,
            "postcode": r.address_postcode,
            "not_known": r.address_not_known,
            "not_known_reason": r.address_not_known_reason,
        },
        save=lambda actor, r, data: services.referral_address_update(
            actor=actor,
            referral=r,
            line1=data.get("line1", ""),
            line2=data.get("line2", ""),
            town=data.get("town", ""),
            postcode=data.get("postcode", ""),
            not_known=bool(data.get("not_known")),
            not_known_reason=data.get("not_known_reason", ""),
        ),
    )


@access_rule(REFERRING)
def concerns(request: HttpRequest, pk: Any) -> HttpResponse:
    """The concerns section, step 1: which kinds of exploitation (decides the signs offered)."""
    return _section_page(
        request,
        pk,
        form_class=f.ConcernTypesForm,
        template="referrals/concern_types.html",
        initial=lambda r: {"concern_types": r.concern_types},
        save=lambda actor, r, data: services.referral_concern_types_choose(
            actor=actor, referral=r, concern_types=data.get("concern_types", [])
        ),
        then=lambda r: redirect(
            reverse("referrals:signs", kwargs={"pk": r.pk}) + _next_query(request)
        ),
    )


@access_rule(REFERRING)
def signs(request: HttpRequest, pk: Any) -> HttpResponse:
    """The concerns section, step 2: the signs seen, offered for the chosen concern types."""
    referral = _own(request, pk)
    if referral.status == ReferralStatus.DRAFT and not referral.concern_types:
        return redirect("referrals:concerns", pk=referral.pk)

    def context(r: Referral, form: f.ReferralForm) -> dict[str, Any]:
        chosen = form["indicators"].value() or []
        return {
            "grouped": rc.grouped_indicators(r.concern_types, also=chosen),
            "concern_labels": [rc.concern_types().label(c) for c in r.concern_types],
        }

    return _section_page(
        request,
        pk,
        form_class=f.SignsForm,
        template="referrals/signs.html",
        initial=lambda r: {"indicators": r.indicators, "signs_text": r.signs_text},
        save=lambda actor, r, data: services.referral_concerns_update(
            actor=actor,
            referral=r,
            concern_types=r.concern_types,
            indicators=data.get("indicators", []),
            signs_text=data.get("signs_text", ""),
        ),
        context=context,
    )


@access_rule(REFERRING)
def urgency(request: HttpRequest, pk: Any) -> HttpResponse:
    return _section_page(
        request,
        pk,
        form_class=f.UrgencyForm,
        template="referrals/urgency.html",
        initial=lambda r: {"urgency": r.urgency},
        save=lambda actor, r, data: services.referral_urgency_update(
            actor=actor, referral=r, urgency=data.get("urgency", "")
        ),
    )


@access_rule(REFERRING)
def consent(request: HttpRequest, pk: Any) -> HttpResponse:
    return _section_page(
        request,
        pk,
        form_class=f.ConsentForm,
        template="referrals/consent.html",
        initial=lambda r: {
            "lawful_basis": r.lawful_basis,
            "consent": r.consent,
            "consent_reason": r.consent_reason,
            "consent_notes": r.consent_notes,
        },
        save=lambda actor, r, data: services.referral_consent_update(
            actor=actor,
            referral=r,
            lawful_basis=data.get("lawful_basis", ""),
            consent=data.get("consent", ""),
            consent_reason=data.get("consent_reason", ""),
            consent_notes=data.get("consent_notes", ""),
        ),
    )


# ---------------------------------------------------------------------------------------------
# People of concern: an add-another list with a page per person


@access_rule(REFERRING)
def people(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _own(request, pk)
    if referral.status != ReferralStatus.DRAFT:
        return redirect("referrals:status", pk=referral.pk)
    subjects = list(referral.subjects.all())
    if not subjects and request.method != "POST":
        return redirect(reverse("referrals:person_add", kwargs={"pk": referral.pk}))
    form = f.AddAnotherForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["add_another"] == "yes":
            return redirect(
                reverse("referrals:person_add", kwargs={"pk": referral.pk}) + _next_query(request)
            )
        return _after_save(request, referral)
    return render(
        request,
        "referrals/people.html",
        {
            "referral": referral,
            "subjects": subjects,
            "known": known_answers(signed_in_user(request), subjects),
            "form": form,
            "roles": rc.subject_roles(),
            "next_query": _next_query(request),
        },
    )


def _person_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "role": data.get("role", ""),
        "given_name": data.get("given_name", ""),
        "family_name": data.get("family_name", ""),
        "aliases": data.get("aliases", ""),
        "date_of_birth": data.get("date_of_birth"),
        "age_estimate": data.get("age_estimate"),
        "identity_unknown": bool(data.get("identity_unknown")),
        "description": data.get("description", ""),
        "phones": data.get("phones", ""),
    }


def _to_people(request: HttpRequest, referral: Referral) -> HttpResponse:
    return redirect(reverse("referrals:people", kwargs={"pk": referral.pk}) + _next_query(request))


@access_rule(REFERRING)
def person_add(request: HttpRequest, pk: Any) -> HttpResponse:
    return _section_page(
        request,
        pk,
        form_class=f.PersonForm,
        template="referrals/person.html",
        initial=lambda r: {},
        save=lambda actor, r, data: services.referral_subject_add(
            actor=actor, referral=r, **_person_values(data)
        ),
        context=lambda r, form: {"adding": True},
        then=lambda r: _to_people(request, r),
    )


def _own_subject(request: HttpRequest, pk: Any, subject_pk: Any) -> ReferralSubject:
    referral = _own(request, pk)
    return subject_of(referral, subject_pk)


@access_rule(REFERRING)
def person_change(request: HttpRequest, pk: Any, subject_pk: Any) -> HttpResponse:
    subject = _own_subject(request, pk, subject_pk)
    return _section_page(
        request,
        pk,
        form_class=f.PersonForm,
        template="referrals/person.html",
        initial=lambda r: {
            "role": subject.role,
            "given_name": subject.given_name,
            "family_name": subject.family_name,
            "aliases": subject.aliases,
            "identity_unknown": subject.identity_unknown,
            "date_of_birth": subject.date_of_birth,
            "age_estimate": subject.age_estimate,
            "description": subject.description,
            "phones": "\n".join(national(p) for p in subject.phones),
        },
        save=lambda actor, r, data: services.referral_subject_change(
            actor=actor, subject=subject, **_person_values(data)
        ),
        context=lambda r, form: {"adding": False, "subject": subject},
        then=lambda r: _to_people(request, r),
    )


@access_rule(REFERRING)
def person_remove(request: HttpRequest, pk: Any, subject_pk: Any) -> HttpResponse:
    subject = _own_subject(request, pk, subject_pk)
    referral = subject.referral
    if referral.status != ReferralStatus.DRAFT:
        return redirect("referrals:status", pk=referral.pk)
    form = f.RemovePersonForm(request.POST if request.method == "POST" else None)
    form.fields["confirm"].label = f"Are you sure you want to remove {subject}?"
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirm"] == "yes":
            services.referral_subject_remove(actor=signed_in_user(request), subject=subject)
        if referral.subjects.exists():
            return _to_people(request, referral)
        return redirect("referrals:task_list", pk=referral.pk)
    return render(
        request,
        "referrals/person_remove.html",
        {"referral": referral, "subject": subject, "form": form},
    )


# ---------------------------------------------------------------------------------------------
# Check, submit, confirmation


@access_rule(REFERRING)
def check(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _own(request, pk)
    if referral.status != ReferralStatus.DRAFT:
        return redirect("referrals:status", pk=referral.pk)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            services.referral_submit(actor=signed_in_user(request), referral=referral)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                anchor = f"section-{key}" if key in SECTION_URLS else ""
                errors.extend((anchor, str(m)) for m in messages)
        else:
            return redirect("referrals:confirmation", pk=referral.pk)
    missing = services.incomplete_sections(referral)
    if request.method == "GET" and missing:
        return redirect("referrals:task_list", pk=referral.pk)
    return render(
        request,
        "referrals/check.html",
        {
            "referral": referral,
            "errors": errors,
            "change": {
                code: reverse(url, kwargs={"pk": referral.pk}) for code, url in SECTION_URLS.items()
            },
            **answers_context(referral),
        },
    )


@access_rule(REFERRING)
def confirmation(request: HttpRequest, pk: Any) -> HttpResponse:
    referral = _own(request, pk)
    if referral.status == ReferralStatus.DRAFT:
        return redirect("referrals:task_list", pk=referral.pk)
    return render(
        request,
        "referrals/confirmation.html",
        {"referral": referral, "working_days": rc.review_working_days()},
    )


# ---------------------------------------------------------------------------------------------
# The referrer's own referrals and what became of them


@access_rule(REFERRING)
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(my_referrals(signed_in_user(request)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [{"referral": r, "outcome": outcome_for_referrer(r)} for r in page]
    return render(request, "referrals/mine.html", {"page": page, "rows": rows})


@access_rule(REFERRING)
def status(request: HttpRequest, pk: Any) -> HttpResponse:
    """The referrer's own referral: status, outcome and reason, and what they submitted."""
    referral = _own(request, pk)
    if referral.status == ReferralStatus.DRAFT:
        return redirect("referrals:task_list", pk=referral.pk)
    first_sight = services.referral_status_view(actor=signed_in_user(request), referral=referral)
    return render(
        request,
        "referrals/status.html",
        {
            "referral": referral,
            "outcome": outcome_for_referrer(referral),
            "first_sight": first_sight,
            **answers_context(referral),
        },
    )
