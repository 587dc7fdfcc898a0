"""Who a service takes, evaluated from its row: the rules are data the partnership edits.

The rules (an age range, the person's consent, the case's concerns, the person's role on the
case, the wards of the case's addresses) are read from the `Service` row at the moment of the
referral; each one that fails is a reason in words, and an empty rule allows everyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nestguard.core.codes import code_list

if TYPE_CHECKING:
    from nestguard.directory.models import Service


@dataclass(frozen=True)
class Eligibility:
    min_age: int | None = None
    max_age: int | None = None
    consent_required: bool = False
    concern_types_any: tuple[str, ...] = ()
    subject_roles_any: tuple[str, ...] = ()
    wards_any: tuple[str, ...] = ()

    @classmethod
    def of(cls, service: Service) -> Eligibility:
        return cls(
            min_age=service.min_age,
            max_age=service.max_age,
            consent_required=service.consent_required,
            concern_types_any=tuple(service.concern_types_any or ()),
            subject_roles_any=tuple(service.subject_roles_any or ()),
            wards_any=tuple(service.wards_any or ()),
        )

    def reasons_not_eligible(
        self,
        *,
        age: int | None,
        consent_given: bool,
        concern_types: Iterable[str],
        subject_roles: Iterable[str] = (),
        wards: Iterable[str] = (),
    ) -> list[str]:
        """Why a person cannot be referred, in words; empty when they can."""
        reasons = []
        if (self.min_age is not None or self.max_age is not None) and age is None:
            reasons.append("The service has an age range and the person's age is not recorded")
        if age is not None and self.min_age is not None and age < self.min_age:
            reasons.append(f"The service is for people aged {self.min_age} or over; they are {age}")
        if age is not None and self.max_age is not None and age > self.max_age:
            reasons.append(
                f"The service is for people aged {self.max_age} or under; they are {age}"
            )
        if self.consent_required and not consent_given:
            reasons.append("The service takes referrals only with the person's consent")
        if self.concern_types_any and not set(self.concern_types_any) & set(concern_types):
            labels = code_list("referrals", "concern_types")
            wanted = ", ".join(labels.label(c) for c in self.concern_types_any)
            reasons.append(f"The service needs a case with one of these concerns: {wanted}")
        if self.subject_roles_any and not set(self.subject_roles_any) & set(subject_roles):
            labels = code_list("referrals", "subject_roles")
            wanted = ", ".join(labels.label(c).lower() for c in self.subject_roles_any)
            reasons.append(f"The service takes only someone named on the case as: {wanted}")
        if self.wards_any and not {w.casefold() for w in self.wards_any} & {
            w.casefold() for w in wards if w
        }:
            reasons.append(
                "The service covers only these wards, and no address on the case is in one: "
                + ", ".join(self.wards_any)
            )
        return reasons

    @property
    def ages(self) -> str:
        if self.min_age is not None and self.max_age is not None:
            return f"Ages {self.min_age} to {self.max_age}"
        if self.min_age is not None:
            return f"Aged {self.min_age} or over"
        if self.max_age is not None:
            return f"Aged {self.max_age} or under"
        return "Any age"
