"""The link sources of the records Nestguard holds today (decision 0098): referrals (their
subjects, their phones and the address), cases (subjects and addresses), missing episodes (the
person, the case they are on, and the address where they were found), enforcement steps (the
address and the person), a person's tie to an address, and links by hand. The intelligence
share registers itself the same way.

Saves of the records (and of the rows that hang from them) refresh their links in the same
transaction, through signals: the records' services need not know of the network.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from nestguard.access import door
from nestguard.cases.models import Case, CaseAddress, CaseSubject, Intervention
from nestguard.core.signals import records_rewritten
from nestguard.enforcement.models import EnforcementAction
from nestguard.network.models import HandEntry, Line, Phone, Vehicle
from nestguard.network.phones import national
from nestguard.network.registry import (
    EntityKind,
    LinkSpec,
    Ref,
    Source,
    register_kind,
    register_source,
    sources,
)
from nestguard.network.services.objects import phone_record
from nestguard.pathways.models import MissingEpisode
from nestguard.people.models import Person
from nestguard.places.models import Address, PersonAddressLink
from nestguard.referrals.models import Referral, ReferralStatus, ReferralSubject

for _kind in (
    EntityKind("person", Person, lambda p: p.display_name, "network:person"),
    EntityKind("address", Address, lambda a: a.one_line, "places:detail"),
    EntityKind("phone", Phone, lambda p: national(p.number)),
    EntityKind("vehicle", Vehicle, lambda v: v.vrm),
    EntityKind("line", Line, lambda line: line.name, "network:line"),
    EntityKind("referral", Referral, lambda r: r.reference, "referrals:detail"),
    EntityKind("case", Case, lambda c: c.reference, "cases:detail"),
    EntityKind("missing", MissingEpisode, lambda m: m.reference),
    EntityKind("enforcement", EnforcementAction, lambda e: f"{e.reference} ({e.step})"),
    EntityKind("arrest", Intervention, lambda i: f"Arrest on {i.starts_on:%-d %B %Y}"),
):
    register_kind(_kind)


def referral_links(referral: Referral) -> Iterable[LinkSpec]:
    """A submitted referral names its subjects and its address (a draft is its author's), and
    ties each subject to the phone numbers given for them (decision 0115)."""
    if referral.status == ReferralStatus.DRAFT or referral.submitted_at is None:
        return
    here = Ref("referral", referral.pk)
    on = referral.submitted_at.date()
    for subject in referral.subjects.all():
        who = Ref("person", subject.person_id) if subject.person_id else here
        if subject.person_id:
            yield LinkSpec(here, who, on, subject.role)
        for number in subject.phones:
            phone = phone_record(actor=None, number=number)
            yield LinkSpec(who, Ref("phone", phone.pk), on, "phone")
    if referral.address_id:
        yield LinkSpec(here, Ref("address", referral.address_id), on, "address")
    if referral.case_id:
        yield LinkSpec(here, Ref("case", referral.case_id), on, "became")


def case_links(case: Case) -> Iterable[LinkSpec]:
    here = Ref("case", case.pk)
    on = case.opened_at.date()
    for subject in case.subjects.all():
        yield LinkSpec(here, Ref("person", subject.person_id), on, subject.role)
    for place in case.addresses.all():
        yield LinkSpec(here, Ref("address", place.address_id), on, "address")


def missing_links(episode: MissingEpisode) -> Iterable[LinkSpec]:
    here = Ref("missing", episode.pk)
    on = episode.started_at.date()
    yield LinkSpec(here, Ref("person", episode.person_id), on, "missing")
    if episode.case_id:
        yield LinkSpec(here, Ref("case", episode.case_id), on, "case")
    if episode.found_address_id and episode.returned_at is not None:
        # Where the child was found (decision 0115): the person and the address, dated when
        # they were found, seen as the episode is.
        yield LinkSpec(
            Ref("person", episode.person_id),
            Ref("address", episode.found_address_id),
            timezone.localdate(episode.returned_at),
            "found_at",
        )


def enforcement_links(action: EnforcementAction) -> Iterable[LinkSpec]:
    here = Ref("enforcement", action.pk)
    on = action.taken_at.date()
    yield LinkSpec(here, Ref("address", action.address_id), on, "premises")
    if action.person_id:
        yield LinkSpec(here, Ref("person", action.person_id), on, "subject")


ARREST = "arrest"  # the intervention type (cases/data/interventions.json)


def arrest_links(intervention: Intervention) -> Iterable[LinkSpec]:
    """An arrest is recorded as an intervention on a case (who was arrested is in its notes,
    not a field): the event links to its case, and through it to the case's people."""
    if intervention.type == ARREST:
        here = Ref("arrest", intervention.pk)
        yield LinkSpec(here, Ref("case", intervention.case_id), intervention.starts_on, "case")


def person_address_links(link: PersonAddressLink) -> Iterable[LinkSpec]:
    yield LinkSpec(
        Ref("person", link.person_id), Ref("address", link.address_id), link.from_date, link.role
    )


def hand_links(entry: HandEntry) -> Iterable[LinkSpec]:
    """A link by hand carries its own ends."""
    yield LinkSpec(
        Ref(entry.a_kind, entry.a_id),
        Ref(entry.b_kind, entry.b_id),
        entry.on,
        entry.role,
        entry.grade,
    )


def _case_of(row: Any) -> Any:
    return row.case


def _sent(referral: Referral) -> Referral | None:
    """A draft gives no links (`referral_links`) and never had any (a sent referral is never
    a draft again): its saves, a dozen as it is filled in, derive nothing, so they are not
    refreshed (decision 0130)."""
    return None if referral.status == ReferralStatus.DRAFT else referral


def _referral_of(row: Any) -> Any:
    return _sent(row.referral)


register_source(
    Source(
        "referral",
        Referral,
        referral_links,
        lambda: Referral.objects.exclude(status=ReferralStatus.DRAFT).prefetch_related("subjects"),
        triggers={Referral: _sent, ReferralSubject: _referral_of},
    )
)
register_source(
    Source(
        "case",
        Case,
        case_links,
        lambda: Case.objects.prefetch_related("subjects", "addresses"),
        triggers={Case: lambda c: c, CaseSubject: _case_of, CaseAddress: _case_of},
    )
)
register_source(
    Source(
        "missing",
        MissingEpisode,
        missing_links,
        lambda: MissingEpisode.objects.all(),
        triggers={MissingEpisode: lambda m: m},
    )
)
register_source(
    Source(
        "enforcement",
        EnforcementAction,
        enforcement_links,
        lambda: EnforcementAction.objects.all(),
        triggers={EnforcementAction: lambda e: e},
    )
)
register_source(
    Source(
        "arrest",
        Intervention,
        arrest_links,
        lambda: Intervention.objects.filter(type=ARREST),
        triggers={Intervention: lambda i: i},
        # Shown to those who may see its case (an intervention is read on its case).
        visible_ids=lambda user: Intervention.objects.filter(
            case_id__in=door.visible(user, Case, purpose="network").values("pk")
        ).values("pk"),
    )
)
register_source(
    Source(
        "person_address",
        PersonAddressLink,
        person_address_links,
        lambda: PersonAddressLink.objects.all(),
        triggers={PersonAddressLink: lambda link: link},
        # Shown to those who may see the person (places: `PersonAddressLink`).
        visible_ids=lambda user: PersonAddressLink.objects.filter(
            person_id__in=door.visible(user, Person).values("pk")
        ).values("pk"),
    )
)
register_source(Source("hand", HandEntry, hand_links, lambda: HandEntry.objects.all()))


def _on_save(sender: Any, instance: Any, **kwargs: Any) -> None:
    from nestguard.network.services.links import links_clear, links_refresh

    deleted = kwargs.get("signal") is post_delete
    for kind, src in sources().items():
        pick = src.triggers.get(sender)
        if pick is None:
            continue
        if deleted and sender is src.model:
            links_clear(kind=kind, record_id=instance.pk)
            continue
        record = pick(instance)
        if record is not None:
            links_refresh(kind=kind, record=record)


def _on_rewritten(sender: Any, keys: list[str], **kwargs: Any) -> None:
    """Rows rewritten in bulk (a disposal): derive again the links of the records they are or
    belong to, and clear those of records that are gone."""
    from nestguard.network.services.links import links_clear, links_refresh

    for kind, src in sources().items():
        if sender is src.model:
            current = {str(r.pk): r for r in src.records().filter(pk__in=keys)}
            for key in keys:
                if key in current:
                    links_refresh(kind=kind, record=current[key])
                else:  # deleted, or no longer a record that gives links (a draft)
                    links_clear(kind=kind, record_id=key)
        elif (pick := src.triggers.get(sender)) is not None:
            owners = {}
            for row in sender._default_manager.filter(pk__in=keys):
                record = pick(row)
                if record is not None:
                    owners[record.pk] = record
            for record in owners.values():
                links_refresh(kind=kind, record=record)


def connect() -> None:
    """Keep links current as records are written (saves and deletes of their rows, and rows
    rewritten in bulk)."""
    records_rewritten.connect(_on_rewritten, dispatch_uid="network:records_rewritten")
    models = {m for src in sources().values() for m in src.triggers}
    for model in models:
        post_save.connect(_on_save, sender=model, dispatch_uid=f"network:{model._meta.label}")
        # A referral's, case's or step's rows are deleted with it (and would derive its links
        # again); a missing episode has none, so its delete clears its links.
        if model not in (Referral, Case, EnforcementAction):
            post_delete.connect(
                _on_save, sender=model, dispatch_uid=f"network-del:{model._meta.label}"
            )
