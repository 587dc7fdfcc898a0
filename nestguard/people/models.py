"""People known to the partnership. Roles (victim, suspected exploiter ...) live on the
links to cases and referrals, never on the person, so that one person can be a victim in one
case and a suspect in another and each is seen only by those who may see that case."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone

from nestguard.core.models import BaseModel


class Person(BaseModel):
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age_estimate = models.PositiveSmallIntegerField(null=True, blank=True)
    # Unknown people (a "young lad called T", an unnamed visitor) are recorded as such.
    identity_unknown = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    # Equality monitoring only (decision 0091): optional codes of the ONS 2021 census lists in
    # people/data (sex, gender_identity, ethnicity); "" is "not recorded". Never an input to a
    # risk score, a prevention rule or a match weight: tests in people/tests/test_equality.py.
    sex = models.CharField(max_length=20, blank=True)
    gender_identity = models.CharField(max_length=20, blank=True)
    ethnicity = models.CharField(max_length=40, blank=True)
    created_by_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["family_name", "given_name"], name="person_name_idx"),
            # The latest change keys the cached reports that count people (decision 0089).
            models.Index(fields=["updated_at"], name="person_updated_idx"),
            # Who turns 17 and a half, or 18, in a window: the transition alerts (decision 0110).
            models.Index(fields=["date_of_birth"], name="person_born_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in [self.given_name, self.family_name] if p)
        return name or "Unknown person"

    @property
    def audit_label(self) -> str:
        return self.display_name

    def age_on(self, day: date | None = None) -> int | None:
        day = day or timezone.localdate()
        if self.date_of_birth:
            dob = self.date_of_birth
            return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
        return self.age_estimate

    @property
    def age(self) -> int | None:
        return self.age_on()

    @property
    def is_child(self) -> bool:
        age = self.age
        return age is not None and age < 18


class Alias(BaseModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"

    def __str__(self) -> str:
        return self.name
