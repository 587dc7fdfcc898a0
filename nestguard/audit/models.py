"""The audit trail: one append-only, hash-chained row per write and per read of personal data.

There is no update or delete path in the code, and database triggers (see the migration
`0002_append_only_triggers`) refuse UPDATE and DELETE on the table, so that even a direct
SQL session cannot quietly edit history. The hash chain makes any edit that gets past both
detectable by `nestguard audit_verify`. The hash is keyed (an HMAC under a key from the
environment), and `nestguard audit_anchor` copies the latest position and hash outside the
database, so rebuilding the chain after an edit, or cutting its end off, is detectable too
(docs/decisions/0076-keyed-audit-chain-and-anchors.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class HashScheme(models.TextChoices):
    # The first events, before the chain was keyed: a plain SHA-256. Still verified by that
    # rule, and refused after the first keyed event.
    SHA256 = "sha256", "SHA-256 (before the chain was keyed)"
    HMAC_SHA256 = "hmac-sha256", "HMAC-SHA256 under NESTGUARD_AUDIT_KEY"
    # The chain covers a keyed digest of the payload (object label and details) instead of
    # the payload itself, so that a disposal can redact the payload and the chain still
    # verifies (decision 0105).
    HMAC_SHA256_PAYLOAD_DIGEST = "hmac-sha256-pd", "HMAC-SHA256 over a payload digest"


class AuditEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, related_name="+"
    )
    agency_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=500, blank=True)
    lawful_basis = models.CharField(max_length=40, blank=True)
    details = models.JSONField(default=dict, blank=True)
    # The sharing agreement a disclosure to another agency relied on (decision 0077).
    sharing_agreement = models.ForeignKey(
        "accounts.SharingAgreement", on_delete=models.PROTECT, null=True, related_name="+"
    )
    hash_scheme = models.CharField(
        max_length=20, choices=HashScheme.choices, default=HashScheme.HMAC_SHA256_PAYLOAD_DIGEST
    )
    # HMAC of the payload (object_label and details) under the chain's key; the chain hash
    # covers this instead of the payload (scheme hmac-sha256-pd, decision 0105).
    payload_digest = models.CharField(max_length=64, blank=True, default="")
    # Set once when retention redacts the payload: the only UPDATE the triggers permit.
    redacted_at = models.DateTimeField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} by {self.actor_label}"


class ChainCheck(models.Model):
    """The result of one verification of the chain against its anchors (the daily job).

    Kept outside the chain so a broken chain can still be reported; each check is also an
    audit event.
    """

    id = models.BigAutoField(primary_key=True)
    checked_at = models.DateTimeField(db_index=True)
    events_checked = models.PositiveBigIntegerField()
    intact = models.BooleanField()
    first_broken_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=300)
    anchors_compared = models.PositiveIntegerField()

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"chain check {self.checked_at:%Y-%m-%d %H:%M}: {'pass' if self.intact else 'fail'}"
