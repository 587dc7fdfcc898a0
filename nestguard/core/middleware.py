"""Security headers for every response: a strict Content Security Policy and its neighbours.

No inline script or style anywhere, so the policy needs no 'unsafe-inline'. Map tiles are a
later, configurable source and will be added here by setting, not by loosening the policy.

Also the count of requests this process is serving (decision 0139).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if not request.path.startswith(settings.STATIC_URL):
            # Pages carry personal data: no shared or browser caches may keep them.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


# Requests this process is serving now (decision 0139), for a judgement that must not wait for
# the load average: whether a request may spend tens of milliseconds of CPU while others wait.
_in_flight = 0
_in_flight_lock = threading.Lock()


def requests_in_flight() -> int:
    """How many requests this process is serving now (the asking request counts itself)."""
    return _in_flight


def _add_in_flight(step: int) -> None:
    global _in_flight
    with _in_flight_lock:
        _in_flight += step


class InFlightMiddleware:
    """Counts the requests this process is serving: one more from the moment a request comes
    in, one less when its response is made. A streamed body (the subject access report's CSV)
    is made after that, while it is sent, and is not counted: counting it until the server
    closes it would leave the count too high wherever a client never closes (the test client
    closes only a body read to its end), and one export's minutes are not what the count is
    for (decision 0139)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _add_in_flight(1)
        try:
            return self.get_response(request)
        finally:
            _add_in_flight(-1)
