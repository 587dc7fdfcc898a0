"""A signed-in user must pass the second factor before reaching anything else.

Only the sign-in pages themselves (rule AUTHENTICATING), public pages and token-authenticated
API views are exempt. The demo's NESTGUARD_DEMO_SKIP_MFA, refused by production settings,
is the single way round it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_otp.plugins.otp_totp.models import TOTPDevice

from nestguard.access.rules import rule_of
from nestguard.accounts.administration import account_refusal

# When a signed-in session's idle clock was last renewed (seconds since the epoch).
RENEWED_AT = "nestguard_renewed_at"


def stamp_renewal(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Signing in starts the idle clock (the `user_logged_in` signal, whichever way the user
    signed in): the next requests need not save the session again to renew it. Without the
    stamp the first request after signing in saved it, so two views of one page made
    different numbers of queries."""
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_AT] = int(time.time())


class SessionRenewalMiddleware:
    """A signed-in session's idle clock is renewed by its requests, but saved at most once
    every NESTGUARD_SESSION_RENEW_SECONDS (decision 0124).

    Saving the session on every request (Django's SESSION_SAVE_EVERY_REQUEST) made every page,
    even /health/, a database write; on SQLite writers take turns, so each page queued behind
    the others' writes. Renewing less often only ever ends a session sooner: it expires the
    idle time after its last renewal, which is at most this many seconds before its last
    request. A session changed by the request (signing in, switching agency) is saved anyway.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a signed-in session: renewing an empty one would save a session for nobody.
        if session is not None and SESSION_KEY in session:
            now = int(time.time())
            every = settings.NESTGUARD_SESSION_RENEW_SECONDS
            if session.modified or now - int(session.get(RENEWED_AT, 0)) >= every:
                session[RENEWED_AT] = now
        return response


class ActiveAgencyMiddleware:
    """A session already open ends at its next request once the user's agency is deactivated
    (Django's session backend already refuses a deactivated user). Placed before the login
    requirement, so the person meets the sign-in page like anyone signed out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        # Loading the agency through the user caches it for the page (which names it), so
        # the check costs no query of its own. A lock does not end a session already open
        # (anyone can set one by guessing); it stops sign-in, the code step and tokens.
        if (
            user is not None
            and user.is_authenticated
            and account_refusal(user) in ("inactive", "agency_inactive")
        ):
            logout(request)
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        request.second_factor_ok = bool(  # type: ignore[attr-defined]
            user is not None
            and user.is_authenticated
            and (settings.NESTGUARD_DEMO_SKIP_MFA or user.is_verified())
        )
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        rule = rule_of(view)
        if rule is None or rule.public or rule.token:
            return None
        user = request.user
        if not user.is_authenticated or request.second_factor_ok:  # type: ignore[attr-defined]
            return None
        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        return redirect("accounts:verify" if has_device else "accounts:enrol")
