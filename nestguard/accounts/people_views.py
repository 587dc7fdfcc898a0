"""Administrators' pages for people's accounts and agencies: look, then confirm, then POST.

Every change goes through `nestguard.accounts.administration` (audited). A GET never changes
anything: each action's GET is its confirmation page. An enrolment code is shown once, on
the page answering the POST that made it, and never stored in plain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from nestguard.access.door import load
from nestguard.access.rules import ADMINISTERING, access_rule, signed_in_user
from nestguard.accounts import administration
from nestguard.accounts.forms import RoleForm
from nestguard.accounts.models import Agency, Role, User


@dataclass(frozen=True)
class UserAction:
    title: str  # the confirmation page's question
    button: str
    done: str  # the success message
    run: Callable[..., Any]
    warning: bool = False
    shows_code: bool = False


USER_ACTIONS: dict[str, UserAction] = {
    "deactivate": UserAction(
        "Deactivate {user}'s account?",
        "Deactivate account",
        "{user} can no longer sign in or use API tokens",
        administration.user_deactivate,
        warning=True,
    ),
    "reactivate": UserAction(
        "Reactivate {user}'s account?",
        "Reactivate account",
        "{user} can sign in again",
        administration.user_reactivate,
    ),
    "unlock": UserAction(
        "Unlock {user}'s account?",
        "Unlock account",
        "{user}'s account is unlocked",
        administration.user_unlock,
    ),
    "reset-second-factor": UserAction(
        "Reset {user}'s second factor?",
        "Reset second factor",
        "{user}'s authenticator apps are removed",
        administration.user_second_factor_reset,
        warning=True,
        shows_code=True,
    ),
    "enrolment-code": UserAction(
        "Issue a new enrolment code for {user}?",
        "Issue enrolment code",
        "A new enrolment code is issued for {user}",
        administration.enrolment_code_issue,
        shows_code=True,
    ),
}

AGENCY_ACTIONS: dict[str, UserAction] = {
    "deactivate": UserAction(
        "Deactivate {agency}?",
        "Deactivate agency",
        "{agency} is deactivated: its users cannot sign in or use API tokens",
        administration.agency_deactivate,
        warning=True,
    ),
    "reactivate": UserAction(
        "Reactivate {agency}?",
        "Reactivate agency",
        "{agency} is active again",
        administration.agency_reactivate,
    ),
}


def _user(request: HttpRequest, pk: Any) -> User:
    return load(request.user, User, pk, purpose="admin")


def _user_page(
    request: HttpRequest, person: User, form: RoleForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "roles": [Role(code) for code in sorted(person.role_codes)],
            "enrolled": TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
            "tokens": person.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at"),
            "form": form,
        },
        status=status,
    )


@access_rule(ADMINISTERING)
@require_http_methods(["GET"])
def user_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    person = _user(request, pk)
    return _user_page(request, person, RoleForm(held=person.role_codes))


@access_rule(ADMINISTERING)
@require_http_methods(["POST"])
def user_role_add(request: HttpRequest, pk: Any) -> HttpResponse:
    person = _user(request, pk)
    form = RoleForm(request.POST, held=person.role_codes)
    if form.is_valid():
        try:
            administration.user_role_add(
                actor=signed_in_user(request), user=person, role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            form.add_error("role", exc.message_dict.get("role", exc.messages))
        else:
            messages.success(
                request,
                f"{person.username} now has the role {Role(form.cleaned_data['role']).label}",
            )
            return redirect("accounts:user_detail", pk=person.pk)
    return _user_page(request, person, form, status=400)


@access_rule(ADMINISTERING)
@require_http_methods(["GET", "POST"])
def user_role_remove(request: HttpRequest, pk: Any, role: str) -> HttpResponse:
    person = _user(request, pk)
    if role not in person.role_codes:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            administration.user_role_remove(actor=signed_in_user(request), user=person, role=role)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, f"{person.username} no longer has the role {Role(role).label}"
            )
            return redirect("accounts:user_detail", pk=person.pk)
    return render(
        request,
        "accounts/confirm.html",
        {
            "title": f"Remove the role {Role(role).label} from {person.username}?",
            "button": "Remove role",
            "warning": True,
            "back_url": person_url(person),
            "error": error,
        },
        status=400 if error else 200,
    )


def _confirm_or_run(
    request: HttpRequest, action: UserAction, back_url: str, labels: dict[str, str], **target: Any
) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            result = action.run(actor=signed_in_user(request), **target)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if action.shows_code:
                _, plain = result
                return render(
                    request,
                    "accounts/enrolment_code_issued.html",
                    {
                        "done": action.done.format(**labels),
                        "code": plain,
                        "hours": settings.NESTGUARD_ENROLMENT_CODE_HOURS,
                        "back_url": back_url,
                        **target,
                    },
                )
            messages.success(request, action.done.format(**labels))
            return redirect(back_url)
    return render(
        request,
        "accounts/confirm.html",
        {
            "title": action.title.format(**labels),
            "button": action.button,
            "warning": action.warning,
            "back_url": back_url,
            "error": error,
        },
        status=400 if error else 200,
    )


@never_cache
@access_rule(ADMINISTERING)
@require_http_methods(["GET", "POST"])
def user_action(request: HttpRequest, pk: Any, action: str) -> HttpResponse:
    chosen = USER_ACTIONS.get(action)
    if chosen is None:
        raise Http404
    person = _user(request, pk)
    back_url = person_url(person)
    return _confirm_or_run(request, chosen, back_url, {"user": person.username}, user=person)


@access_rule(ADMINISTERING)
@require_http_methods(["GET"])
def agency_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    agency = load(request.user, Agency, pk, purpose="admin")
    return render(
        request,
        "accounts/agency_detail.html",
        {"agency": agency, "users": agency.users.order_by("username")},
    )


@access_rule(ADMINISTERING)
@require_http_methods(["GET", "POST"])
def agency_action(request: HttpRequest, pk: Any, action: str) -> HttpResponse:
    chosen = AGENCY_ACTIONS.get(action)
    if chosen is None:
        raise Http404
    agency = load(request.user, Agency, pk, purpose="admin")
    back_url = agency_url(agency)
    return _confirm_or_run(request, chosen, back_url, {"agency": agency.name}, agency=agency)


def person_url(person: User) -> str:
    return reverse("accounts:user_detail", kwargs={"pk": person.pk})


def agency_url(agency: Agency) -> str:
    return reverse("accounts:agency_detail", kwargs={"pk": agency.pk})
