"""THE door for reads of protected records (docs/decisions/0070-one-door-for-reads.md).

Each domain app registers a `Policy` for each model it protects (in its `policy.py`, from
`AppConfig.ready`): which records a user may see, the actions a user may take on one, and
the audit event a read writes. Views, the API, agendas, reports and template tags then read
only through:

    visible(user, Case)                            # the queryset a user may see
    load(user, Case, pk, purpose="case_work")      # one record, or 404; the read is audited
    record_list(user, Case, shown, purpose=...)    # a page of a list was shown (audited)
    record_search(user, "...", purpose=..., terms={...}, found=n)  # a lookup (audited)
    may(user, "edit", case)                        # an action predicate of the policy
    for_panel(scope, Case)                         # what a panel's agenda may draw on
    counted(user, Case)                            # what an aggregate may count (reporting)

A record the user may not see raises Http404 exactly like one that does not exist (and a pk
that is not even well formed), so nobody learns that it exists. `access` itself knows no
domain model: it holds the registry, and the apps fill it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

from nestguard.audit.services import audit_record
from nestguard.core.codes import CodeList, code_list

if TYPE_CHECKING:
    from nestguard.accounts.models import User

M = TypeVar("M", bound=Model)

# A purpose is a code of access/data/purposes.json ("case_work", "triage", "panel", ...).
Purpose = str
Visibility = Callable[[Any], QuerySet[Any]]
Predicate = Callable[[Any, Any], bool]


class PanelScope(Protocol):
    """What a panel may draw on for its agenda (the panels app's `AgendaScope`, built by
    `panels.selectors.agenda_scope`, decision 0073): the keys of the cases its member
    agencies may see under their agreements, and of those cases' subjects (querysets or lists
    usable in `pk__in=`). A protocol, so that the door need not know the panels app."""

    @property
    def case_ids(self) -> Any: ...

    @property
    def person_ids(self) -> Any: ...


PanelVisibility = Callable[[PanelScope], QuerySet[Any]]


@dataclass(frozen=True)
class Scope:
    """A narrower or different set of records for one purpose, with its own read event."""

    visible: Visibility
    read_event: str | None


@dataclass(frozen=True)
class Policy:
    """What one app says about one of its models."""

    model: type[Model]
    # The records a user may see (a queryset; empty for anonymous users).
    visible: Visibility
    # The audit event a single read writes; None for records that hold no personal data.
    read_event: str | None
    # The audit event a page of a list writes (one event naming the records shown).
    list_event: str | None = None
    # A narrower or different set for some purposes, e.g. a referrer following the status
    # of their own referral sees only their referrals, and only for that purpose.
    scopes: Mapping[Purpose, Scope] = field(default_factory=dict)
    # What a single load brings with it (select_related), so that pages need not ask again.
    related: Sequence[str] = ()
    # A check on one loaded record for what a queryset cannot say (hidden answers 404).
    admits: Predicate | None = None
    # When only some loads show personal data (a meeting's minutes, to those who may read
    # them), the read event is written for those loads only.
    audits: Predicate | None = None
    # Named predicates: "edit", "close", ... (user, record) -> bool.
    actions: Mapping[str, Predicate] = field(default_factory=dict)
    # When a read shows other agencies' information to the reader's agency, the disclosure
    # basis the read event records (user, record) -> DisclosureBasis (decision 0077): a
    # meeting's minutes show the lead agencies' cases on its agenda.
    basis: Callable[[Any, Any], Any] | None = None
    # The records a panel's agenda may draw on (purpose "panel"), for a panel, not a user;
    # None when agendas may not read the model.
    for_panel: PanelVisibility | None = None

    def queryset(self, user: Any, purpose: Purpose | None = None) -> QuerySet[Any]:
        if not user or not user.is_authenticated or not user.is_active:
            return self.model._default_manager.none()
        scope = self.scopes.get(purpose or "")
        records = (scope.visible if scope else self.visible)(user)
        for restraint in _RESTRAINTS.get(self.model, ()):
            records = restraint(user, purpose, records)
        return records

    def event_for(self, purpose: Purpose) -> str | None:
        scope = self.scopes.get(purpose)
        return scope.read_event if scope else self.read_event


_POLICIES: dict[type[Model], Policy] = {}

# A limit another app puts on what a model's policy lets through, for every purpose and
# scope: (user, purpose, records) -> records. The rights app's restriction of processing
# (UK GDPR Art. 18, decision 0102) hides a restricted person's records from every purpose
# but those Art. 18(2) leaves. A restraint only narrows; it never widens.
Restraint = Callable[[Any, "Purpose | None", QuerySet[Any]], QuerySet[Any]]
_RESTRAINTS: dict[type[Model], tuple[Restraint, ...]] = {}


def add_restraint(model: type[Model], restraint: Restraint) -> None:
    """Narrow every read of `model` (idempotent for the same function)."""
    existing = _RESTRAINTS.get(model, ())
    if restraint not in existing:
        _RESTRAINTS[model] = (*existing, restraint)


def register(policy: Policy) -> Policy:
    """Register an app's policy for a model (call from its AppConfig.ready)."""
    existing = _POLICIES.get(policy.model)
    if existing is not None and existing != policy:
        raise ValueError(f"{policy.model.__name__} already has an access policy")
    _POLICIES[policy.model] = policy
    return policy


def add_scope(model: type[Model], purpose: Purpose, scope: Scope) -> None:
    """Another app's view of a model for one purpose (enforcement's view of addresses)."""
    policy = policy_for(model)
    _POLICIES[model] = replace(policy, scopes={**policy.scopes, _check_purpose(purpose): scope})


def policy_for(model: type[Model]) -> Policy:
    try:
        return _POLICIES[model]
    except KeyError:
        raise LookupError(f"{model.__name__} has no access policy registered") from None


def registered_models() -> list[type[Model]]:
    return sorted(_POLICIES, key=lambda m: m._meta.label)


@cache
def purposes() -> CodeList:
    return code_list("access", "purposes")


def _check_purpose(purpose: Purpose) -> Purpose:
    if purpose not in purposes():
        raise ValueError(f"{purpose!r} is not a purpose of access/data/purposes.json")
    return purpose


def visible(user: User | Any, model: type[M], *, purpose: Purpose | None = None) -> QuerySet[M]:
    """The records of `model` the user may see (for `purpose`, when its policy scopes it)."""
    if purpose is not None:
        _check_purpose(purpose)
    return policy_for(model).queryset(user, purpose)


def for_panel(scope: PanelScope, model: type[M]) -> QuerySet[M]:
    """The records of `model` a panel's agenda may draw on (the `panel` purpose): agenda
    sources start here. It writes no audit event: a source runs for a panel, not a user, and
    what it proposes is read, and audited, when someone reads the meeting."""
    policy = policy_for(model)
    if policy.for_panel is None:
        raise LookupError(f"{model.__name__} is not open to panel agendas")
    return policy.for_panel(scope)


def counted(user: User | Any, model: type[M]) -> QuerySet[M]:
    """The records of `model` an aggregate for `user` may count (the `reporting` purpose):
    the model's reporting scope, or LookupError when it has none, so that nothing is counted
    that nobody agreed to count. It writes no audit event: the report that counts writes one,
    naming the report, its period and its filters (decision 0089)."""
    policy = policy_for(model)
    if "reporting" not in policy.scopes:
        raise LookupError(f"{model.__name__} has no reporting scope")
    return policy.queryset(user, "reporting")


def load(
    user: User | Any,
    model: type[M],
    pk: Any,
    *,
    purpose: Purpose,
    related: Sequence[str] = (),
    field: str = "pk",
) -> M:
    """One record the user may see, or Http404 (hidden and missing alike); the read is audited.

    `field` names another unique key to find it by (an address by its UPRN)."""
    policy = policy_for(model)
    records = policy.queryset(user, _check_purpose(purpose))
    joins = (*policy.related, *related)
    if joins:
        records = records.select_related(*joins)
    try:
        record: M = records.get(**{field: pk})
    except (ObjectDoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404 from None
    if policy.admits is not None and not policy.admits(user, record):
        raise Http404
    event = policy.event_for(purpose)
    if event and (policy.audits is None or policy.audits(user, record)):
        basis = policy.basis(user, record) if policy.basis is not None else None
        audit_record(actor=user, action=event, obj=record, purpose=purpose, basis=basis)
    return record


def record_list(
    user: User | Any,
    model: type[Model],
    shown: Sequence[Any],
    *,
    purpose: Purpose,
    details: dict[str, Any] | None = None,
) -> None:
    """One audit event for a page of a list that shows personal data (nothing when empty)."""
    policy = policy_for(model)
    if not shown or not policy.list_event:
        return
    audit_record(
        actor=user,
        action=policy.list_event,
        object_type=model._meta.model_name or "",
        object_label=f"{len(shown)} {model._meta.verbose_name_plural}",
        purpose=_check_purpose(purpose),
        details={"shown": [_label(r) for r in shown], **(details or {})},
    )


def record_reads(
    user: User | Any, model: type[Model], records: Iterable[Any], *, purpose: Purpose
) -> None:
    """One read event per record shown (for pages that show several records in full)."""
    event = policy_for(model).read_event
    _check_purpose(purpose)
    if event:
        for record in records:
            audit_record(actor=user, action=event, obj=record, purpose=purpose)


def record_search(
    user: User | Any,
    action: str,
    *,
    purpose: Purpose,
    terms: Mapping[str, Any],
    found: int,
    obj: Any = None,
    label: str = "",
) -> None:
    """A lookup: what was searched for is recorded, so "who searched for this person?" can be
    answered even when nothing matched."""
    audit_record(
        actor=user,
        action=action,
        obj=obj,
        object_label=label,
        purpose=_check_purpose(purpose),
        details={"terms": {k: v for k, v in terms.items() if v not in (None, "")}, "found": found},
    )


@dataclass(frozen=True)
class Answer:
    """What a registered lookup found, and what its audit event records beside the terms."""

    result: Any
    terms: Mapping[str, Any]
    found: int
    details: Mapping[str, Any] = field(default_factory=dict)
    # False when the lookup could not run (an index still building, or refused): nothing
    # shown, nothing audited by the door.
    answered: bool = True
    # A lookup refused for now (a limit reached), for a page to say so and when to try
    # again; `result` is then None. Lookups asked by the API raise instead.
    refused: Any = None


# (user, what was typed, purpose) -> what the lookup found.
Ask = Callable[[Any, Any, Purpose], Answer]


@dataclass(frozen=True)
class Lookup:
    event: str
    ask: Ask
    # True when the lookup writes its own audit event (`event`), because it must be written
    # in the same transaction as a check the door does not know of (a per-user limit), with
    # details only the app knows (the disclosure basis): the door then writes none, so each
    # lookup still has exactly one event.
    audits_itself: bool = False


_LOOKUPS: dict[str, Lookup] = {}


def register_lookup(name: str, event: str, ask: Ask, *, audits_itself: bool = False) -> None:
    """A question asked by what someone typed ("already known?", "a risk behind this door?")."""
    _LOOKUPS[name] = Lookup(event, ask, audits_itself)


def look_up(user: User | Any, name: str, query: Any, *, purpose: Purpose) -> Answer:
    """Ask a registered lookup; the search terms are audited whether or not anything matched
    (by the door, or by a lookup that `audits_itself`). A lookup may raise to refuse (the
    "already known?" hourly limit raises `LookupsExhausted`, which callers answer 429)."""
    lookup = _LOOKUPS[name]
    _check_purpose(purpose)
    answer = lookup.ask(user, query, purpose)
    if answer.answered and not lookup.audits_itself:
        audit_record(
            actor=user,
            action=lookup.event,
            object_type=name,
            purpose=purpose,
            details={
                "terms": {k: v for k, v in answer.terms.items() if v not in (None, "")},
                "found": answer.found,
                **answer.details,
            },
        )
    return answer


def may(user: User | Any, action: str, record: Model) -> bool:
    """Whether the policy of the record's model lets `user` take `action` on it."""
    predicate = policy_for(type(record)).actions.get(action)
    if predicate is None:
        raise LookupError(f"{type(record).__name__} has no action {action!r}")
    return bool(predicate(user, record))


def _label(record: Any) -> str:
    for attr in ("reference", "audit_label"):
        value = getattr(record, attr, None)
        if value:
            return str(value)
    return str(record.pk)
