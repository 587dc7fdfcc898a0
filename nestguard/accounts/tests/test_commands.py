"""The administrators' commands, called as an administrator would."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from nestguard.accounts.administration import enrolment_code_find
from nestguard.accounts.models import Agency, ApiToken, EnrolmentCode, User
from nestguard.accounts.services import hash_token
from nestguard.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "pw"
    path.write_text("a long and unusual password 7\n")
    return path


def test_create_agency_prints_its_id_and_marks_the_hub() -> None:
    agency_id = run("create_agency", "--name", "Hub", "--type", "community_safety", "--hub")
    assert Agency.objects.get(pk=agency_id).is_hub


@pytest.mark.parametrize(
    "args",
    [
        ["--name", "X", "--type", "bakery"],
        ["--name", "", "--type", "police"],
        ["--name", "y" * 201, "--type", "police"],
    ],
)
def test_create_agency_refuses_bad_input_and_writes_nothing(args: list[str]) -> None:
    with pytest.raises(CommandError):
        run("create_agency", *args)
    assert Agency.objects.count() == 0


def test_createuser_with_agency_by_name_or_id_roles_and_totp(password_file: Path) -> None:
    agency_id = run("create_agency", "--name", "Northbrook Police", "--type", "police")
    user_id = run(
        "createuser",
        "--username",
        "pc1",
        "--agency",
        "northbrook police",
        "--role",
        "caseworker",
        "--role",
        "referrer",
        "--password-file",
        str(password_file),
        "--totp-secret",
        "JBSWY3DPEHPK3PXP",
    )
    user = User.objects.get(pk=user_id)
    assert str(user.agency_id) == agency_id
    assert user.role_codes == {"caseworker", "referrer"}
    assert user.check_password("a long and unusual password 7")
    assert TOTPDevice.objects.get(user=user).confirmed
    printed = run(
        "createuser",
        "--username",
        "pc2",
        "--agency",
        agency_id,
        "--role",
        "analyst",
        "--password-file",
        str(password_file),
    )
    user_id, code_line = printed.splitlines()
    user = User.objects.get(pk=user_id, username="pc2", agency_id=agency_id)
    # No pre-enrolled authenticator: an enrolment code, printed once, kept only hashed.
    plain = code_line.rsplit(" ", 1)[-1]
    assert enrolment_code_find(user=user, plain=plain) is not None
    assert not EnrolmentCode.objects.filter(code_hash__contains=plain).exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--agency", "Nowhere"], "No agency"),
        (["--totp-secret", "not base32!"], "base32"),
        (["--username", "taken"], "taken"),
    ],
)
def test_createuser_refuses_bad_input(password_file: Path, extra: list[str], message: str) -> None:
    run("create_agency", "--name", "Hub", "--type", "community_safety")
    run(
        "createuser",
        "--username",
        "taken",
        "--agency",
        "Hub",
        "--role",
        "caseworker",
        "--password-file",
        str(password_file),
    )
    args = {"--username": "someone", "--agency": "Hub"}
    args.update(dict(zip(extra[::2], extra[1::2], strict=True)))
    flat = [item for pair in args.items() for item in pair]
    with pytest.raises(CommandError, match=message):
        run("createuser", *flat, "--role", "caseworker", "--password-file", str(password_file))
    assert User.objects.count() == 1


def test_weak_password_is_refused(tmp_path: Path) -> None:
    run("create_agency", "--name", "Hub", "--type", "community_safety")
    weak = tmp_path / "weak"
    weak.write_text("password")
    with pytest.raises(CommandError, match="password"):
        run(
            "createuser",
            "--username",
            "u",
            "--agency",
            "Hub",
            "--role",
            "caseworker",
            "--password-file",
            str(weak),
        )


def test_api_token_is_printed_once_and_stored_hashed(password_file: Path) -> None:
    run("create_agency", "--name", "Hub", "--type", "community_safety")
    run(
        "createuser",
        "--username",
        "u",
        "--agency",
        "Hub",
        "--role",
        "caseworker",
        "--password-file",
        str(password_file),
    )
    plain = run("create_api_token", "--username", "u")
    assert plain.startswith("ng_")
    token = ApiToken.objects.get()
    assert token.key_hash == hash_token(plain) and plain not in token.key_hash
    assert run("revoke_api_token", "--prefix", token.prefix) == "revoked 1 token(s)"
    token.refresh_from_db()
    assert not token.is_active


def test_api_token_days_and_scope(password_file: Path) -> None:
    user = UserFactory(username="u")
    run("create_api_token", "--username", "u", "--days", "7", "--scope", "read")
    token = ApiToken.objects.get(user=user)
    assert token.scope == "read"
    assert token.expires_at - token.created_at == pytest.approx(  # type: ignore[operator]
        dt.timedelta(days=7), abs=dt.timedelta(seconds=5)
    )
    with pytest.raises(CommandError, match="days"):
        run("create_api_token", "--username", "u", "--days", "0")
    assert ApiToken.objects.count() == 1


def test_user_account_changes_are_audited() -> None:
    user = UserFactory(username="u", roles=["caseworker"])
    run("user_account", "--username", "u", "--add-role", "supervisor")
    run("user_account", "--username", "u", "--remove-role", "caseworker")
    assert User.objects.get(pk=user.pk).role_codes == {"supervisor"}
    with pytest.raises(CommandError, match="at least one role"):
        run("user_account", "--username", "u", "--remove-role", "supervisor")
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + dt.timedelta(hours=1))
    run("user_account", "--username", "u", "--unlock")
    assert not User.objects.get(pk=user.pk).is_locked()
    run("user_account", "--username", "u", "--deactivate")
    assert not User.objects.get(pk=user.pk).is_active
    run("user_account", "--username", "u", "--reactivate")
    assert User.objects.get(pk=user.pk).is_active
    code = run("user_account", "--username", "u", "--reset-second-factor")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert enrolment_code_find(user=user, plain=code) is not None
    actions = list(
        AuditEvent.objects.filter(object_id=str(user.pk), action__startswith="user.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "user.role_add",
        "user.role_remove",
        "user.unlock",
        "user.deactivate",
        "user.reactivate",
        "user.second_factor_reset",
        "user.enrolment_code_issue",
    ]


def test_agency_status_deactivates_and_reactivates() -> None:
    agency = Agency.objects.create(name="Hub", type="community_safety")
    assert run("agency_status", "--agency", "hub", "--deactivate") == "Hub is deactivated"
    agency.refresh_from_db()
    assert not agency.active
    run("agency_status", "--agency", str(agency.pk), "--reactivate")
    agency.refresh_from_db()
    assert agency.active
    assert AuditEvent.objects.filter(action__startswith="agency.").count() == 2
