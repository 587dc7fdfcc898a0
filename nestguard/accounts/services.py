"""Every write to agencies, users, teams, agreements and tokens. Each call is audited."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from nestguard.accounts.administration import enrolment_code_use
from nestguard.accounts.models import (
    Agency,
    ApiToken,
    EnrolmentCode,
    Role,
    RoleGrant,
    SharingAgreement,
    Team,
    TokenScope,
    User,
    agency_types,
    lawful_bases,
)
from nestguard.audit.services import audit_record

TOKEN_PREFIX = "ng_"  # noqa: S105 (a label, not a secret)


def agency_create(
    *,
    actor: User | None,
    name: str,
    type: str,
    is_hub: bool = False,
    is_first_responder: bool = False,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> Agency:
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the agency's name"
    elif len(name) > 200:
        errors["name"] = "Agency name must be 200 characters or fewer"
    elif Agency.objects.filter(name__iexact=name).exists():
        errors["name"] = f"An agency called {name} already exists"
    if type not in agency_types():
        errors["type"] = f"Agency type must be one of: {', '.join(agency_types().values)}"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agency = Agency.objects.create(
            name=name,
            type=type,
            is_hub=is_hub,
            is_first_responder=is_first_responder,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
        )
        audit_record(actor=actor, action="agency.create", obj=agency, object_label=name)
    return agency


def _totp_key_from_base32(secret: str) -> str:
    cleaned = secret.replace(" ", "").upper()
    padding = "=" * (-len(cleaned) % 8)
    try:
        raw = base64.b32decode(cleaned + padding)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({"totp_secret": "The TOTP secret must be base32"}) from exc
    if len(raw) < 10:
        raise ValidationError({"totp_secret": "The TOTP secret must be at least 80 bits"})
    return raw.hex()


def user_create(
    *,
    actor: User | None,
    username: str,
    agency: Agency,
    roles: Iterable[str],
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    job_title: str = "",
    phone: str = "",
    totp_secret: str | None = None,
) -> User:
    roles = sorted(set(roles))
    errors: dict[str, Any] = {}
    username = username.strip()
    if not username:
        errors["username"] = "Enter a username"
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = f"The username {username} is taken"
    unknown = [r for r in roles if r not in Role.values]
    if not roles:
        errors["roles"] = "Give the user at least one role"
    elif unknown:
        errors["roles"] = (
            f"Unknown roles: {', '.join(unknown)}; choose from {', '.join(Role.values)}"
        )
    try:
        validate_password(
            password, User(username=username, first_name=first_name, last_name=last_name)
        )
    except ValidationError as exc:
        errors["password"] = exc.messages
    key = None
    if totp_secret:
        try:
            key = _totp_key_from_base32(totp_secret)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User(
            username=username,
            agency=agency,
            first_name=first_name,
            last_name=last_name,
            email=email,
            job_title=job_title,
            phone=phone,
        )
        user.set_password(password)
        user.save()
        RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles])
        if key:
            TOTPDevice.objects.create(user=user, name="Provisioned", key=key, confirmed=True)
        audit_record(
            actor=actor,
            action="user.create",
            obj=user,
            object_label=username,
            details={"agency": str(agency.id), "roles": roles, "totp_provisioned": bool(key)},
        )
    return user


def team_create(
    *, actor: User | None, agency: Agency, name: str, members: Iterable[User] = ()
) -> Team:
    with transaction.atomic():
        team = Team.objects.create(agency=agency, name=name)
        team.members.set(list(members))
        audit_record(actor=actor, action="team.create", obj=team, object_label=name)
    return team


def sharing_agreement_create(
    *,
    actor: User | None,
    name: str,
    parties: Iterable[Agency],
    purposes: str,
    lawful_basis: str,
    starts_on: date,
    review_on: date,
    ends_on: date | None = None,
) -> SharingAgreement:
    parties = list(parties)
    errors: dict[str, str] = {}
    if len(parties) < 2:
        errors["parties"] = "A sharing agreement needs at least two agencies"
    if lawful_basis not in lawful_bases():
        errors["lawful_basis"] = f"Lawful basis must be one of: {', '.join(lawful_bases().values)}"
    if not purposes.strip():
        errors["purposes"] = "Say what the information is shared for"
    if ends_on and ends_on < starts_on:
        errors["ends_on"] = "The end date must be after the start date"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement = SharingAgreement.objects.create(
            name=name,
            purposes=purposes,
            lawful_basis=lawful_basis,
            starts_on=starts_on,
            review_on=review_on,
            ends_on=ends_on,
        )
        agreement.parties.set(parties)
        audit_record(
            actor=actor,
            action="sharing_agreement.create",
            obj=agreement,
            object_label=name,
            lawful_basis=lawful_basis,
            details={"parties": [str(p.id) for p in parties]},
        )
    return agreement


REASON_MAX = 2000


def sharing_agreement_end(
    *, actor: User | None, agreement: SharingAgreement, reason: str
) -> SharingAgreement:
    """End an agreement now. Everything that relied on it stops at once, because every
    access rule asks whether an agreement is active when it is asked (never a stored copy):
    partner users named on case teams lose view and edit access, their agencies' cases drop
    out of panel agendas, and the agreement can no longer be chosen as a basis.

    Only administrators end agreements (`actor=None` is the command line). Ending is
    final: an agreement is not reopened; record a new one instead."""
    if actor is not None and not (actor.is_active and actor.has_role(Role.ADMIN)):
        raise PermissionDenied("Only administrators end sharing agreements")
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "Say why the agreement is ending"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"The reason must be {REASON_MAX} characters or fewer"
    with transaction.atomic():
        # Locked so that two admins ending it at once record one end, not two.
        current = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
        if current.revoked_at is not None:
            errors["agreement"] = f"{current.name} has already been ended"
        if errors:
            raise ValidationError(errors)
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action="sharing_agreement.end",
            obj=current,
            object_label=current.name,
            lawful_basis=current.lawful_basis,
            details={
                "reason": reason,
                "parties": sorted(str(p) for p in current.parties.values_list("id", flat=True)),
            },
        )
    agreement.revoked_at = current.revoked_at
    return current


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(
    *,
    actor: User | None,
    user: User,
    name: str = "",
    days: int | None = None,
    scope: str = TokenScope.WRITE,
) -> tuple[ApiToken, str]:
    """Issue a token; the plain token is returned once and never stored. It expires after
    `days` (NESTGUARD_API_TOKEN_DAYS by default); a `read` token may only read."""
    days = settings.NESTGUARD_API_TOKEN_DAYS if days is None else days
    errors: dict[str, str] = {}
    if not 1 <= days <= 366:
        errors["days"] = "A token lasts between 1 and 366 days"
    if scope not in TokenScope.values:
        errors["scope"] = f"Scope must be one of: {', '.join(TokenScope.values)}"
    if errors:
        raise ValidationError(errors)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=plain[:10],
            key_hash=hash_token(plain),
            expires_at=timezone.now() + timedelta(days=days),
            scope=scope,
        )
        audit_record(
            actor=actor,
            action="api_token.create",
            obj=token,
            object_label=token.prefix,
            details={"user": str(user.id), "days": days, "scope": scope},
        )
    return token, plain


def api_token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action="api_token.revoke", obj=token, object_label=token.prefix)
    return token


def sign_in_failed(*, user: User, stage: str) -> bool:
    """Count a failure (password or second factor); lock at the threshold. True if now locked."""
    with transaction.atomic():
        user.failed_sign_ins += 1
        locked = user.failed_sign_ins >= settings.NESTGUARD_LOCKOUT_THRESHOLD
        if locked:
            user.locked_until = timezone.now() + timedelta(
                minutes=settings.NESTGUARD_LOCKOUT_MINUTES
            )
            user.failed_sign_ins = 0
        user.save(update_fields=["failed_sign_ins", "locked_until"])
        audit_record(
            actor=user,
            action="auth.sign_in_failed" if stage == "password" else "auth.mfa_failed",
            obj=user,
            object_label=user.username,
        )
        if locked:
            audit_record(actor=user, action="auth.locked", obj=user, object_label=user.username)
    return locked


def sign_in_succeeded(*, user: User) -> None:
    with transaction.atomic():
        user.failed_sign_ins = 0
        user.locked_until = None
        user.last_login = timezone.now()
        user.save(update_fields=["failed_sign_ins", "locked_until", "last_login"])
        audit_record(actor=user, action="auth.sign_in", obj=user, object_label=user.username)


def signed_out(*, user: User) -> None:
    """Record a sign-out (the session ends in the view)."""
    audit_record(actor=user, action="auth.sign_out", obj=user, object_label=user.username)


def totp_device_fresh(*, user: User) -> TOTPDevice:
    """A new unconfirmed authenticator with a new secret, replacing any earlier one: a secret
    that has been shown once is never shown or accepted again."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_enrolment_confirm(*, user: User, device: TOTPDevice, code: EnrolmentCode) -> None:
    """Confirm the authenticator and spend the enrolment code that allowed it, together."""
    with transaction.atomic():
        enrolment_code_use(user=user, code=code)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit_record(actor=user, action="auth.mfa_enrolled", obj=user, object_label=user.username)
