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
