"""API tokens: expiry, scopes, refusal for locked or inactive people and agencies, throttling,
and the maximum page size of every list."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nestguard.accounts.administration import (
    agency_deactivate,
    user_deactivate,
    user_reactivate,
)
from nestguard.accounts.models import ApiToken, User
from nestguard.accounts.services import api_token_create, api_token_revoke
from nestguard.audit.models import AuditEvent
from tests.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

ADDRESSES = reverse("api:address_list") + "?postcode=NB1+2AB"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    cache.clear()


def client_with(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_a_token_lasts_90_days_by_default_or_as_asked() -> None:
    user = UserFactory()
    token, _ = api_token_create(actor=None, user=user)
    assert token.expires_at is not None
    assert token.expires_at - token.created_at == pytest.approx(
        dt.timedelta(days=90), abs=dt.timedelta(seconds=5)
    )
    short, _ = api_token_create(actor=None, user=user, days=7)
    assert short.expires_at - short.created_at == pytest.approx(  # type: ignore[operator]
        dt.timedelta(days=7), abs=dt.timedelta(seconds=5)
    )
    # Both tokens may be made within one tick of a frozen clock: find the event by its content.
    events = AuditEvent.objects.filter(action="api_token.create")
    assert any(e.details["days"] == 7 and e.details["scope"] == "write" for e in events)


def _refused(token: str) -> tuple[int, bytes]:
    response = client_with(token).get(ADDRESSES)
    return response.status_code, response.content


def test_expired_revoked_locked_and_inactive_are_refused_alike() -> None:
    user = UserFactory()
    ok = client_with(api_token_create(actor=None, user=user)[1]).get(ADDRESSES)
    assert ok.status_code == 200
    expired, expired_plain = api_token_create(actor=None, user=user)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    answers = {"expired": _refused(expired_plain)}
    revoked, revoked_plain = api_token_create(actor=None, user=user)
    api_token_revoke(actor=None, token=revoked)
    answers["revoked"] = _refused(revoked_plain)
    _, plain = api_token_create(actor=None, user=user)
    answers["unknown"] = _refused("ng_not_a_token")
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + dt.timedelta(minutes=5))
    answers["locked"] = _refused(plain)
    User.objects.filter(pk=user.pk).update(locked_until=None)
    user_deactivate(actor=None, user=user)
    answers["inactive user"] = _refused(plain)
    user_reactivate(actor=None, user=user)
    assert _refused(plain)[0] == 200
    agency_deactivate(actor=None, agency=user.agency)
    answers["inactive agency"] = _refused(plain)
    assert set(answers.values()) == {answers["unknown"]}, answers
    assert answers["unknown"][0] == 401


def test_a_read_token_reads_and_changes_nothing() -> None:
    user = UserFactory(roles=["referrer"])
    _, plain = api_token_create(actor=None, user=user, scope="read")
    client = client_with(plain)
    assert client.get(reverse("api:referral_list")).status_code == 200
    before = AuditEvent.objects.count()
    response = client.post(reverse("api:referral_list"), {}, content_type="application/json")
    assert response.status_code == 403
    assert AuditEvent.objects.count() == before
    # The same user's write token reaches validation (400: an empty body).
    _, writer = api_token_create(actor=None, user=user, scope="write")
    response = client_with(writer).post(
        reverse("api:referral_list"), {}, content_type="application/json"
    )
    assert response.status_code == 400


def test_over_the_rate_answers_429_with_retry_after(settings) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_API_RATE = "2/hour"
    user = UserFactory()
    client = client_with(api_token_create(actor=None, user=user)[1])
    assert [client.get(ADDRESSES).status_code for _ in range(2)] == [200, 200]
    over = client.get(ADDRESSES)
    assert over.status_code == 429
    assert int(over["Retry-After"]) > 0
    # Counted per token user: another user's token still answers.
    other = client_with(api_token_create(actor=None, user=UserFactory())[1])
    assert other.get(ADDRESSES).status_code == 200


def test_no_page_is_longer_than_the_maximum(settings) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_API_MAX_PAGE_SIZE = 2
    for _ in range(3):
        AddressFactory()
    client = client_with(api_token_create(actor=None, user=UserFactory())[1])
    body = client.get(ADDRESSES + "&limit=1000").json()
    assert body["count"] == 3 and len(body["results"]) == 2


def test_api_defaults_are_pinned(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.NESTGUARD_API_TOKEN_DAYS == 90
    assert settings.NESTGUARD_API_RATE == "600/hour"
    assert settings.NESTGUARD_API_MAX_PAGE_SIZE == 200
    assert (
        settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] == "nestguard.api.pagination.Pagination"
    )


def test_every_paged_api_list_uses_the_capped_pagination() -> None:
    """A list view that pages builds the one Pagination (with its maximum), never DRF's own."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "pagination.py"
        and re.search(r"\b(LimitOffset|PageNumber|Cursor)Pagination\b", path.read_text())
    ]
    assert not offenders, f"use nestguard.api.pagination.Pagination in {offenders}"


# Lists answered whole, because their length is bounded by something other than a page:
UNPAGED_LISTS = {
    # the enforcement steps at one address
    "/api/v1/enforcement/",
    # one row per person named in one referral
    "/api/v1/referrals/{id}/matches/",
    # the warning markers placed at one address that the user may read
    "/api/v1/addresses/{uprn}/warnings/",
}


def test_every_list_endpoint_is_paged(personas) -> None:  # type: ignore[no-untyped-def]
    """A GET whose answer is a bare array has no maximum page size; only the bounded ones
    listed above may answer so."""
    token = api_token_create(actor=None, user=personas.owner)[1]
    schema = client_with(token).get("/api/v1/schema/?format=json").json()
    arrays = {
        path
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method == "get"
        for content in operation["responses"].get("200", {}).get("content", {}).values()
        if content.get("schema", {}).get("type") == "array"
    }
    assert arrays == UNPAGED_LISTS
