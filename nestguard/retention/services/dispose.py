"""Carrying out disposal, per record type (decision 0101): anonymise in place.

Anonymising keeps each row, its codes, dates, statuses and links, so that every report's
counts add up as before; it clears the identifying fields of people and every free-text
field, where names, addresses and circumstances are written. Queryset `update` is used on
purpose: disposal is not an edit (no version bump, no revision keeping the old text).

A person is anonymised with the last case or referral about them, and only if nothing else
keeps them: a link from a record type this version does not dispose of (a missing episode,
an NRM referral, an enforcement action, a panel item, a displacement alert) keeps the person
until that record's own disposal; the certificate counts the people kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils import timezone

from nestguard.cases.models import (
    Case,
    CaseAddress,
    CaseSubject,
    ChronologyEntry,
    Intervention,
)
from nestguard.core.signals import records_rewritten
from nestguard.linkage.models import SourceRecord
from nestguard.pathways.models import OnwardReferral
from nestguard.people.models import Alias, Person
from nestguard.places.models import PersonAddressLink
from nestguard.referrals.models import Referral, ReferralSubject
from nestguard.reporting.models import CaseDayPerson
from nestguard.retention import record_types as rt
from nestguard.retention.record_types import SOURCE_RECORD_FIELDS
from nestguard.risk.models import RiskAssessment

# The links to a person that go with the case or referral being disposed of, or that name
# no more than an anonymous person (an address link's role and dates, a report's day count
# of the people its opened cases named: a derived row, counted again from the subjects,
# decision 0133). Any other link keeps the person.
DISPOSED_WITH = {
    CaseSubject,
    ReferralSubject,
    SourceRecord,
    Alias,
    PersonAddressLink,
    RiskAssessment,
    OnwardReferral,
    CaseDayPerson,
}
REFERRAL_TEXT = {
    "referrer_phone": "",
    "referrer_job_title": "",
    "address_line1": "",
    "address_line2": "",
    "address_town": "",
    "address_postcode": "",
    "address_not_known_reason": "",
    "signs_text": "",
    "consent_notes": "",
    "decision_reason": "",
}


@dataclass
class Disposed:
    """What one carry-out did, for the certificate and the audit redaction."""

    records: dict[str, list[str]] = field(default_factory=dict)
    people_kept: int = 0
    # Every row rewritten or deleted, by model, including the related rows a record type
    # clears with it (`also`): what other apps derived from them is derived again.
    rewritten: dict[type[Model], set[str]] = field(default_factory=dict)

    def add(self, record: Model | type[Model], key: str) -> None:
        self.records.setdefault(record._meta.model_name or "", []).append(key)
        self.touch(record if isinstance(record, type) else type(record), [key])

    def touch(self, model: type[Model], keys: Iterable[Any]) -> None:
        self.rewritten.setdefault(model, set()).update(str(k) for k in keys)

    def announce(self) -> None:
        """Tell the apps that derive from these rows (inside the disposal's transaction)."""
        for model, keys in self.rewritten.items():
            records_rewritten.send(sender=model, keys=sorted(keys))

    def counts(self) -> dict[str, int]:
        return {
            **{kind: len(keys) for kind, keys in sorted(self.records.items())},
            "people_kept_by_other_records": self.people_kept,
        }


def _person_links() -> list[Any]:
    """Every relation to a person, hidden ones (`related_name="+"`) included."""
    return [
        f
        for f in Person._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and f.related_model is not Person
    ]


def _other_links(
    person: Person,
    disposing_cases: set[str],
    disposing_referrals: set[str],
    disposed: dict[type[Model], set[str]] | None = None,
) -> bool:
    """Whether anything but the records being disposed of (or already disposed of: cases,
    referrals, and registered record types in `disposed`) keeps this person."""
    disposed = disposed or {}
    for relation in _person_links():
        model = relation.related_model
        if model in DISPOSED_WITH:
            continue
        rows = model._default_manager.filter(**{relation.field.name: person})
        if model in disposed:
            rows = rows.exclude(pk__in=disposed[model])
        if rows.exists():
            return True
    cases = {
        str(k) for k in CaseSubject.objects.filter(person=person).values_list("case_id", flat=True)
    }
    referrals = {
        str(k)
        for k in ReferralSubject.objects.filter(person=person).values_list("referral_id", flat=True)
    }
    return bool(cases - disposing_cases) or bool(referrals - disposing_referrals)


def person_anonymise(person: Person, done: Disposed) -> None:
    age = person.age
    Person.objects.filter(pk=person.pk).update(
        given_name="",
        family_name="",
        description="",
        date_of_birth=None,
        # The age band still counts in reports; the birthday no longer identifies anyone.
        age_estimate=age,
        identity_unknown=True,
        updated_at=timezone.now(),
    )
    Alias.objects.filter(person=person).delete()
    # No date of birth, no transition alert: the links of cases kept drop its days (0123).
    CaseSubject.objects.filter(person=person).keep_transition_dates()
    for record in SourceRecord.objects.filter(person=person):
        SourceRecord.objects.filter(pk=record.pk).update(
            **SOURCE_RECORD_FIELDS,
            # The fingerprint hashed the content: brute-forceable from a name and a birthday.
            fingerprint=_disposed_fingerprint(record.pk),
        )
        done.add(SourceRecord, str(record.pk))
    done.add(Person, str(person.pk))


def referral_anonymise(referral_ids: Iterable[str], done: Disposed) -> None:
    ids = list(referral_ids)
    Referral.objects.filter(pk__in=ids).update(**REFERRAL_TEXT, updated_at=timezone.now())
    for subject in ReferralSubject.objects.filter(referral_id__in=ids):
        day = timezone.localdate(subject.created_at)
        age = subject.age_estimate
        if subject.date_of_birth:
            dob = subject.date_of_birth
            age = day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
        ReferralSubject.objects.filter(pk=subject.pk).update(
            given_name="",
            family_name="",
            aliases="",
            date_of_birth=None,
            age_estimate=age,
            identity_unknown=True,
            description="",
            phones=[],
        )
        done.touch(ReferralSubject, [subject.pk])
    for key in ids:
        done.add(Referral, key)


def case_anonymise(case_ids: Iterable[str], done: Disposed) -> None:
    ids = list(case_ids)
    Case.objects.filter(pk__in=ids).update(
        summary="", closing_summary="", updated_at=timezone.now()
    )
    ChronologyEntry.objects.filter(case_id__in=ids).update(text="")
    Intervention.objects.filter(case_id__in=ids).update(notes="")
    CaseAddress.objects.filter(case_id__in=ids).update(description="")
    OnwardReferral.objects.filter(case_id__in=ids).update(reason="", response_note="", outcome="")
    RiskAssessment.objects.filter(case_id__in=ids).update(judgement_reason="")
    # The referrals that became these cases are part of the case record.
    into = [str(k) for k in Referral.objects.filter(case_id__in=ids).values_list("pk", flat=True)]
    referral_anonymise(into, done)
    for key in ids:
        done.add(Case, key)


def people_anonymise(
    cases: set[str],
    referrals: set[str],
    done: Disposed,
    *,
    all_cases: set[str],
    all_referrals: set[str],
    held_people: set[str],
    disposed: dict[type[Model], set[str]] | None = None,
    named: set[str] = frozenset(),  # type: ignore[assignment]
) -> None:
    """The subjects of this batch's `cases` and `referrals`, and the people `named` by its
    registered records, when no hold keeps them and nothing but records disposed of (in
    this batch or before: `all_cases`, `all_referrals`, `disposed`) links to them."""
    into = {str(k) for k in Referral.objects.filter(case_id__in=cases).values_list("pk", flat=True)}
    person_ids = (
        set(CaseSubject.objects.filter(case_id__in=cases).values_list("person_id", flat=True))
        | set(
            ReferralSubject.objects.filter(
                referral_id__in=referrals | into, person__isnull=False
            ).values_list("person_id", flat=True)
        )
        | set(named)
    )
    # Referrals that became a disposed case went with it.
    gone = {
        str(k) for k in Referral.objects.filter(case_id__in=all_cases).values_list("pk", flat=True)
    }
    for person in Person.objects.filter(pk__in=person_ids).order_by("pk"):
        if str(person.pk) in held_people or _other_links(
            person, all_cases, all_referrals | gone, disposed
        ):
            done.people_kept += 1
            continue
        person_anonymise(person, done)


def registered_dispose(kind: rt.RecordType, record_ids: Iterable[str], done: Disposed) -> set[str]:
    """Anonymise (or delete) records of a registered type; returns the keys of the people
    they named, for `people_release`."""
    ids = list(record_ids)
    rows = kind.model._default_manager.filter(pk__in=ids)
    people: set[str] = set()
    if kind.person:
        people = {str(k) for k in rows.values_list(f"{kind.person}_id", flat=True) if k is not None}
    if kind.delete:
        rows.delete()
    else:
        stamp = {"updated_at": timezone.now()} if _has_field(kind.model, "updated_at") else {}
        if kind.model is SourceRecord:
            for key in ids:
                # The fingerprint hashed the content: brute-forceable from a name and a birthday.
                SourceRecord.objects.filter(pk=key).update(
                    **kind.clear, **stamp, fingerprint=_disposed_fingerprint(key)
                )
        else:
            rows.update(**kind.clear, **stamp)
        for model, path, fields in kind.also:
            related = model._default_manager.filter(**{f"{path}__in": ids})
            done.touch(model, related.values_list("pk", flat=True))
            related.update(**fields)
    for key in ids:
        done.add(kind.model, key)
    return people


def _has_field(model: type[Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def _disposed_fingerprint(key: Any) -> str:
    return hashlib.sha256(f"disposed:{key}".encode()).hexdigest()
