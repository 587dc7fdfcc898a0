"""The partnership: agencies, their users and roles, teams, and sharing agreements."""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from nestguard.core.codes import CodeList, code_list
from nestguard.core.models import BaseModel


def agency_types() -> CodeList:
    return code_list("accounts", "agency_types")


def lawful_bases() -> CodeList:
    return code_list("accounts", "lawful_bases")


class Role(models.TextChoices):
    """Roles are code, not data: what each may do is written in nestguard.access."""

    REFERRER = "referrer", "Referrer"
    CASEWORKER = "caseworker", "Caseworker"
    SUPERVISOR = "supervisor", "Supervisor"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    ANALYST = "analyst", "Analyst"
    AUDITOR = "auditor", "Auditor"
    ADMIN = "admin", "Administrator"
    LINKAGE_REVIEWER = "linkage_reviewer", "Linkage reviewer"
    # Sees the partnership picture (dashboard, scrutiny reports) and enters project costs.
    PARTNERSHIP_MANAGER = "partnership_manager", "Partnership manager"
    # Grades partner intelligence, shares sanitised versions (the receiving intelligence
    # function: police or the hub, as the partnership decides).
    INTELLIGENCE_OFFICER = "intelligence_officer", "Intelligence officer"
    # Keeps the records the UK GDPR asks for: retention, subject access, breaches, RoPA.
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"
    # Keeps the onward services directory (a partner's worker may hold it alone: decision 0108).
    DIRECTORY_EDITOR = "directory_editor", "Directory editor"


class Agency(BaseModel):
    name = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=40)
    is_hub = models.BooleanField(
        default=False, help_text="Hub agencies' caseworkers and supervisors triage referrals"
    )
    is_first_responder = models.BooleanField(
        default=False,
        help_text="A first responder organisation for the National Referral Mechanism",
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def type_label(self) -> str:
        return agency_types().label(self.type)


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="users", null=True)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    failed_sign_ins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *wanted: str) -> bool:
        return bool(self.role_codes.intersection(wanted))

    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=40, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_grant")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class Team(BaseModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(User, related_name="teams", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="unique_team_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class SharingAgreement(BaseModel):
    """An information sharing agreement: who shares, why, on which lawful basis, until when."""

    name = models.CharField(max_length=200)
    parties = models.ManyToManyField(Agency, related_name="sharing_agreements")
    purposes = models.TextField()
    lawful_basis = models.CharField(max_length=40)
    starts_on = models.DateField()
    review_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def is_active(self, on: date | None = None) -> bool:
        today = on or timezone.localdate()
        if self.revoked_at or self.starts_on > today:
            return False
        return self.ends_on is None or self.ends_on >= today

    def review_overdue(self, on: date | None = None) -> bool:
        return self.review_on < (on or timezone.localdate())


class TokenScope(models.TextChoices):
    """What a token may do, within its user's access: `read` refuses unsafe methods."""

    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiToken(BaseModel):
    """A partner system's bearer token. Only its SHA-256 is stored; the token is shown once.

    It acts as its user, with at most that user's access (less if read-scoped), until it
    expires or is revoked.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=200, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Null only for tokens issued before expiry existed: the migration gives them one.
    expires_at = models.DateTimeField(null=True)
    scope = models.CharField(max_length=10, choices=TokenScope.choices, default=TokenScope.WRITE)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired()

    def is_expired(self) -> bool:
        return self.expires_at is None or self.expires_at <= timezone.now()


class EnrolmentCode(BaseModel):
    """A single-use code an administrator gives a user to set up their authenticator app.

    Without one a stolen password could enrol the thief's authenticator. Only its SHA-256 is
    kept; it is shown once, and ends when used, replaced or expired.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"enrolment code ({self.user_id})"

    def is_usable(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()
