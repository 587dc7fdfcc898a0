"""Sign-in with a password and a TOTP second factor, enrolment, lockout, demo rules."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nestguard.accounts.models import User
from nestguard.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, UserFactory

pytestmark = pytest.mark.django_db


def code_for(secret_b32: str) -> str:
    return f"{totp(base64.b32decode(secret_b32)):06d}"


def password_step(client: Client, username: str, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:sign_in"), {"username": username, "password": password})


def test_second_factor_is_asked_at_every_sign_in(client: Client) -> None:
    UserFactory(username="jo")
    response = password_step(client, "jo")
    assert response["Location"] == reverse("accounts:verify")
    # Password alone reaches nothing but the code page.
    assert client.get("/").url == reverse("accounts:verify")
    response = client.post(reverse("accounts:verify"), {"code": code_for(TEST_TOTP_SECRET)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.sign_in", actor__username="jo").count() == 1


def test_first_sign_in_enrols_an_authenticator(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    # django-otp throttles a device after a wrong code; this test types the right one at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    UserFactory(username="new", totp=False)
    assert password_step(client, "new")["Location"] == reverse("accounts:enrol")
    page = client.get(reverse("accounts:enrol"))
    secret = page.context["secret"]
    assert b"<svg" in page.content and secret.encode() in page.content
    wrong = client.post(reverse("accounts:enrol"), {"code": "000000"})
    assert b"There is a problem" in wrong.content
    assert not TOTPDevice.objects.filter(user__username="new", confirmed=True).exists()
    done = client.post(reverse("accounts:enrol"), {"code": code_for(secret)})
    assert done.status_code == 302
    assert TOTPDevice.objects.filter(user__username="new", confirmed=True).count() == 1
    assert AuditEvent.objects.filter(action="auth.mfa_enrolled").count() == 1


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567"])
def test_malformed_codes_are_rejected_with_a_message(client: Client, code: str) -> None:
    UserFactory(username="jo")
    password_step(client, "jo")
    response = client.post(reverse("accounts:verify"), {"code": code})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"<title>Error:" in response.content


def test_wrong_password_says_so_without_saying_which_part(client: Client) -> None:
    UserFactory(username="jo")
    for username in ("jo", "nobody"):
        response = password_step(client, username, "wrong password entirely")
        assert b"Enter a correct username and password" in response.content
    assert User.objects.get(username="jo").failed_sign_ins == 1


def test_repeated_failures_lock_the_account_even_with_the_right_password(
    client: Client, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_LOCKOUT_THRESHOLD = 3
    UserFactory(username="jo")
    for _ in range(3):
        password_step(client, "jo", "wrong password entirely")
    user = User.objects.get(username="jo")
    assert user.is_locked()
    response = password_step(client, "jo")
    assert b"locked" in response.content
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.locked").count() == 1


def test_wrong_second_factor_codes_count_towards_lockout(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_LOCKOUT_THRESHOLD = 2
    UserFactory(username="jo")
    password_step(client, "jo")
    client.post(reverse("accounts:verify"), {"code": "000000"})
    response = client.post(reverse("accounts:verify"), {"code": "000001"})
    assert b"locked" in response.content
    assert User.objects.get(username="jo").is_locked()
    assert client.get("/").status_code == 302  # signed out


def test_open_redirects_are_refused(client: Client) -> None:
    UserFactory(username="jo")
    client.post(
        reverse("accounts:sign_in") + "?next=https://evil.example/",
        {"username": "jo", "password": TEST_PASSWORD, "next": "https://evil.example/"},
    )
    response = client.post(reverse("accounts:verify"), {"code": code_for(TEST_TOTP_SECRET)})
    assert response["Location"] == "/"


def test_demo_setting_skips_the_second_factor_and_shows_a_banner(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NESTGUARD_DEMO_SKIP_MFA = True
    UserFactory(username="jo", totp=False)
    response = password_step(client, "jo")
    assert response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert b"Demo mode" in page.content


def test_sessions_expire_when_idle_and_cookies_are_http_only(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.PASSWORD_HASHERS  # argon2 in base settings, see test_settings


def test_responses_carry_a_strict_content_security_policy(client: Client) -> None:
    response = client.get(reverse("accounts:sign_in"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store"


def test_sign_in_form_needs_a_csrf_token() -> None:
    UserFactory(username="jo")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("accounts:sign_in"), {"username": "jo", "password": TEST_PASSWORD}
    )
    assert response.status_code == 403
