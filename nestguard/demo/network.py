"""The network for the demo borough (decision 0098): the links derived from the records the
seed wrote in bulk (bulk writes send no signals, so they are derived once here), then two
county lines with origin areas, their deal numbers, the runners' phones tied to victims on
the hub's cases, the exploiters who run the lines and a car seen at a victim's address, all
entered by hand by the police caseworker (so the hub and the police see them, and an agency
without an agreement does not). Deterministic: its own random generator.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from nestguard.cases.models import Case, CaseSubject
from nestguard.demo.partnership import Partnership
from nestguard.network.registry import Ref
from nestguard.network.services.links import link_add_by_hand, links_rebuild
from nestguard.network.services.objects import phone_mark_line, phone_record, vehicle_record

# (line name, origin area, deal numbers: Ofcom drama range, never real)
LINES = (
    ("Dolly", "Liverpool", ("07700 900101", "07700 900102")),
    ("K2", "West Midlands", ("07700 900201",)),
)
VICTIMS_PER_LINE = 5


def seed_network(*, partnership: Partnership, today: date, seed: int = 98) -> dict[str, int]:
    rng = random.Random(seed)
    counts = links_rebuild(actor=None)
    police = partnership.users["police.caseworker"]
    victims = victims_on_lines(partnership)
    hand = 0
    for index, (name, origin, numbers) in enumerate(LINES):
        for n, number in enumerate(numbers):
            phone_mark_line(
                actor=police, number=number, line_name=name, origin_area=origin,
                note=f"Deal line {'in use' if n == len(numbers) - 1 else 'before the switch'}: "
                "force intelligence", grade="1B",
            )  # fmt: skip
            hand += 1
        deal = phone_record(actor=police, number=numbers[-1])
        assert deal.line_id is not None  # marked just above
        chosen = victims[index * VICTIMS_PER_LINE : (index + 1) * VICTIMS_PER_LINE]
        for k, (case, victim, exploiters) in enumerate(chosen):
            on = today - timedelta(days=rng.randrange(5, 120))
            runner = phone_record(actor=police, number=f"07700 900{3 + index}{k:02d}")
            hand += _tie(police, Ref("person", victim), Ref("phone", runner.pk), "uses", on, "2B")
            hand += _tie(
                police, Ref("phone", runner.pk), Ref("phone", deal.pk), "seen_with", on, "1A"
            )
            for exploiter in exploiters[:1]:
                line_ref = Ref("line", deal.line_id)
                hand += _tie(police, Ref("person", exploiter), line_ref, "runs", on, "2C")
                if k == 0:
                    car = vehicle_record(
                        actor=police, vrm=f"NB{index}{k} DMO", description="Grey hatchback"
                    )
                    hand += _tie(
                        police, Ref("person", exploiter), Ref("vehicle", car.pk), "drives", on, "1B"
                    )
                    address = case.addresses.values_list("address_id", flat=True).first()
                    if address:
                        hand += _tie(
                            police,
                            Ref("vehicle", car.pk),
                            Ref("address", address),
                            "frequents",
                            on,
                            "2B",
                        )
    return {"network_links": sum(counts.values()), "network_hand_links": hand}


def _tie(actor: Any, a: Ref, b: Ref, role: str, on: date, grade: str) -> int:
    link_add_by_hand(
        actor=actor, a=a, b=b, role=role, note="Police intelligence (demo)", on=on, grade=grade
    )
    return 1


def victims_on_lines(partnership: Partnership) -> list[tuple[Case, Any, list[Any]]]:
    """Victims on open cases the hub leads with a suspected exploiter named, oldest first."""
    hub = partnership.agencies["hub"]
    found = []
    cases = Case.objects.filter(lead_agency=hub).order_by("opened_at", "reference")[:400]
    subjects: dict[Any, list[CaseSubject]] = {}
    for subject in CaseSubject.objects.filter(case__in=cases).order_by("created_at", "pk"):
        subjects.setdefault(subject.case_id, []).append(subject)
    for case in cases:
        rows = subjects.get(case.pk, [])
        victims = [s.person_id for s in rows if s.role == "victim"]
        exploiters = [s.person_id for s in rows if s.role == "suspected_exploiter"]
        if victims and exploiters and victims[0] not in exploiters:
            found.append((case, victims[0], exploiters))
        if len(found) >= VICTIMS_PER_LINE * len(LINES):
            break
    return found
