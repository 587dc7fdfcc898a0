"""The record types disposal reaches beyond cases and referrals: a registry, one `register`
call per record type (decision 0111).

Cases, referrals and the people in them have their own rules (`services/candidates.py`,
`services/dispose.py`: a case carries its chronology, interventions and referrals). Every
other record type the schedule disposes of is described here, as data:

- `rule`: the schedule's code (`data/schedule.json`; a new type adds its rule there, with
  its source or marked local policy, and to migration `0003`'s list when it exists already);
- `model`, and `past(cutoff)`: a filter for the records whose period has run (the rule's
  event, realised on this model's fields), `eligible`: which records may be disposed of at
  all (a returned episode, a decided public report);
- `clear`: anonymise, the fields cleared and their empty values (identifying fields and free
  text); `also`: the same for rows that belong to the record (a return interview of an
  episode), as `(model, path to the record, fields)`; or `delete=True` (the row goes);
- `person` / `case`: the fields naming the person and the case it is about, so that a legal
  hold on either keeps it, a hold on it keeps them (one step, as decision 0101), and the
  person is anonymised once nothing else keeps them; `until_25`: the period runs from the
  subject's 25th birthday as well (the later of the two); `child`: a filter for records
  about a child (the second approver).

Adding a record type of another app (a placement, a Prevent referral, a phone on a
referral subject) is one `register(RecordType(...))` line below, and its rule in the
schedule. Reports keep counting anonymised rows: only people's identifying fields and free
text are cleared; codes, dates, statuses and links stay.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Model, Q

from nestguard.channel.models import ConsentRecord, PreventReferral, Stage
from nestguard.childhood.models import EducationStatus, Placement, TransitionPlan
from nestguard.deconfliction.models import Notice
from nestguard.intelligence.models import (
    IntelligenceReport,
    ReportSubject,
    SanitisedSubject,
    SanitisedVersion,
)
from nestguard.linkage.models import SourceRecord
from nestguard.pathways.models import MissingEpisode, NrmReferral, ReturnInterview
from nestguard.places.models import WarningMarker
from nestguard.prevention.models import HousingSignal
from nestguard.public.models import PublicReport, PublicReportStatus

# The fields of a linkage source record that identify someone (also used when a person's
# own record goes with them).
SOURCE_RECORD_FIELDS = {
    "given_name": "",
    "family_name": "",
    "date_of_birth": "",
    "date_of_birth_given": "",
    "address_line1": "",
    "address_line2": "",
    "town": "",
    "postcode": "",
    "phone": "",
    "identifier": "",
    "contact_name": "",
    "contact_email": "",
    "contact_phone": "",
}
SUBJECT_FIELDS = {"label": "", "phone": "", "vrm": "", "person": None, "address": None}


@dataclass(frozen=True)
class RecordType:
    rule: str
    model: type[Model]
    past: Callable[[datetime], Q]
    eligible: Q = field(default_factory=Q)
    clear: Mapping[str, Any] = field(default_factory=dict)
    also: tuple[tuple[type[Model], str, Mapping[str, Any]], ...] = ()
    delete: bool = False
    person: str = ""
    case: str = ""
    until_25: bool = False
    child: Q | None = None
    reference: str = "reference"

    @property
    def key(self) -> str:
        """How a disposal item and a legal hold name this type: `app_label.model`."""
        return self.model._meta.label_lower


_TYPES: dict[str, RecordType] = {}


def register(record_type: RecordType) -> RecordType:
    _TYPES[record_type.rule] = record_type
    return record_type


def for_rule(code: str) -> RecordType | None:
    return _TYPES.get(code)


def all_types() -> list[RecordType]:
    return list(_TYPES.values())


def by_key(key: str) -> RecordType | None:
    return next((t for t in _TYPES.values() if t.key == key), None)


def _days(field_name: str) -> Callable[[datetime], Q]:
    return lambda cutoff: Q(**{f"{field_name}__lte": cutoff.date()})


def _moment(field_name: str) -> Callable[[datetime], Q]:
    return lambda cutoff: Q(**{f"{field_name}__lte": cutoff})


# A withdrawn marker from its withdrawal; one never withdrawn from its expiry.
register(RecordType(
    rule="warning_marker", model=WarningMarker, delete=True, case="case", reference="pk",
    past=lambda cutoff: Q(withdrawn_at__lte=cutoff)
    | Q(withdrawn_at__isnull=True, expires_on__lte=cutoff.date()),
))  # fmt: skip
register(RecordType(
    rule="missing_episode", model=MissingEpisode, past=_moment("returned_at"),
    eligible=Q(returned_at__isnull=False), person="person", case="case", until_25=True,
    child=Q(age_at_start__lt=18),
    clear={"police_reference": "", "circumstances": "", "found_location": "",
           "found_address": None, "safe_and_well_by": "", "harm_details": ""},
    also=((ReturnInterview, "episode", {"interviewer": "", "where_they_were": "", "who_with": "",
                                         "exploitation_signs": "", "reason_not_held": ""}),),
))  # fmt: skip
# From the Home Office's conclusive decision or the withdrawal, whichever closed it.
register(RecordType(
    rule="nrm_record", model=NrmReferral, person="person", case="case", child=Q(is_child=True),
    past=lambda cutoff: Q(cg_decided_on__lte=cutoff.date()) | Q(withdrawn_on__lte=cutoff.date()),
    clear={"summary": ""},
))  # fmt: skip
# Other agencies' records sent for linkage (a Nestguard person's own record goes with them).
register(RecordType(
    rule="source_records", model=SourceRecord, past=_moment("updated_at"),
    eligible=Q(person__isnull=True), clear=SOURCE_RECORD_FIELDS, reference="record_id",
))  # fmt: skip
# MoPI review: listed for a reviewer, who retains (with a reason) or approves its disposal.
register(RecordType(
    rule="intelligence", model=IntelligenceReport, past=_moment("updated_at"),
    clear={"what": "", "how_known_detail": "", "location": "", "observed_time": "",
           "handling_conditions": ""},
    also=((ReportSubject, "report", SUBJECT_FIELDS),
          (SanitisedVersion, "report", {"text": "", "handling_conditions": ""}),
          (SanitisedSubject, "version__report", SUBJECT_FIELDS)),
))  # fmt: skip
register(RecordType(
    rule="public_report", model=PublicReport, past=_moment("decided_at"),
    eligible=~Q(status=PublicReportStatus.AWAITING),
    clear={"details": "", "address_line1": "", "address_town": "", "postcode": "",
           "location_description": "", "seen_when_text": "", "contact_name": "",
           "contact_phone": "", "contact_email": "", "decision_reason": ""},
))  # fmt: skip
register(RecordType(
    rule="deconfliction_notice", model=Notice, past=_moment("operation__ends_at"),
    clear={"response_note": ""}, reference="pk",
))  # fmt: skip
register(RecordType(
    rule="housing_signal", model=HousingSignal, past=_days("observed_on"), clear={"notes": ""},
    reference="pk",
))  # fmt: skip
# Prevent (decision 0109): from the end of Channel support or the referral's closure.
register(RecordType(
    rule="prevent_referral", model=PreventReferral, person="person", case="case", until_25=True,
    eligible=Q(stage__in=[Stage.EXITED, Stage.CLOSED]), past=_moment("updated_at"),
    clear={"concern": "", "gateway_note": "", "panel_note": "", "referred_to": ""},
    also=((ConsentRecord, "prevent_referral", {"giver_name": "", "note": ""}),),
))  # fmt: skip
# Placements, education and transitions (decision 0110).
register(RecordType(
    rule="placement", model=Placement, person="person", reference="pk",
    eligible=Q(ends_on__isnull=False),
    past=lambda cutoff: Q(person__date_of_birth__lte=cutoff.date()),
    clear={"address": None},
))  # fmt: skip
register(RecordType(
    rule="education_status", model=EducationStatus, person="person", reference="pk",
    eligible=Q(ends_on__isnull=False), past=_days("ends_on"), until_25=True,
    clear={"provider": ""},
))  # fmt: skip
register(RecordType(
    rule="transition_plan", model=TransitionPlan, person="person", case="case", reference="pk",
    past=_moment("recorded_at"), until_25=True, clear={"plan": ""},
))  # fmt: skip
