"""Sign-in with a password and a TOTP second factor, enrolment, lockout, demo rules."""

from __future__ import annotations

import base64
import datetime as dt
import time
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import hotp, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import sign_in
from nestguard.accounts.administration import (
    agency_deactivate,
    enrolment_code_find,
    enrolment_code_issue,
    enrolment_code_use,
)
from nestguard.accounts.middleware import RENEWED_AT
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


def test_first_sign_in_enrols_an_authenticator_with_an_enrolment_code(  # type: ignore[no-untyped-def]
    client: Client, settings
) -> None:
    # django-otp throttles a device after a wrong code; this test types the right one at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = UserFactory(username="new", totp=False)
    _, enrolment_code = enrolment_code_issue(actor=None, user=user)
    assert password_step(client, "new")["Location"] == reverse("accounts:enrol")
    # A password alone shows no secret: first the administrator's code.
    page = client.get(reverse("accounts:enrol"))
    assert "secret" not in page.context and b"Enter your enrolment code" in page.content
    wrong = client.post(reverse("accounts:enrol"), {"enrolment_code": "AAAA-BBBB-CCCC"})
    assert b"There is a problem" in wrong.content and "secret" not in wrong.context
    entered = client.post(reverse("accounts:enrol"), {"enrolment_code": enrolment_code.lower()})
    assert entered["Location"] == reverse("accounts:enrol")
    page = client.get(reverse("accounts:enrol"))
    secret = page.context["secret"]
    assert b"<svg" in page.content and secret.encode() in page.content
    wrong = client.post(reverse("accounts:enrol"), {"code": "000000"})
    assert b"There is a problem" in wrong.content
    assert not TOTPDevice.objects.filter(user__username="new", confirmed=True).exists()
    # Every showing carries a new secret, and an earlier one is no longer accepted.
    fresh = wrong.context["secret"]
    assert fresh != secret
    stale = client.post(reverse("accounts:enrol"), {"code": code_for(secret)})
    assert b"There is a problem" in stale.content
    latest = stale.context["secret"]
    assert latest not in (secret, fresh)
    done = client.post(reverse("accounts:enrol"), {"code": code_for(latest)})
    assert done.status_code == 302
    assert TOTPDevice.objects.filter(user__username="new", confirmed=True).count() == 1
    assert AuditEvent.objects.filter(action="auth.mfa_enrolled").count() == 1
    assert AuditEvent.objects.filter(action="user.enrolment_code_use").count() == 1


def test_an_enrolment_code_works_once_and_expires(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(username="new", totp=False)
    code, plain = enrolment_code_issue(actor=None, user=user)
    assert code.code_hash != plain and plain not in code.code_hash
    assert enrolment_code_find(user=user, plain=plain) == code
    # Another user's code does not fit.
    other = UserFactory(username="other", totp=False)
    assert enrolment_code_find(user=other, plain=plain) is None
    code.expires_at = timezone.now() - dt.timedelta(seconds=1)
    code.save()
    assert enrolment_code_find(user=user, plain=plain) is None
    # A new code replaces the old; a used code is spent.
    _, first_plain = enrolment_code_issue(actor=None, user=user)
    second, second_plain = enrolment_code_issue(actor=None, user=user)
    assert enrolment_code_find(user=user, plain=first_plain) is None
    enrolment_code_use(user=user, code=second)
    assert enrolment_code_find(user=user, plain=second_plain) is None
    expected = dt.timedelta(hours=settings.NESTGUARD_ENROLMENT_CODE_HOURS)
    assert second.expires_at - second.created_at == pytest.approx(
        expected, abs=dt.timedelta(seconds=5)
    )


def test_enrolment_code_hours_default_to_72(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.NESTGUARD_ENROLMENT_CODE_HOURS == 72


def test_a_lock_set_after_the_password_step_stops_the_code_step(client: Client) -> None:
    user = UserFactory(username="jo")
    password_step(client, "jo")
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + dt.timedelta(minutes=5))
    response = client.post(reverse("accounts:verify"), {"code": code_for(TEST_TOTP_SECRET)})
    assert b"locked" in response.content
    assert not AuditEvent.objects.filter(action="auth.sign_in").exists()
    assert client.get("/cases/").status_code == 302  # signed out, sent to sign in


def test_sign_out_is_post_only(client: Client) -> None:
    user = UserFactory(username="jo")
    sign_in(client, user)
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    assert client.get("/cases/").status_code == 200
    assert client.post(reverse("accounts:sign_out")).status_code == 200
    assert client.get("/cases/").status_code == 302


def test_users_of_an_inactive_agency_cannot_sign_in_or_keep_a_session(client: Client) -> None:
    user = UserFactory(username="jo")
    signed_in = sign_in(Client(), user)
    assert signed_in.get("/cases/").status_code == 200
    agency_deactivate(actor=None, agency=user.agency)
    assert signed_in.get("/cases/").status_code == 302
    response = password_step(client, "jo")
    assert response.status_code == 200 and b"no longer has access" in response.content
    assert client.get("/cases/").status_code == 302


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
    # Renewed by requests at most once a minute (decision 0124), so never idle for longer.
    assert settings.NESTGUARD_SESSION_RENEW_SECONDS == 60
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.PASSWORD_HASHERS  # argon2 in base settings, see test_settings


def stored_session(client: Client) -> Session:
    return Session.objects.get(
        session_key=client.cookies[django_settings.SESSION_COOKIE_NAME].value
    )


def test_a_request_renews_the_idle_clock_at_most_once_a_minute() -> None:
    client = sign_in(Client(), UserFactory(username="jo"))
    assert client.get("/").status_code == 200
    renewed = stored_session(client)
    assert renewed.get_decoded()[RENEWED_AT] > 0
    # Within the minute, pages write nothing to the session.
    assert client.get("/").status_code == 200
    assert stored_session(client).expire_date == renewed.expire_date
    assert stored_session(client).session_data == renewed.session_data
    # Renewed over a minute ago: the next request moves the idle clock on.
    session = client.session
    session[RENEWED_AT] = int(time.time()) - 61
    session.save()
    before = stored_session(client).expire_date
    assert client.get("/").status_code == 200
    after = stored_session(client)
    assert after.expire_date > before
    assert after.get_decoded()[RENEWED_AT] >= int(time.time()) - 5


def test_signing_in_starts_the_idle_clock_so_the_first_page_writes_no_session() -> None:
    client = sign_in(Client(), UserFactory(username="jo"))
    signed_in = stored_session(client)
    assert signed_in.get_decoded()[RENEWED_AT] >= int(time.time()) - 5
    assert client.get("/").status_code == 200
    assert stored_session(client).session_data == signed_in.session_data


def test_a_session_idle_past_its_age_is_signed_out_and_none_is_saved_for_nobody() -> None:
    client = sign_in(Client(), UserFactory(username="jo"))
    assert client.get("/").status_code == 200
    Session.objects.filter(pk=stored_session(client).pk).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get("/")["Location"].startswith(reverse("accounts:sign_in"))
    sessions = Session.objects.count()
    assert Client().get("/health/").status_code == 200
    assert Session.objects.count() == sessions


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


def _code_of_step(device: TOTPDevice, step: int) -> str:
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


@pytest.mark.parametrize(("learnt", "accepted"), [(False, True), (True, False)])
def test_a_code_made_as_its_step_ends_is_accepted_as_the_next_begins(
    settings: Any, learnt: bool, accepted: bool
) -> None:
    """The tests' codes come from the server's own clock (settings/test.py): a code of the
    next step accepted early, then, two steps on, a code made at the last moment of its step
    and checked at the first of the next. Learning the first as drift (django-otp's default,
    `learnt`) moves the window a step ahead and refuses the second, as a browser journey's
    sign-in was refused on CI; unlearnt, the window is one step either side of the clock."""
    settings.OTP_TOTP_SYNC = learnt
    device = TOTPDevice.objects.get(user=UserFactory(username="jo"))
    step = 1_800_000_000 // device.step  # any step: its first second is a whole multiple
    with time_machine.travel(step * device.step + 10, tick=False):
        assert device.verify_token(_code_of_step(device, step + 1))  # a step early
    later = step + 3
    with time_machine.travel(later * device.step + 0.05, tick=False):
        assert device.verify_token(_code_of_step(device, later - 1)) is accepted
