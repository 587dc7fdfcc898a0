"""The agencies' source records in the person's cluster of the person index."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nestguard.access import door
from nestguard.linkage.models import NESTGUARD_SYSTEM, Cluster
from nestguard.rights.sources import PURPOSE, Found, Subject, fields_of, register_source


def _records(user: Any, subject: Subject) -> Iterator[Found]:
    clusters = (
        door.visible(user, Cluster, purpose=PURPOSE)
        .filter(pk__in=subject.cluster_ids)
        .prefetch_related("records__agency")
        .order_by("pk")
    )
    for cluster in clusters:
        for record in cluster.records.all():
            if record.system == NESTGUARD_SYSTEM:
                continue  # the person record itself, found by the people source
            yield Found(
                object_type="sourcerecord",
                object_id=str(record.pk),
                title=f"Record sent by {record.agency} ({record.system})",
                held_by=str(record.agency),
                fields=fields_of(
                    record,
                    [
                        ("Their reference", "record_id"),
                        ("Received", "received_at"),
                        ("Given name", "given_name"),
                        ("Family name", "family_name"),
                        ("Date of birth", "date_of_birth"),
                        ("Date of birth as sent", "date_of_birth_given"),
                        ("Sex", "sex"),
                        ("Address", "address_line1"),
                        ("Address line 2", "address_line2"),
                        ("Town", "town"),
                        ("Postcode", "postcode"),
                        ("Phone", "phone"),
                        ("Identifier", "identifier"),
                    ],
                ),
            )


register_source("linkage", "Agencies' records in the person index", _records, models=[Cluster])
