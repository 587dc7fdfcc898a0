"""The count of requests this process is serving (decision 0139): one more for each request
from its start to its answer (a streamed body is not counted while it is sent), whatever the view
does, from any thread."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from nestguard.core.middleware import InFlightMiddleware, requests_in_flight


def test_two_requests_served_at_once_each_see_two() -> None:
    both = threading.Barrier(2, timeout=30)
    seen: list[int] = []

    def view(request: HttpRequest) -> HttpResponse:
        both.wait()  # both requests are being served
        seen.append(requests_in_flight())
        both.wait()  # neither has answered before both have looked
        return HttpResponse("ok")

    before = requests_in_flight()
    serve = InFlightMiddleware(view)
    threads = [threading.Thread(target=serve, args=(RequestFactory().get("/"),)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert seen == [before + 2, before + 2]
    assert requests_in_flight() == before


def test_a_view_that_fails_is_no_longer_counted() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        raise RuntimeError("the view failed")

    before = requests_in_flight()
    with pytest.raises(RuntimeError):
        InFlightMiddleware(view)(RequestFactory().get("/"))
    assert requests_in_flight() == before


def test_a_streamed_answer_is_counted_off_when_it_is_made() -> None:
    def view(request: HttpRequest) -> StreamingHttpResponse:
        return StreamingHttpResponse(iter([b"a", b"b"]))

    before = requests_in_flight()
    response = InFlightMiddleware(view)(RequestFactory().get("/"))
    # Not left counted while a client that never closes holds it (decision 0139).
    assert requests_in_flight() == before
    assert b"".join(response.streaming_content) == b"ab"  # type: ignore[attr-defined]


def test_every_request_is_counted_from_near_the_start() -> None:
    # Second, after the request id's middleware (decision 0083), before any that answers early.
    assert settings.MIDDLEWARE[1] == "nestguard.core.middleware.InFlightMiddleware"
