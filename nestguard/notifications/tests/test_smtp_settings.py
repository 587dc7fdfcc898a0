"""The SMTP settings come from the environment, fail loudly on bad values, and the user and
password reach a server that requires them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from nestguard.notifications.services import NotificationsFailed, send_due_notifications
from nestguard.notifications.tests.conftest import NOW, immediate

PRINT = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({k: getattr(settings, k) for k in ('EMAIL_HOST', 'EMAIL_PORT', "
    "'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD', 'EMAIL_USE_TLS', 'DEFAULT_FROM_EMAIL', "
    "'NESTGUARD_EMAIL_ENABLED', 'NESTGUARD_BASE_URL')}))"
)


def settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NESTGUARD_EMAIL")}
    clean.update(env, DJANGO_SETTINGS_MODULE="nestguard.settings.test")
    return subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-c", PRINT], env=clean, capture_output=True, text=True, check=False
    )


def test_smtp_settings_are_read_from_the_environment() -> None:
    done = settings_with(
        NESTGUARD_EMAIL_HOST="smtp.council.example.org",
        NESTGUARD_EMAIL_PORT="2525",
        NESTGUARD_EMAIL_USER="relay",
        NESTGUARD_EMAIL_PASSWORD="relay secret",
        NESTGUARD_EMAIL_USE_TLS="false",
        NESTGUARD_EMAIL_FROM="nestguard-noreply@council.example.org",
        NESTGUARD_BASE_URL="https://nestguard.council.example.org",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "EMAIL_HOST": "smtp.council.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "relay",
        "EMAIL_HOST_PASSWORD": "relay secret",
        "EMAIL_USE_TLS": False,
        "DEFAULT_FROM_EMAIL": "nestguard-noreply@council.example.org",
        "NESTGUARD_EMAIL_ENABLED": True,
        "NESTGUARD_BASE_URL": "https://nestguard.council.example.org",
    }


def test_without_a_host_email_is_off_and_tls_is_on_by_default() -> None:
    done = settings_with()
    assert done.returncode == 0, done.stderr
    read = json.loads(done.stdout)
    assert read["NESTGUARD_EMAIL_ENABLED"] is False
    assert read["EMAIL_USE_TLS"] is True


@pytest.mark.parametrize(
    ("name", "value"), [("NESTGUARD_EMAIL_PORT", "smtp"), ("NESTGUARD_EMAIL_USE_TLS", "maybe")]
)
def test_a_bad_value_stops_start_up(name: str, value: str) -> None:
    done = settings_with(NESTGUARD_EMAIL_HOST="smtp.example.org", **{name: value})
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and name in done.stderr


# The test server takes the sign-in without TLS, on loopback only; aiosmtpd warns about it.
NO_TLS_ON_LOOPBACK = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@NO_TLS_ON_LOOPBACK
@pytest.mark.django_db
def test_the_user_and_password_sign_in_to_the_server(world, guarded_mailbox) -> None:  # type: ignore[no-untyped-def]
    immediate(world.personas.partner)
    send_due_notifications(now=NOW)
    assert guarded_mailbox.logins.seen and guarded_mailbox.logins.seen[0][1] == "nestguard-relay"
    assert len(guarded_mailbox.to("partner@police.example.org")) == 2


@NO_TLS_ON_LOOPBACK
@pytest.mark.django_db
def test_a_wrong_password_sends_nothing_and_the_run_fails(world, guarded_mailbox, settings) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_HOST_PASSWORD = "not the passphrase"
    immediate(world.personas.partner)
    with pytest.raises(NotificationsFailed):
        send_due_notifications(now=NOW)
    assert guarded_mailbox.messages == []
