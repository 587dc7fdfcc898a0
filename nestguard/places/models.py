"""Addresses: the partnership's address register (by UPRN) and addresses typed on referrals."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from nestguard.access.restrictions import (
    restriction_filter,
    restriction_label,
    withheld_from_subject,
)
from nestguard.core.codes import CodeList, code_list
from nestguard.core.models import BaseModel
from nestguard.core.versioning import Versioned


def tenures() -> CodeList:
    return code_list("places", "tenures")


class Address(BaseModel):
    uprn = models.CharField(max_length=12, null=True, blank=True, unique=True)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    postcode_key = models.CharField(max_length=7, blank=True, db_index=True)
    easting = models.IntegerField(null=True, blank=True)
    northing = models.IntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    ward = models.CharField(max_length=100, blank=True, db_index=True)
    tenure = models.CharField(max_length=30, default="unknown")
    landlord = models.CharField(max_length=200, blank=True)
    # False for an address typed on a referral that could not be matched to the register:
    # it stays as entered, flagged, until someone resolves it.
    in_register = models.BooleanField(default=True)

    class Meta:
        ordering = ["postcode_key", "line1"]
        verbose_name_plural = "addresses"
        indexes = [
            # The radius query's bounding-box prefilter (leaflet drops, bench/places.py).
            models.Index(fields=["easting", "northing"], name="address_grid_idx"),
            # The latest change to the register, read as every address arrives to learn
            # whether the person index's copy is current (nestguard/linkage/address_index.py).
            models.Index(fields=["updated_at"], name="address_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.one_line

    @property
    def one_line(self) -> str:
        parts = [self.line1, self.line2, self.town, self.postcode]
        return ", ".join(p for p in parts if p)

    @property
    def audit_label(self) -> str:
        return self.one_line

    @property
    def tenure_label(self) -> str:
        return tenures().label(self.tenure)


def link_roles() -> CodeList:
    return code_list("places", "link_roles")


def warning_categories() -> CodeList:
    return code_list("places", "warning_categories")


def warning_levels() -> CodeList:
    return code_list("places", "warning_levels")


def report_kinds() -> CodeList:
    return code_list("places", "report_kinds")


def repeat_decisions() -> CodeList:
    return code_list("places", "repeat_decisions")


def hardening_measures() -> CodeList:
    return code_list("places", "hardening_measures")


def funding_sources() -> CodeList:
    return code_list("places", "funding_sources")


class PersonAddressLink(BaseModel):
    """A person's tie to a property, and how: resident, tenant, visitor, suspected exploiter,
    victim, from a date and (when it ended) to a date. Shown only to those who may see the
    person (`visible_people`)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="address_links"
    )
    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="person_links")
    role = models.CharField(max_length=30)
    from_date = models.DateField()
    to_date = models.DateField(null=True, blank=True)
    # The case the link was recorded on, if any: a displacement alert goes to its team.
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-from_date"]
        indexes = [models.Index(fields=["person", "role"], name="link_person_role_idx")]

    @property
    def role_label(self) -> str:
        return link_roles().label(self.role)

    @property
    def audit_label(self) -> str:
        return f"{self.role_label} at {self.address.one_line}"


class WarningMarkerQuerySet(models.QuerySet["WarningMarker"]):
    def restricted_for(self, user: Any) -> WarningMarkerQuerySet:
        """The markers whose handling restriction lets `user` read their reasons (category,
        owner, case). Apply on top of the visibility of the marker's case (decision 78).
        The door check ignores restrictions: its answer is for everyone."""
        return self.filter(restriction_filter(user, agency_field="owner_agency_id"))

    def disclosable_to_subject(self) -> WarningMarkerQuerySet:
        return self.exclude(restriction__in=withheld_from_subject())


class WarningMarker(BaseModel, Versioned):
    """'Is there a risk behind this door?': a level, advice and a contact, and the reasons
    (category, case) that only the owners and those who see the marker's case may read,
    as far as its handling restriction allows."""

    version_noun = "warning marker"
    version_fields = {
        "review_on": "Next review",
        "expires_on": "Expiry date",
        "advice": "Safety advice",
        "withdrawn_at": "Withdrawn",
        "withdrawn_reason": "Reason for withdrawing",
    }
    version_private = frozenset({"advice", "withdrawn_reason"})

    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="warnings")
    category = models.CharField(max_length=30)
    level = models.CharField(max_length=10)
    advice = models.TextField()
    contact = models.CharField(max_length=300)
    owner_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_on = models.DateField(db_index=True)
    expires_on = models.DateField(db_index=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    restriction = models.CharField(max_length=40, default="open_to_case_team")

    objects = WarningMarkerQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The review clock of the due view (`places.clocks`): a user's (or an agency's)
            # markers in force, soonest review first, read until the view has enough. Without
            # them SQLite walked the borough's review dates, every owner's (decision 0121).
            models.Index(
                fields=["owner", "review_on", "id"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="marker_owner_review_idx",
            ),
            models.Index(
                fields=["owner_agency", "review_on", "id"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="marker_agency_review_idx",
            ),
        ]

    @property
    def audit_label(self) -> str:
        return f"{warning_levels().label(self.level)} warning at {self.address.one_line}"

    @property
    def restriction_label(self) -> str:
        return restriction_label(self.restriction)

    @property
    def level_label(self) -> str:
        return warning_levels().label(self.level)

    @property
    def category_label(self) -> str:
        return warning_categories().label(self.category)

    def in_force(self, on: object = None) -> bool:
        today = on or timezone.localdate()
        return self.withdrawn_at is None and self.expires_on >= today  # type: ignore[operator]

    @property
    def state(self) -> str:
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.expires_on < timezone.localdate():
            return "lapsed"
        if self.review_on < timezone.localdate():
            return "review_overdue"
        return "in_force"


class AddressReport(BaseModel):
    """Partner intelligence or an incident about a property: it counts towards a repeat
    address with the referrals there."""

    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=30)
    occurred_on = models.DateField(db_index=True)
    summary = models.TextField()
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_on"]

    @property
    def kind_label(self) -> str:
        return report_kinds().label(self.kind)

    @property
    def audit_label(self) -> str:
        return f"{self.kind_label} about {self.address.one_line}"


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    DECIDED = "decided", "Decided"


class RepeatAddressAlert(BaseModel):
    """Raised when the repeat-address rule (data) is met; one open alert per address."""

    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="repeat_alerts")
    raised_at = models.DateTimeField(default=timezone.now, db_index=True)
    report_count = models.PositiveIntegerField()
    window_days = models.PositiveIntegerField()
    threshold = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=AlertStatus.choices, default="open")
    decision = models.CharField(max_length=30, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["address"], condition=Q(status="open"), name="one_open_repeat_alert"
            )
        ]

    @property
    def audit_label(self) -> str:
        return f"Repeat address: {self.address.one_line}"

    @property
    def decision_label(self) -> str:
        return repeat_decisions().label(self.decision) if self.decision else ""


class DisplacementAlert(BaseModel):
    """A person tied (as victim or suspected exploiter) to a property under enforcement or
    with a closed cuckooing case, now linked to another address: for the case team."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    from_address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="+")
    to_address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    link = models.ForeignKey(PersonAddressLink, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    raised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "from_address", "to_address"], name="one_displacement_alert"
            )
        ]

    @property
    def audit_label(self) -> str:
        return f"Displacement: {self.from_address.one_line} to {self.to_address.one_line}"


class HardeningMeasure(BaseModel):
    """A target-hardening measure at a property, with its cost and who paid; the tenure at
    the time is kept so the funding gap for private tenants stays visible afterwards."""

    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="hardening")
    measure = models.CharField(max_length=30)
    cost_pence = models.PositiveIntegerField()
    funding = models.CharField(max_length=20)
    tenure = models.CharField(max_length=30)
    fitted_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    @property
    def measure_label(self) -> str:
        return hardening_measures().label(self.measure)

    @property
    def funding_label(self) -> str:
        return funding_sources().label(self.funding)

    @property
    def cost(self) -> str:
        return f"£{self.cost_pence / 100:,.2f}"

    @property
    def audit_label(self) -> str:
        return f"{self.measure_label} at {self.address.one_line}"


class WardBoundary(BaseModel):
    """A ward's outline, for the dashboard's ward map: addresses carry only a ward's name
    (decision 0093). The geometry is a GeoJSON Polygon or MultiPolygon in WGS84 longitude
    and latitude (RFC 7946); the import converts a file on the British National Grid."""

    name = models.CharField(max_length=100, unique=True)
    geometry = models.JSONField()
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "ward boundaries"

    def __str__(self) -> str:
        return self.name
