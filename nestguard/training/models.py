"""The training register: courses (editable records, seeded from `data/courses.json`) and who
completed which when, with the expiry its course's refresh period gives (decision 0104)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from nestguard.core.models import BaseModel


class Course(BaseModel):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    refresh_months = models.PositiveIntegerField(
        null=True, blank=True, help_text="Months until a completion expires; blank: never"
    )
    target_percent = models.PositiveIntegerField(default=80)
    source = models.TextField(blank=True, help_text="Where the refresh period and target come from")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Completion(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_completions"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course", "completed_on"], name="training_one_completion_a_day"
            )
        ]
        indexes = [models.Index(fields=["course", "expires_on"], name="training_course_expiry")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.course_id}:{self.completed_on}"

    def current(self, on: date) -> bool:
        return self.expires_on is None or self.expires_on >= on
