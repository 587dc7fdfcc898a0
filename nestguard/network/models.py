"""The network: objects (phones, vehicles, organised groups and lines) beside the people,
addresses and events that exist elsewhere, and the links between any two of them.

A link is one row with both ends typed (entity kind + id) and the record it came from
(source kind + id), its date and its grade. Most links are derived from records by the
registry (`registry.py`, decision 0098); a link by hand has a `HandEntry` as its source.
Who sees a link is decided by who sees its source record (decision 0099).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from nestguard.core.models import BaseModel


class Line(BaseModel):
    """An organised group or a county line, by the name it is known by (a deal line's name)."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, default="line")  # line_kinds
    origin_area = models.CharField(max_length=100, blank=True)
    created_by_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_label(self) -> str:
        return self.name


class Phone(BaseModel):
    """A phone number in E.164 form (+447700900123). `line` marks it as that line's deal line."""

    number = models.CharField(max_length=20, unique=True)
    line = models.ForeignKey(
        Line, on_delete=models.PROTECT, null=True, blank=True, related_name="numbers"
    )

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number

    @property
    def audit_label(self) -> str:
        return self.number


class Vehicle(BaseModel):
    """A vehicle by its registration mark (VRM), upper case without spaces."""

    vrm = models.CharField(max_length=10, unique=True)
    description = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["vrm"]

    def __str__(self) -> str:
        return self.vrm

    @property
    def audit_label(self) -> str:
        return self.vrm


class HandEntry(BaseModel):
    """A link entered by hand: who entered it, for which agency, why, when and how graded.
    It is the source record of its link, so the link is seen as the entry is seen."""

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    note = models.TextField()
    on = models.DateField()
    grade = models.CharField(max_length=3, blank=True)
    # The two ends it ties (person, address, phone, vehicle or line) and how.
    a_kind = models.CharField(max_length=20)
    a_id = models.UUIDField()
    b_kind = models.CharField(max_length=20)
    b_id = models.UUIDField()
    role = models.CharField(max_length=40)

    class Meta:
        ordering = ["-on"]
        verbose_name_plural = "hand entries"

    @property
    def audit_label(self) -> str:
        return f"Link by hand of {self.on.isoformat()}"


class Link(models.Model):
    """One tie between two entities, from one source record. Undirected for the network; `a`
    is the record's side (the event), `b` what it names."""

    id = models.BigAutoField(primary_key=True)
    a_kind = models.CharField(max_length=20)
    a_id = models.UUIDField()
    b_kind = models.CharField(max_length=20)
    b_id = models.UUIDField()
    role = models.CharField(max_length=40, blank=True)
    source_kind = models.CharField(max_length=20)
    source_id = models.UUIDField()
    on = models.DateField()
    # 3x5x2 source evaluation and intelligence assessment ("1A"); "" for the partnership's
    # own records (referrals, cases ...), which are not graded.
    grade = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["on", "id"]
        indexes = [
            # The two-step neighbourhood asks from both ends (decision 0098).
            models.Index(fields=["a_id", "on"], name="network_link_a_idx"),
            models.Index(fields=["b_id", "on"], name="network_link_b_idx"),
            models.Index(fields=["source_kind", "source_id"], name="network_link_source_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_id", "a_id", "b_id", "role"],
                name="network_link_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.a_kind}:{self.a_id}-{self.b_kind}:{self.b_id}"

    @property
    def audit_label(self) -> str:
        return f"{self.source_kind} link {self.pk}"
