"""Partner intelligence naming the person: the original reports (the sanitised versions are
copies of them). Intelligence is usually withheld in part or whole under the crime and
taxation exemption (DPA 2018 Sch 2 para 2, or s.45(4) for the police's own processing under
Part 3), and how it was known may identify a source: the reviewer decides item by item, with
the exemption cited, as for every other record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nestguard.access import door
from nestguard.intelligence.models import IntelligenceReport
from nestguard.rights.sources import PURPOSE, Found, Subject, fields_of, register_source


def _reports(user: Any, subject: Subject) -> Iterator[Found]:
    reports = (
        door.visible(user, IntelligenceReport, purpose=PURPOSE)
        .filter(subjects__person_id__in=subject.person_ids)
        .select_related("agency")
        .distinct()
        .order_by("observed_on", "pk")
    )
    for report in reports:
        yield Found(
            object_type="intelligencereport",
            object_id=str(report.pk),
            title=f"Intelligence report {report.reference}",
            held_by=str(report.agency),
            fields=fields_of(
                report,
                [
                    ("Seen on", "observed_on"),
                    ("Where", "location"),
                    ("What was seen", "what"),
                    ("How it was known", "how_known"),
                    ("How it was known, in detail", "how_known_detail"),
                    ("Source evaluation", "source_evaluation"),
                    ("Intelligence assessment", "intelligence_assessment"),
                    ("Handling code", "handling_code"),
                ],
            ),
        )


register_source("intelligence", "Partner intelligence", _reports, models=[IntelligenceReport])
