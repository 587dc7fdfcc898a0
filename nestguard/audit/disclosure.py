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
    """The recipient's agreements in force on `on`, by the agreement's own rule of what is in
    force (so ending or revoking one is honoured here as everywhere)."""
    agreements = (
        SharingAgreement.objects.filter(parties=recipient)
        .prefetch_related("parties")
        .order_by("starts_on", "name", "id")
    )
    return [a for a in agreements if a.is_active(on)]


def disclosure_basis(
    *,
    holders: Iterable[Agency | None],
    recipient: Agency | None,
    fallback: str = "no_agreement",
    on: date | None = None,
) -> DisclosureBasis:
    """The agreement under which `recipient` is shown the information of `holders`.

    `fallback` names the basis when no agency's information is shown at all. One agreement
    covering every holder is preferred; otherwise each holder's first agreement is relied on
    and all are listed. A holder no active agreement covers is named in the note with no
    lawful basis, so the audit trail shows a disclosure that had none.
    """
    shown = {h.pk: h for h in holders if h is not None}
    if not shown:
        return basis_without_agreement(fallback)
    others = {pk: h for pk, h in shown.items() if pk != getattr(recipient, "pk", None)}
    if not others:
        return basis_without_agreement("same_agency")
    agreements = _active_agreements_of(recipient, on or timezone.localdate()) if recipient else []
    parties = {a.pk: {p.pk for p in a.parties.all()} for a in agreements}
    for agreement in agreements:
        if set(others) <= parties[agreement.pk]:
            return DisclosureBasis(agreement, agreement.lawful_basis, "", (str(agreement.pk),))
    relied: list[SharingAgreement] = []
    uncovered: list[str] = []
    for pk, holder in sorted(others.items(), key=lambda item: str(item[1])):
        first = next((a for a in agreements if pk in parties[a.pk]), None)
        if first is None:
            uncovered.append(str(holder))
        elif first not in relied:
            relied.append(first)
    if uncovered:
        entry = disclosure_bases().get("no_agreement")
        return DisclosureBasis(
            None, entry["lawful_basis"], f"{entry.label}: {', '.join(uncovered)}"
        )
    ids = tuple(str(a.pk) for a in relied)
    return DisclosureBasis(relied[0], relied[0].lawful_basis, "", ids)


def onward_basis(holder: Agency, provider: str, consent_given: bool) -> DisclosureBasis:
    """An onward referral to a service: under an agreement when its provider is one of the
    partnership's agencies, otherwise on consent or, without it, safeguarding."""
    agency = Agency.objects.filter(name=provider, active=True).first() if provider else None
    if agency is not None:
        basis = disclosure_basis(holders=[holder], recipient=agency)
        if basis.sharing_agreement is not None or agency.pk == holder.pk:
            return basis
    return basis_without_agreement("onward_consent" if consent_given else "onward_safeguarding")
