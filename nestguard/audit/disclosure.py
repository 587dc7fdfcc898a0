"""The basis of a disclosure: which sharing agreement, and which lawful basis, an event that
shows one agency's information to another relied on (docs/decisions/0077-disclosure-basis.md).

`disclosure_basis(holders=..., recipient=...)` finds the active agreement(s) between the
agencies whose information is shown and the agency of the person it is shown to. When none
is needed (the same agency, or an answer that names no agency), the caller's `fallback`
code from `data/disclosure_bases.json` says which lawful basis applied and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from nestguard.accounts.models import Agency, SharingAgreement
from nestguard.core.codes import CodeList, code_list


def disclosure_bases() -> CodeList:
    return code_list("audit", "disclosure_bases")


@dataclass(frozen=True)
class DisclosureBasis:
    sharing_agreement: SharingAgreement | None
    lawful_basis: str
    note: str = ""
    # Every agreement relied on, when the information of several agencies was shown.
    agreement_ids: tuple[str, ...] = field(default=())

    def details(self) -> dict[str, Any]:
        """What the audit event's details add: why, when no single agreement says it."""
        extra: dict[str, Any] = {}
        if self.note:
            extra["basis_note"] = self.note
        if len(self.agreement_ids) > 1:
            extra["sharing_agreements"] = list(self.agreement_ids)
        return extra


def basis_without_agreement(code: str, note: str = "") -> DisclosureBasis:
    """The basis named by `code` of the code list, when no agreement applies."""
    entry = disclosure_bases().get(code)
    return DisclosureBasis(None, entry["lawful_basis"], note or entry.label)


def _active_agreements_of(recipient: Agency, on: date) -> list[SharingAgreement]:
    return list(
        SharingAgreement.objects.filter(
            parties=recipient, revoked_at__isnull=True, starts_on__lte=on
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .prefetch_related("parties")
        .order_by("starts_on", "name", "id")
    )


def disclosure_basis(
    *,
    holders: Iterable[Agency | None],
    recipient: Agency | None,
    fallback: str = "same_agency",
    on: date | None = None,
) -> DisclosureBasis:
    """The agreement under which `recipient` is shown the information of `holders`.

    One agreement covering every holder is preferred; otherwise each holder's first
    agreement is relied on and all are listed. A holder no active agreement covers is named
    in the note with no lawful basis, so the audit trail shows a disclosure without one.
    """
    others = {h.pk: h for h in holders if h is not None and h.pk != getattr(recipient, "pk", None)}
    if recipient is None or not others:
        return basis_without_agreement(fallback)
    agreements = _active_agreements_of(recipient, on or timezone.localdate())
    covering = {a.pk: {p.pk for p in a.parties.all()} for a in agreements}
    for agreement in agreements:
        if set(others) <= covering[agreement.pk]:
            return DisclosureBasis(agreement, agreement.lawful_basis, "", (str(agreement.pk),))
    uncovered = sorted(str(h) for pk, h in others.items() if not any(
        pk in parties for parties in covering.values()))  # fmt: skip
    if uncovered:
        entry = disclosure_bases().get("no_agreement")
        return DisclosureBasis(
            None, entry["lawful_basis"], f"{entry.label}: {', '.join(uncovered)}"
        )
    relied = [a for a in agreements if covering[a.pk] & set(others)]
    chosen: list[SharingAgreement] = []
    for pk in sorted(others, key=str):
        first = next(a for a in relied if pk in covering[a.pk])
        if first not in chosen:
            chosen.append(first)
    return DisclosureBasis(chosen[0], chosen[0].lawful_basis, "", tuple(str(a.pk) for a in chosen))
