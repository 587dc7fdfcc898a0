"""Deny by default, checked against the whole URL map rather than from memory.

- every view declares an access rule (nestguard.access.rules), and the public ones are
  exactly the pages listed here;
- an anonymous visitor reaches no page: each non-public page sends them to sign-in, each
  API endpoint answers 401 without a valid token;
- a signed-in user who has not passed the second factor is sent to the code page (or to
  enrol an authenticator when they have none), whatever page they ask for.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from nestguard.accounts.models import User
from tests.factories import UserFactory
from tests.urlmap import Endpoint, endpoints, kind

ENDPOINTS = endpoints()
BY_KIND: dict[str, list[Endpoint]] = {}
for _endpoint in ENDPOINTS:
    BY_KIND.setdefault(kind(_endpoint), []).append(_endpoint)

# Pages anyone may open. A new public page must be added here on purpose.
PUBLIC = {
    "core:health",
    "core:ready",
    "core:accessibility",
    # residents' reports of exploitation, without signing in (decision 0100)
    "public:report",
    # the sign-in pages themselves (rule AUTHENTICATING): they check the session inside
    "accounts:sign_in",
    "accounts:verify",
    "accounts:enrol",
    "accounts:sign_out",
}


def ids(items: list[Endpoint]) -> list[str]:
    return [e.name for e in items]


def test_the_url_map_is_walked() -> None:
    names = {e.name for e in ENDPOINTS}
    assert {"core:home", "accounts:sign_in", "core:health"} <= names
    assert len(ENDPOINTS) == len(names), "two URL patterns share a name"


def test_every_view_declares_an_access_rule() -> None:
    undeclared = [f"{e.name} (/{e.route}) → {e.callback!r}" for e in BY_KIND.get("undeclared", [])]
    assert not undeclared, "views without an access rule:\n" + "\n".join(undeclared)


def test_public_pages_are_exactly_the_listed_ones() -> None:
    public = set(ids(BY_KIND.get("public", [])))
    assert public == PUBLIC, (
        f"declared public but not listed: {sorted(public - PUBLIC)}; "
        f"listed but no longer public: {sorted(PUBLIC - public)}"
    )


@pytest.mark.parametrize("endpoint", BY_KIND.get("page", []), ids=ids(BY_KIND.get("page", [])))
def test_pages_keep_the_session_login_check(endpoint: Endpoint) -> None:
    # Only token-authenticated API views may opt out of the login middleware.
    assert getattr(endpoint.callback, "login_required", True) is not False


def expect_sign_in(response, path: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.status_code
    assert response["Location"] == f"{reverse('accounts:sign_in')}?next={quote(path)}"


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", BY_KIND.get("page", []), ids=ids(BY_KIND.get("page", [])))
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, endpoint: Endpoint) -> None:
    path = endpoint.path()
    expect_sign_in(client.get(path), path)
    expect_sign_in(client.post(path, {"anything": "x"}), path)


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", BY_KIND.get("api", []), ids=ids(BY_KIND.get("api", [])))
def test_api_endpoints_answer_401_without_a_valid_token(client: Client, endpoint: Endpoint) -> None:
    path = endpoint.path()
    for response in (
        client.get(path),
        client.post(path, {}, content_type="application/json"),
        client.get(path, headers={"Authorization": "Bearer ng_not_a_real_token"}),
        client.get(path, headers={"Authorization": "Basic dXNlcjpwYXNz"}),
    ):
        assert response.status_code == 401, (path, response.status_code)
        assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.django_db
def test_a_signed_in_session_is_no_api_token(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("owner")
    for endpoint in BY_KIND.get("api", []):
        assert client.get(endpoint.path()).status_code == 401, endpoint.name


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", BY_KIND.get("page", []), ids=ids(BY_KIND.get("page", [])))
def test_password_alone_leads_only_to_the_second_factor(endpoint: Endpoint) -> None:
    enrolled: User = UserFactory(
        username="halfway", roles=["caseworker", "supervisor", "referrer", "auditor", "admin"]
    )
    newcomer: User = UserFactory(username="newcomer", roles=["caseworker", "referrer"], totp=False)
    path = endpoint.path()
    for user, page in ((enrolled, "accounts:verify"), (newcomer, "accounts:enrol")):
        client = Client()
        client.force_login(user)
        for response in (client.get(path), client.post(path, {"anything": "x"})):
            assert response.status_code == 302, (user.username, response.status_code)
            assert response["Location"] == reverse(page), (user.username, response["Location"])


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_open_without_signing_in(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    if name in {"accounts:verify", "accounts:enrol"}:
        # Part of signing in: with no password step behind them they start it.
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))
    elif name == "accounts:sign_out":
        # POST only, so that no link or image elsewhere can sign anyone out.
        assert response.status_code == 405
        assert client.post(reverse(name)).status_code == 200
    else:
        assert response.status_code == 200
