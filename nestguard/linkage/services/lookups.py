"""Asking "is this person already known?": limited per user, and every lookup audited with
what was searched for (docs/decisions/0072-already-known-need-to-know.md).

Pages, the form's script and the API ask through the door (`door.look_up`,
docs/decisions/0070-one-door-for-reads.md): the "already known" lookups registered in
`linkage/access_policy.py` call `known_lookups_ask`, which writes each lookup's one audit
event (the door writes none for them). It counts the user's lookups of the last hour from
the audit trail itself (durable, and the same in every process: the audit table's index on
actor and time makes it a small range scan), refuses once NESTGUARD_KNOWN_LOOKUPS_PER_HOUR
new searches have been made, and records each lookup with its search terms and the answer
it gave, so that "who searched for this person?" has an answer even when nothing matched.
Asking again for exactly what was asked within the hour (reloading a referral's page) is
recorded but not counted: it tells nothing new.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nestguard.accounts.models import User
from nestguard.audit.disclosure import disclosure_basis
from nestguard.audit.models import AuditEvent
from nestguard.audit.services import audit_record
from nestguard.linkage.selectors import Lookup, candidates_for, search_terms

LOOKUP = "linkage.candidates"
REFUSED = "linkage.candidates_refused"
WINDOW = timedelta(hours=1)


class LookupsExhausted(Exception):
    """Too many lookups in the last hour: ask again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        minutes = math.ceil(self.retry_after / 60)
        return (
            f"You have checked whether people are already known {lookups_per_hour()} times "
            f"in the last hour, which is the most allowed. You can check again in "
            f"{minutes} minute{'s' if minutes != 1 else ''}. If a child is at immediate risk, "
            "call 999."
        )


def lookups_per_hour() -> int:
    return int(settings.NESTGUARD_KNOWN_LOOKUPS_PER_HOUR)


def terms_key(terms: dict[str, str]) -> str:
    """The same search, however its letters were cased: what makes a repeat a repeat."""
    canonical = json.dumps({k: v.casefold() for k, v in terms.items()}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def searched_name(terms: dict[str, str]) -> str:
    """The name searched for, in lower case, for the audit search's "searched for" filter."""
    given, family = terms.get("given_name", ""), terms.get("family_name", "")
    return " ".join(part for part in (given, family) if part).casefold()


def _recent(actor: User, since: datetime) -> Any:
    return AuditEvent.objects.filter(actor=actor, action=LOOKUP, occurred_at__gte=since)


def _retry_after(counted: Any, over: int, now: datetime) -> int:
    """Seconds until enough of the counted lookups have left the window."""
    times = list(counted.order_by("occurred_at").values_list("occurred_at", flat=True))
    frees_at = times[min(max(over, 0), len(times) - 1)] + WINDOW if times else now
    return math.ceil((frees_at - now).total_seconds())


@dataclass(frozen=True)
class Allowance:
    """Whether a request's searches may be looked up: the keys of those that count (new in
    the last hour), or, when refused, the seconds until they may be asked."""

    fresh: set[str]
    retry_after: int | None = None


def lookups_allowed(*, actor: User, searches: Sequence[dict[str, str]], purpose: str) -> Allowance:
    """Check the hourly limit for these searches; a refusal is recorded, with the terms.
    Run it in the transaction that audits the lookups, after locking the user's row
    (`known_lookups_ask` does both), so that two requests at once cannot both pass."""
    asked = [search_terms(values) for values in searches]
    now = timezone.now()
    recent = _recent(actor, now - WINDOW)
    keys = [terms_key(t) for t in asked]
    repeats = set(
        recent.filter(details__terms_key__in=keys).values_list("details__terms_key", flat=True)
    )
    fresh = {k for k, t in zip(keys, asked, strict=True) if k not in repeats and _named(t)}
    counted = recent.filter(details__counted=True)
    used = counted.count()
    limit = lookups_per_hour()
    if not fresh or used + len(fresh) <= limit:
        return Allowance(fresh)
    for terms in asked:
        _refuse(actor, purpose, terms)
    return Allowance(fresh, max(1, _retry_after(counted, used + len(fresh) - limit - 1, now)))


def known_lookups_ask(
    *, actor: User, searches: Sequence[dict[str, str]], purpose: str
) -> list[Lookup]:
    """Look up each search, as one request: all answered and audited, or none.

    Raises LookupsExhausted (and records the refusal, with the terms) when the new searches
    would pass the hourly limit. While the candidate index is starting (a lookup `waiting`)
    nothing is audited or counted: the caller answers "ask again shortly"."""
    lookups: list[Lookup] = []
    with transaction.atomic():
        # One user's lookups one at a time, so that two requests at once cannot both pass
        # the limit (SQLite serialises writing transactions anyway).
        User.objects.select_for_update().filter(pk=actor.pk).first()
        allowance = lookups_allowed(actor=actor, searches=searches, purpose=purpose)
        if allowance.retry_after is None:
            lookups = [candidates_for(actor, values) for values in searches]
            if not any(lookup.waiting for lookup in lookups):
                fresh = set(allowance.fresh)
                for lookup in lookups:
                    if lookup.searched:
                        key = terms_key(lookup.terms)
                        audit_lookup(actor, lookup, purpose, counted=key in fresh)
                        fresh.discard(key)  # the same person twice in one request: once
    if allowance.retry_after is not None:
        raise LookupsExhausted(allowance.retry_after)  # the refusal's record is kept
    return lookups


def known_lookup_ask(*, actor: User, values: dict[str, str], purpose: str) -> Lookup:
    """One search (the form's script, the API's people/matches/)."""
    (lookup,) = known_lookups_ask(actor=actor, searches=[values], purpose=purpose)
    return lookup


def _named(terms: dict[str, str]) -> bool:
    return bool(terms.get("given_name") or terms.get("family_name"))


def _search_details(terms: dict[str, str], answer: str, counted: bool) -> dict[str, Any]:
    """What every lookup event records of the search: the terms as typed, the name in a form
    the audit search filters on, the key that spots a repeat, and the answer category."""
    return {
        "terms": terms,
        "searched_name": searched_name(terms),
        "terms_key": terms_key(terms),
        "answer": answer,
        "counted": counted,
    }


def _refuse(actor: User, purpose: str, terms: dict[str, str]) -> None:
    audit_record(
        actor=actor,
        action=REFUSED,
        object_type="lookup",
        object_label=searched_name(terms)[:200],
        purpose=purpose,
        details=_search_details(terms, "refused", counted=False),
    )


def lookup_details(lookup: Lookup, *, counted: bool) -> dict[str, Any]:
    """A lookup's audit details: what was searched for, the answer category, whether it
    counted towards the limit, and what was shown (the index entries and agencies named, to
    those who may be told them)."""
    answer = "known_to_shown" if lookup.candidates else str(lookup.answer)
    return {
        **_search_details(lookup.terms, answer, counted),
        "found": len(lookup.candidates),
        "candidates": [str(c.cluster_id) for c in lookup.candidates],
        "agencies_shown": sorted({str(k.agency.pk) for c in lookup.candidates for k in c.known_to}),
    }


def audit_lookup(user: Any, lookup: Lookup, purpose: str, *, counted: bool = True) -> None:
    """The one audit event of a lookup (the door's registered lookup does not write another),
    with the disclosure basis of what it named."""
    audit_record(
        actor=user,
        action=LOOKUP,
        object_type="lookup",
        object_label=searched_name(lookup.terms)[:200],
        purpose=purpose,
        details=lookup_details(lookup, counted=counted),
        basis=disclosure_basis(
            holders=[k.agency for c in lookup.candidates for k in c.known_to],
            recipient=getattr(user, "agency", None),
            fallback="existence_only",
        ),
    )
