"""Bearer tokens for partner systems: `Authorization: Bearer ng_...`, hashed at rest.

A token is refused (401) once it has expired or been revoked, and while its user is
inactive or locked or their agency inactive: a token never outlives the person's access.
A read-scoped token is refused (403) on every unsafe method. Requests are throttled per
token user (NESTGUARD_API_RATE).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request

from nestguard.accounts.administration import account_refusal
from nestguard.accounts.models import ApiToken, TokenScope
from nestguard.accounts.services import hash_token

REFUSED = "The token is not valid, has expired or has been revoked"


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0] != self.keyword:
            raise exceptions.AuthenticationFailed("Use the header Authorization: Bearer <token>")
        token = (
            ApiToken.objects.select_related("user", "user__agency")
            .filter(key_hash=hash_token(parts[1]), revoked_at__isnull=True)
            .first()
        )
        # One answer for every refusal: a caller learns nothing about which check failed.
        if token is None or token.is_expired() or account_refusal(token.user):
            raise exceptions.AuthenticationFailed(REFUSED)
        if token.scope == TokenScope.READ and request.method not in permissions.SAFE_METHODS:
            raise exceptions.PermissionDenied("This token may only read")
        # Recording use at most once a minute keeps reads from becoming writes.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class TokenUserRateThrottle(throttling.UserRateThrottle):
    """NESTGUARD_API_RATE requests per token user; over it, 429 with Retry-After."""

    scope = "token_user"

    def get_rate(self) -> str:
        # Read at each request (not once at import) so the setting is the one truth.
        return str(settings.NESTGUARD_API_RATE)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # refused anyway (401); nothing to count
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
