"""Administrators' writes to people's accounts and agencies, and the enrolment codes that let
a person set up their second factor. Each call is audited in the same transaction.

(Kept apart from `services`, which holds creation, sign-in and tokens.)
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from nestguard.accounts.models import Agency, EnrolmentCode, Role, RoleGrant, User
from nestguard.audit.services import audit_record

# Unambiguous when read aloud or typed from a letter: no 0/O, 1/I/L.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 12


def account_refusal(user: User) -> str | None:
    """Why this account may not act now (sign in, keep a session, use a token), or None."""
    if not user.is_active:
        return "inactive"
    if user.agency_id is not None and not user.agency.active:  # type: ignore[union-attr]
        return "agency_inactive"
    if user.is_locked():
        return "locked"
    return None


def _refuse_self(actor: User | None, user: User, what: str) -> None:
    # An administrator who locks themselves out can be the last one; another admin does it.
    if actor is not None and actor.pk == user.pk:
        raise ValidationError({"user": f"You cannot {what} your own account"})


def _user_event(actor: User | None, action: str, user: User, **details: object) -> None:
    audit_record(
        actor=actor, action=action, obj=user, object_label=user.username, details=details or None
    )


def user_deactivate(*, actor: User | None, user: User) -> User:
    """The person can no longer sign in; open sessions end at their next request."""
    _refuse_self(actor, user, "deactivate")
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        _user_event(actor, "user.deactivate", user)
    return user


def user_reactivate(*, actor: User | None, user: User) -> User:
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        _user_event(actor, "user.reactivate", user)
    return user


def _role(role: str) -> Role:
    if role not in Role.values:
        raise ValidationError({"role": f"Choose a role from: {', '.join(Role.labels)}"})
    return Role(role)


def user_role_add(*, actor: User | None, user: User, role: str) -> User:
    chosen = _role(role)
    if RoleGrant.objects.filter(user=user, role=chosen).exists():
        raise ValidationError({"role": f"{user.username} already has the role {chosen.label}"})
    with transaction.atomic():
        RoleGrant.objects.create(user=user, role=chosen)
        _user_event(actor, "user.role_add", user, role=chosen.value)
    user.__dict__.pop("_role_codes", None)
    return user


def user_role_remove(*, actor: User | None, user: User, role: str) -> User:
    chosen = _role(role)
    if chosen == Role.ADMIN:
        _refuse_self(actor, user, "remove the administrator role from")
    grants = RoleGrant.objects.filter(user=user, role=chosen)
    if not grants.exists():
        raise ValidationError({"role": f"{user.username} does not have the role {chosen.label}"})
    if RoleGrant.objects.filter(user=user).count() == 1:
        raise ValidationError({"role": "A user keeps at least one role; deactivate them instead"})
    with transaction.atomic():
        grants.delete()
        _user_event(actor, "user.role_remove", user, role=chosen.value)
    user.__dict__.pop("_role_codes", None)
    return user


def user_unlock(*, actor: User | None, user: User) -> User:
    with transaction.atomic():
        user.locked_until = None
        user.failed_sign_ins = 0
        user.save(update_fields=["locked_until", "failed_sign_ins"])
        _user_event(actor, "user.unlock", user)
    return user


def user_second_factor_reset(*, actor: User | None, user: User) -> tuple[EnrolmentCode, str]:
    """Remove every authenticator; the person enrols again with the new code returned here
    (shown once). For a lost phone, or one that someone else may have enrolled."""
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        _user_event(actor, "user.second_factor_reset", user, devices_removed=removed)
        return enrolment_code_issue(actor=actor, user=user)


def hash_code(plain: str) -> str:
    return hashlib.sha256(plain.replace("-", "").replace(" ", "").upper().encode()).hexdigest()


def enrolment_code_issue(*, actor: User | None, user: User) -> tuple[EnrolmentCode, str]:
    """A new single-use code (any earlier unused one stops working); the plain code is
    returned once and only its hash is kept."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    plain = "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))
    now = timezone.now()
    with transaction.atomic():
        EnrolmentCode.objects.filter(user=user, used_at=None, revoked_at=None).update(
            revoked_at=now
        )
        code = EnrolmentCode.objects.create(
            user=user,
            code_hash=hash_code(plain),
            expires_at=now + timedelta(hours=settings.NESTGUARD_ENROLMENT_CODE_HOURS),
        )
        _user_event(
            actor, "user.enrolment_code_issue", user, expires_at=code.expires_at.isoformat()
        )
    return code, plain


def enrolment_code_find(*, user: User, plain: str) -> EnrolmentCode | None:
    """The user's usable code matching what they typed, or None."""
    code = EnrolmentCode.objects.filter(user=user, code_hash=hash_code(plain)).first()
    return code if code is not None and code.is_usable() else None


def enrolment_code_use(*, user: User, code: EnrolmentCode) -> None:
    """Spend the code; called in the transaction that confirms the authenticator."""
    updated = EnrolmentCode.objects.filter(pk=code.pk, used_at=None).update(used_at=timezone.now())
    if not updated:  # spent by a concurrent request
        raise ValidationError({"enrolment_code": "This enrolment code has already been used"})
    _user_event(user, "user.enrolment_code_use", user)


def agency_deactivate(*, actor: User | None, agency: Agency) -> Agency:
    """Its users can no longer sign in, keep a session or use a token."""
    if actor is not None and actor.agency_id == agency.pk:
        raise ValidationError({"agency": "You cannot deactivate your own agency"})
    with transaction.atomic():
        agency.active = False
        agency.save(update_fields=["active", "updated_at"])
        audit_record(actor=actor, action="agency.deactivate", obj=agency, object_label=agency.name)
    return agency


def agency_reactivate(*, actor: User | None, agency: Agency) -> Agency:
    with transaction.atomic():
        agency.active = True
        agency.save(update_fields=["active", "updated_at"])
        audit_record(actor=actor, action="agency.reactivate", obj=agency, object_label=agency.name)
    return agency
