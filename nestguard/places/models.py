"""Addresses: the partnership's address register (by UPRN) and addresses typed on referrals."""

from __future__ import annotations

from django.db import models

from nestguard.core.codes import CodeList, code_list
from nestguard.core.models import BaseModel


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
