"""What the partnership's reports need beyond the case records: what its projects cost."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from nestguard.core.models import BaseModel


class ProjectCost(BaseModel):
    """What a project cost over a period, entered by a partnership manager (decision 0092).

    The project evaluation report subtracts the part of each entry that falls in its period,
    pro-rated by days. A project's periods never overlap (the service refuses it), so no cost
    is counted twice. Written only by `reporting.services.costs.project_cost_record`."""

    project = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()
    # Pounds and pence, exact: never a float.
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    description = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "starts_on"]
        indexes = [models.Index(fields=["project", "starts_on"], name="project_cost_period_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="project_cost_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="project_cost_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}, {self.starts_on:%-d %B %Y} to {self.ends_on:%-d %B %Y}"

    @property
    def audit_label(self) -> str:
        return str(self)


class CountedChange(models.Model):
    """One row per save or delete of what reports count (decision 0112): the newest id is the
    part of a report's marker that every process sees alike, and that moves when a change
    leaves no newer `updated_at` (a delete, a link between records, two changes in one
    instant). Inserted inside the change's own transaction, so a change rolled back leaves no
    mark; never updated, so writers never wait for each other on it. Old rows are pruned by
    `reporting.prepare_reports`; only the newest id matters."""

    id = models.BigAutoField(primary_key=True)

    def __str__(self) -> str:
        return f"change {self.pk}"


class PreparedReport(models.Model):
    """A report's (or the dashboard's) TRUE counts for one period and set of filters, built
    once for every process to read (decision 0112): a cache in the database, not a record.
    Only ever read on the reporting path for a user who may report (`reading.build_true`),
    and suppressed on the way out like a fresh build.

    `marker` is what had changed when the build started (`reading.last_change`): a copy whose
    marker is the current one is exact now; an older copy is exact as of `built_at`, and a
    page may show it as such while a newer one is prepared."""

    slot = models.CharField(max_length=64, unique=True)  # sha256 of the report and its terms
    report = models.CharField(max_length=60)
    terms = models.JSONField(default=dict)
    marker = models.TextField()
    built_at = models.DateTimeField()
    # A user who may report, for whom the periodic refresh builds again (the counts are the
    # same for every such user: the reporting scope is all or nothing).
    built_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The pickled (Report, built_at): written and read only by `reading`.
    payload = models.BinaryField()
    build_seconds = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["report", "built_at"], name="prepared_report_built_idx")]

    def __str__(self) -> str:
        return f"{self.report} {self.terms}"


class ReferralDay(models.Model):
    """One UK local day of the daily pre-aggregate of referral counts (decision 0120): the
    fingerprint of the day's referrals when they were counted (how many were submitted that
    day and the newest `updated_at` among them) and the `basis` the counts depend on beyond
    the referrals (the address register's newest change, for the wards; the concern code
    list). A day whose live fingerprint or basis differs is counted again before it is read,
    so the aggregate can never be read out of date: it is a cache, not a record."""

    day = models.DateField(unique=True)
    referrals = models.IntegerField()
    newest = models.DateTimeField(null=True)
    basis = models.CharField(max_length=64)
    counted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"referrals of {self.day}"


class ReferralDayCount(models.Model):
    """How many of a UK local day's submitted referrals have `value` for `measure` (decision
    0120): "agency" (the referrer's agency id), "ward" (of the register address; "" none),
    "status", "clock" ("within", "after", "" undecided), "concern" (a code; "" none recorded)
    and "hour" (the UK local hour, "00" to "23"). Written only by `reporting.daily`."""

    day = models.DateField()
    measure = models.CharField(max_length=12)
    value = models.CharField(max_length=100)
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "measure", "value"], name="referral_day_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.measure}={self.value}: {self.n}"


class CaseDay(models.Model):
    """One UK local day of the daily pre-aggregate of case counts (decision 0125): the
    fingerprints of the cases opened that day and of those closed that day (`closed_at`) when
    they were counted (how many, the newest `updated_at` among them), and the `basis` the
    counts depend on beyond the cases (the outcome and resolution code lists, the tenancy
    saved rule). A day whose live fingerprints or basis differ is counted again before it is
    read: a cache, not a record."""

    day = models.DateField(unique=True)
    opened = models.IntegerField()
    opened_newest = models.DateTimeField(null=True)
    closed = models.IntegerField()
    closed_newest = models.DateTimeField(null=True)
    basis = models.CharField(max_length=64)
    counted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"cases of {self.day}"


class CaseDayCount(models.Model):
    """How many of a UK local day's cases have `value` for `measure` (decision 0125). By the
    day a case was opened: "opened" ("": every case) and "open_band" (its risk band, "" not
    assessed, for a case that was open for some time: not closed before it was opened). By
    the day `closed_at` falls on: "ended_band" (its band, the same cases), "closed" (cases
    closed with status closed: "all", "positively_resolved", "moved", "tenancies_saved") and
    "outcome" (each outcome code of those, "" none recorded). Cases open at the end of a
    period are the "open_band" rows before its end less the "ended_band" rows before it.
    Written only by `reporting.case_daily`."""

    day = models.DateField()
    measure = models.CharField(max_length=12)
    value = models.CharField(max_length=100)
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "measure", "value"], name="case_day_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.measure}={self.value}: {self.n}"


class ReferralDayDecision(models.Model):
    """One decided referral of a UK local day of the daily pre-aggregate (decision 0129): on
    which side of the triage clock it was decided ("within", "after") and the exact
    microseconds from its submission to the decision. The medians to triage are not sums, so
    the day keeps the values themselves: a period's median is one ordered read of its rows
    (`LIMIT 2 OFFSET` the middle), never of the referrals. Counted with the day's other counts
    under its `ReferralDay` fingerprint; written only by `reporting.daily`."""

    id = models.BigAutoField(primary_key=True)
    day = models.DateField()
    clock = models.CharField(max_length=8)
    took = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["day", "clock", "took"], name="referral_day_decision_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.clock}: {self.took} µs"


class ReferralDayKey(models.Model):
    """How many of a UK local day's submitted referrals named `key` for `measure` (decision
    0129): "person" (a person a referral is about: victim or person at risk, each referral
    once) and "address" (its register address). A period's repeat victims and repeat
    addresses are the keys by the sum of `n` over its days (distinct people and addresses:
    not a sum of day counts, so the day keeps the keys). Counted with the day's other counts
    under its `ReferralDay` fingerprint; written only by `reporting.daily`."""

    id = models.BigAutoField(primary_key=True)
    day = models.DateField()
    measure = models.CharField(max_length=8)
    key = models.UUIDField()
    n = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["measure", "day", "key", "n"], name="referral_day_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.measure}={self.key}: {self.n}"


class CaseDayPerson(models.Model):
    """A person named on a UK local day's opened cases, and on how many of them (decision
    0133): "at_risk" (a victim or person at risk), "suspect" (a suspected exploiter), "cse" and
    "cce" (at risk on a case opened with that concern). Equality monitoring and the county
    lines review count distinct people over a period, not a sum of day counts, so the day
    keeps the people; their sex, ethnicity and age are read from the person when a period is
    read (a change to a person needs no recount). Counted with the day's case counts under
    its `CaseDay` fingerprint; written only by `reporting.case_daily`."""

    id = models.BigAutoField(primary_key=True)
    day = models.DateField()
    measure = models.CharField(max_length=8)
    # Joined to the person when read, as the live count joins the case's subjects to them;
    # no constraint: a cache row never stops a person's disposal (the case's day is counted
    # again when its subjects change).
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    n = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["measure", "day", "person", "n"], name="case_day_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.measure}={self.person_id}: {self.n}"
