"""Deny by default: a view without a declared access rule is never served. A request that
writes nothing reads the user's partner agencies once (`selectors.reads_once`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse

from nestguard.access.rules import rule_of
from nestguard.access.selectors import reads_once


class AccessRuleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            with reads_once():
                return self.get_response(request)
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        rule = rule_of(view)
        if rule is None:
            name = getattr(view, "__name__", view)
            raise ImproperlyConfigured(f"{name} declares no access rule (nestguard.access.rules)")
        if rule.public or rule.token:
            # Token views check their rule after DRF has authenticated the token.
            return None
        if not rule.allows(request.user):
            raise PermissionDenied
        return None
