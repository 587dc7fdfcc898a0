"""The person index: what each agency sent (source records, never altered), the people they
make up (clusters), every link made between them (merges, each reversible), the batch runs
and trained models, and the queues of uncertain person pairs and address matches.

A Nestguard person (`people.Person`) is not rewritten by linking: each one stands in the index
as a source record of its own (system "nestguard"), so that a cluster holding it answers
"who else knows this person" while every case and referral keeps pointing at the same row
(docs/decisions/0040-person-index-clusters.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from nestguard.core.models import BaseModel

# The fields of a source record that describe the person, in the order of the CSV format.
CONTENT_FIELDS: tuple[str, ...] = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "address_line1",
    "address_line2",
    "town",
    "postcode",
    "phone",
    "identifier",
)
NESTGUARD_SYSTEM = "nestguard"


class ImportBatch(BaseModel):
    """One CSV file an agency's data officer loaded, with the column mapping used."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    system = models.CharField(max_length=100)
    filename = models.CharField(max_length=255, blank=True)
    mapping = models.JSONField(default=dict)
    rows = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename or 'import'} ({self.rows} rows)"


class Cluster(BaseModel):
    """One person as the index sees them: the source records currently linked together.
    Never deleted: an undone merge gives the cluster its records back."""

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Person index entry {self.pk}"

    @property
    def audit_label(self) -> str:
        return f"index entry {str(self.pk)[:8]}"


class SourceRecord(BaseModel):
    """A person as one agency's system knows them, exactly as it arrived. No service changes
    these fields after creation; linking only moves the record between clusters."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    system = models.CharField(max_length=100)
    record_id = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    # "", "YYYY", "YYYY-MM" or "YYYY-MM-DD": agencies often know only part of it. Blank
    # when what was sent is not a real date; `date_of_birth_given` keeps what was sent.
    date_of_birth = models.CharField(max_length=10, blank=True)
    # The date of birth exactly as sent ("31/02/1980", "1950-43-06", "06/04/1950"): nothing
    # is lost, and a date that is not real is compared as text (docs/decisions/0113).
    date_of_birth_given = models.CharField(max_length=40, blank=True)
    sex = models.CharField(max_length=20, blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    identifier = models.CharField(max_length=100, blank=True)
    # Whom to contact about this record; blank means the agency's own contact.
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    # The SHA-256 of the content: the same record sent twice is stored once.
    fingerprint = models.CharField(max_length=64)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    # Set when the record stands for a Nestguard person (system "nestguard").
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="records")

    class Meta:
        ordering = ["agency__name", "system", "record_id", "received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "system", "record_id", "fingerprint"],
                name="source_record_once_per_content",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(person__isnull=False),
                name="one_source_record_per_person",
            ),
        ]
        indexes = [models.Index(fields=["family_name", "given_name"], name="source_name_idx")]

    def __str__(self) -> str:
        return f"{self.system}:{self.record_id}"

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p) or "No name given"

    @property
    def audit_label(self) -> str:
        return f"{self.system}:{self.record_id}"[:200]

    @property
    def address_text(self) -> str:
        parts = (self.address_line1, self.address_line2, self.town, self.postcode)
        return ", ".join(p for p in parts if p)


class LinkageRun(BaseModel):
    """One batch linkage over all source records, run in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    engine = models.CharField(max_length=20, default="duckdb")
    retrain = models.BooleanField(default=False)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    model = models.ForeignKey(
        "LinkageModelVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The process doing the run and its last sign of life: a process killed mid-run cannot
    # mark its run failed, so the next run (or `nestguard link`) does it from these
    # (services.runs.linkage_runs_sweep, decision 0087).
    pid = models.PositiveIntegerField(null=True, blank=True)
    host = models.CharField(max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Linkage run {self.created_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class LinkageModelVersion(BaseModel):
    """A trained linkage model, stored whole so that any run can be reproduced."""

    version = models.CharField(max_length=100, unique=True)
    model_json = models.TextField()
    upper_threshold = models.FloatField()
    lower_threshold = models.FloatField()
    trained_on = models.PositiveIntegerField(default=0)
    seed = models.IntegerField(default=42)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.version


class Merge(BaseModel):
    """One link: every record of `from_cluster` moved into `into`. `moved` and `kept` list
    the record ids of each side at that moment, so the merge can be undone exactly and its
    pairs are never linked automatically again once a person has undone it."""

    class Reason(models.TextChoices):
        AUTOMATIC = "automatic", "Linked automatically above the upper threshold"
        REVIEW = "review", "Confirmed by a linkage reviewer"

    into = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="merges_in")
    from_cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="merges_out")
    moved = models.JSONField(default=list)
    kept = models.JSONField(default=list)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    run = models.ForeignKey(LinkageRun, on_delete=models.PROTECT, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Merge of {len(self.moved)} record(s) into {self.into_id}"

    @property
    def audit_label(self) -> str:
        return f"merge {str(self.pk)[:8]}"


class ReviewPair(BaseModel):
    """Two source records the model could not decide on: a linkage reviewer decides."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        CONFIRMED = "confirmed", "Same person"
        REJECTED = "rejected", "Not the same person"

    left = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    evidence = models.JSONField(default=dict)
    run = models.ForeignKey(LinkageRun, on_delete=models.PROTECT, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    merge = models.ForeignKey(Merge, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["-match_probability", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="one_review_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.left_id} ~ {self.right_id} ({self.match_probability:.2f})"

    @property
    def audit_label(self) -> str:
        return f"pair {str(self.pk)[:8]}"


class AddressMatch(BaseModel):
    """An address string as an agency or a referral gave it, matched to the register."""

    class Status(models.TextChoices):
        MATCHED = "matched", "Matched automatically"
        PENDING = "pending", "Waiting for review"
        CONFIRMED = "confirmed", "Confirmed by a reviewer"
        REJECTED = "rejected", "Rejected by a reviewer"
        UNMATCHED = "unmatched", "No match in the register"

    # Who supplied the string: decides which reviewers may see it.
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    source_record = models.OneToOneField(
        SourceRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="address_match",
    )
    referral = models.OneToOneField(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.CharField(max_length=600)
    uprn = models.CharField(max_length=12, blank=True)
    confidence = models.FloatField(default=0.0)
    evidence = models.JSONField(default=dict)
    alternatives = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=Status.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["confidence", "created_at"]

    def __str__(self) -> str:
        return f"{self.text} → {self.uprn or 'no match'} ({self.confidence:.2f})"

    @property
    def audit_label(self) -> str:
        return f"address match {str(self.pk)[:8]}"
