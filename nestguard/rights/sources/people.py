"""The person record itself, with its aliases and address links."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nestguard.access import door
from nestguard.people.models import Person
from nestguard.rights.sources import PURPOSE, Found, Subject, fields_of, register_source, text


def _people(user: Any, subject: Subject) -> Iterator[Found]:
    people = (
        door.visible(user, Person, purpose=PURPOSE)
        .filter(pk__in=subject.person_ids)
        .select_related("created_by_agency")
        .prefetch_related("aliases", "address_links__address")
        .order_by("created_at", "pk")
    )
    for person in people:
        fields = fields_of(
            person,
            [
                ("Given name", "given_name"),
                ("Family name", "family_name"),
                ("Date of birth", "date_of_birth"),
                ("Age (estimated)", "age_estimate"),
                ("Description", "description"),
                ("Sex", "sex"),
                ("Gender identity", "gender_identity"),
                ("Ethnicity", "ethnicity"),
            ],
        )
        aliases = [("Also known as", a.name) for a in person.aliases.all()]
        addresses = [
            (f"Address ({text(link.role)})", link.address.one_line)
            for link in person.address_links.all()
        ]
        yield Found(
            object_type="person",
            object_id=str(person.pk),
            title=f"Person record: {person}",
            held_by=str(person.created_by_agency or ""),
            fields=(*fields, *aliases, *addresses),
        )


register_source("people", "Person records", _people, models=[Person])
