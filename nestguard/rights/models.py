"""Data subjects' rights (issue 15 points 3, 4 and 6; docs/decisions/0102-subject-rights.md):
subject access requests with their clock, what a search found and what a reviewer withholds,
the disclosure packs; rectification and objection requests with their decisions; and
restrictions of processing placed on a person."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from nestguard.core.models import BaseModel


class SarStatus(models.TextChoices):
    OPEN = "open", "Open: search not run"
    REVIEW = "review", "Found records under review"
    DISCLOSED = "disclosed", "Disclosure pack produced"
    CLOSED = "closed", "Closed"


class SubjectAccessRequest(BaseModel):
    """One request by a person for what is held about them (UK GDPR Art. 15)."""

    reference = models.CharField(max_length=20, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    # The day the clock starts: receipt, or the day identity was confirmed or the request
    # clarified when that came later (ICO guidance; the reviewer records which).
    received_on = models.DateField()
    due_on = models.DateField()
    extended_due_on = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    requester_note = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=SarStatus.choices, default=SarStatus.OPEN)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    searched_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="rights_sar_due_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def audit_label(self) -> str:
        return self.reference

    @property
    def deadline(self):  # type: ignore[no-untyped-def]
        return self.extended_due_on or self.due_on


class SarItem(BaseModel):
    """One record a search found, as it was when found (a snapshot: the pack shows what was
    held on the day of the search, and later edits do not change a reviewed item)."""

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="items"
    )
    source = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    held_by = models.CharField(max_length=200, blank=True)
    # [[field label, value], ...] in the order they are shown.
    fields = models.JSONField(default=list)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="rights_item_position")
        ]


class Redaction(BaseModel):
    """A part of an item withheld from the disclosure, with the exemption relied on."""

    item = models.ForeignKey(SarItem, on_delete=models.CASCADE, related_name="redactions")
    # The field label withheld; blank withholds the whole item.
    field_label = models.CharField(max_length=200, blank=True)
    exemption = models.CharField(max_length=40)
    note = models.TextField(blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "field_label"], name="rights_one_redaction")
        ]


class DisclosurePack(BaseModel):
    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="packs"
    )
    pdf = models.BinaryField()
    bundle = models.BinaryField()
    items_disclosed = models.PositiveIntegerField()
    items_withheld = models.PositiveIntegerField()
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]


class RightsRequestKind(models.TextChoices):
    RECTIFICATION = "rectification", "Rectification (Art. 16)"
    OBJECTION = "objection", "Objection (Art. 21)"


class RightsDecision(models.TextChoices):
    PENDING = "pending", "Awaiting a decision"
    UPHELD = "upheld", "Upheld"
    REFUSED = "refused", "Refused"


class RightsRequest(BaseModel):
    """A request to correct a record, or an objection to its processing, and its decision.
    An upheld rectification is the correction: the record's pages show the corrected value
    beside a notice, and the original stays in the record and in this request."""

    reference = models.CharField(max_length=20, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=RightsRequestKind.choices)
    record_description = models.CharField(max_length=300)
    field_label = models.CharField(max_length=200, blank=True)
    original_value = models.TextField(blank=True)
    requested_value = models.TextField(blank=True)
    grounds = models.TextField()
    received_on = models.DateField()
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(
        max_length=20, choices=RightsDecision.choices, default=RightsDecision.PENDING
    )
    decision_reasons = models.TextField(blank=True)
    corrected_value = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]

    @property
    def audit_label(self) -> str:
        return self.reference


class ProcessingRestriction(BaseModel):
    """A restriction of processing on a person (UK GDPR Art. 18): while open, the door lets
    their records be read only for the purposes Art. 18(2) leaves (decision 0102)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    grounds = models.CharField(max_length=40)
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(lifted_at__isnull=True),
                name="rights_one_open_restriction",
            )
        ]
