"""Email notifications: each user's choice of immediate emails or a daily summary, and a record
of every notification, so that each event is sent once (docs/decisions/0085-notifications.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from nestguard.core.models import BaseModel


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately, one email for each"
    DAILY_DIGEST = "daily_digest", "Once a day, in a morning summary"


class NotificationPreference(BaseModel):
    """How a user wants to be told. No row means the default: the daily summary."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    delivery = models.CharField(
        max_length=20, choices=Delivery.choices, default=Delivery.DAILY_DIGEST
    )

    def __str__(self) -> str:
        return f"{self.user_id}:{self.delivery}"


class Notification(BaseModel):
    """One event for one user: what happened (a kind of `data/kinds.json`), to which record,
    and what became of it (sent, or withdrawn before sending with the reason). It holds
    references only, never names: it is what the email says."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    object_type = models.CharField(max_length=60)  # app_label.model of the record
    object_id = models.CharField(max_length=64)
    reference = models.CharField(max_length=80)
    path = models.CharField(max_length=300)  # the record's page, relative to the base URL
    event_at = models.DateTimeField()  # when the deadline passed, or the alert was raised
    sent_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=20, choices=Delivery.choices, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=200, blank=True)
    # A run claims rows before it emails them, so that two runs never both send one; a claim
    # older than `services.CLAIM_TIMEOUT` is of a run that died, and is taken over.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["event_at"]
        constraints = [
            # Once per event: a rerun finds the row and sends nothing again. A deadline that
            # moves (an action given a new due date) is a new event.
            models.UniqueConstraint(
                fields=["user", "kind", "object_id", "event_at"], name="one_notification_per_event"
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "event_at"],
                condition=Q(sent_at__isnull=True, withdrawn_at__isnull=True),
                name="notification_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.reference}"

    @property
    def audit_label(self) -> str:
        return f"{self.kind} {self.reference}"
