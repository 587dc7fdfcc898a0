"""Links that arise from the records themselves, in the demo borough (decision 0115):

- phone numbers on the people named on referrals: on the referrals of the cases whose victims
  the police tied to the county lines (demo/network.py), the suspected exploiter carries the
  line's deal number and the victim the runner's phone, so the deal-line page lists those
  referrals where its numbers were seen, and the network ties the people to the numbers;
- where missing children were found: the latest return of the walkthrough family's son
  (Tyler Oakwell) and of a few other children, at live cuckooing addresses (with a warning
  marker where one is placed), so their address pages show a child found there.

Written through the models' saves, which keep the links current (the seed's bulk writes send
no signals). Deterministic: no randomness, ordered queries.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nestguard.cases.models import CaseAddress
from nestguard.core.phones import e164
from nestguard.demo.network import LINES, VICTIMS_PER_LINE, victims_on_lines
from nestguard.demo.partnership import Partnership
from nestguard.demo.pathways import SHOWCASE_CHILD_ID
from nestguard.pathways.models import MissingEpisode
from nestguard.places.models import WarningMarker
from nestguard.referrals.models import Referral, ReferralStatus

FOUND_ELSEWHERE = 5  # other children found at a cuckooed address


def seed_record_links(*, partnership: Partnership, today: date) -> dict[str, int]:
    return {
        "referral_subject_phones": _subject_phones(partnership),
        "missing_found_addresses": _found_addresses(),
    }


def _subject_phones(partnership: Partnership) -> int:
    """The deal number for the suspected exploiter, the runner's phone for the victim (the
    numbers demo/network.py ties by hand), on each chosen case's referral."""
    written = 0
    chosen = victims_on_lines(partnership)
    for index, (_, _, numbers) in enumerate(LINES):
        deal = e164(numbers[-1])
        for k, (case, victim, exploiters) in enumerate(
            chosen[index * VICTIMS_PER_LINE : (index + 1) * VICTIMS_PER_LINE]
        ):
            referral = (
                Referral.objects.filter(case=case)
                .exclude(status=ReferralStatus.DRAFT)
                .order_by("submitted_at", "pk")
                .first()
            )
            if referral is None:
                continue
            runner = e164(f"07700 900{3 + index}{k:02d}")
            for subject in referral.subjects.order_by("created_at", "pk"):
                if subject.person_id == victim:
                    subject.phones = [runner]
                elif subject.person_id in exploiters or subject.role == "suspected_exploiter":
                    subject.phones = [deal]
                else:
                    continue
                subject.save(update_fields=["phones", "updated_at"])  # derives the links
                written += 1
    return written


def _cuckooed_addresses() -> list[Any]:
    """Addresses of cuckooing cases, those with a warning marker first."""
    rows = CaseAddress.objects.order_by("case__opened_at", "pk").values_list(
        "address_id", "case__concern_types"
    )
    ids: list[Any] = []
    for address_id, concerns in rows.iterator(chunk_size=500):
        if "cuckooing" in (concerns or []) and address_id not in ids:
            ids.append(address_id)
            if len(ids) >= 20:
                break
    marked = set(
        WarningMarker.objects.filter(address_id__in=ids).values_list("address_id", flat=True)
    )
    return sorted(ids, key=lambda pk: pk not in marked)


def _found_addresses() -> int:
    places = _cuckooed_addresses()
    if not places:
        return 0
    returned = MissingEpisode.objects.filter(returned_at__isnull=False).order_by(
        "-returned_at", "pk"
    )
    tyler = returned.filter(person_id=SHOWCASE_CHILD_ID).first()
    others = list(
        returned.exclude(person_id=SHOWCASE_CHILD_ID).filter(case__isnull=False)[:FOUND_ELSEWHERE]
    )
    episodes = ([tyler] if tyler else []) + others
    for n, episode in enumerate(episodes):
        episode.found_address_id = places[n % min(len(places), 3)]
        episode.found_location = "A flat known to the partnership, visitors present"
        episode.save(update_fields=["found_address", "found_location", "updated_at"])
    return len(episodes)
