"""The demo borough's pathways: missing episodes of children on open cases (some repeating,
most in care, as St Helens found), their returns and return interviews, NRM referrals at each
stage, an anonymous Duty to Notify, and onward referrals to the services directory.

Written in bulk after the history (docs/decisions/0005), with an rng of its own so that adding
these rows does not change the rest of the borough. Synthetic only.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction

from nestguard.cases.models import (
    Case,
    CaseStatus,
    CaseSubject,
    CaseTeamAgency,
    ChronologyEntry,
    ChronologyKind,
)
from nestguard.core.calendar import UK, add_working_days
from nestguard.core.models import format_reference, next_values
from nestguard.demo.partnership import Partnership
from nestguard.directory.eligibility import Eligibility
from nestguard.directory.models import Service
from nestguard.pathways import policy
from nestguard.pathways.models import (
    DutyToNotify,
    MissingEpisode,
    NrmReferral,
    NrmStageChange,
    OnwardReferral,
    ReturnInterview,
)
from nestguard.people.models import Person
from nestguard.risk.loader import get_instrument
from nestguard.risk.services import assessment_record

# The walkthrough family's rows in the history tables: added to those tables' counts.
SHOWCASE_ROWS = {
    "persons": 2, "cases": 1, "case_subjects": 2, "team_agencies": 1, "chronology": 1,
    "assessments": 1,
}  # fmt: skip
# The walkthrough family: fixed ids, so that docs/api.md's examples name them as written.
SHOWCASE_CASE_ID = uuid.UUID("6f1c2d3e-4a5b-4c6d-8e7f-000000000501")
SHOWCASE_ADULT_ID = uuid.UUID("6f1c2d3e-4a5b-4c6d-8e7f-000000000502")
SHOWCASE_CHILD_ID = uuid.UUID("6f1c2d3e-4a5b-4c6d-8e7f-000000000503")
CHILD_CASES_PER_SCALE = 40
CHILD_TYPES = ["county_lines", "cce"]
ADULT_TYPES = ["cuckooing", "modern_slavery"]
PLACES = (
    "Northbrook bus station", "A flat on the Fellowfield estate", "A friend's house in Eastmere",
    "Northbrook retail park", "A train station two counties away", "The canal towpath",
    "A takeaway on the high street", "A hotel in the city centre",
)  # fmt: skip
INTERVIEWERS = (
    "Jo Ellis (Northbrook Community Links, independent)",
    "Sam Okoro (children's rights service, independent)",
    "Leanne Heywood (Northbrook Children's Social Care)",
)


@dataclass
class Built:
    episodes: list[MissingEpisode] = field(default_factory=list)
    interviews: list[ReturnInterview] = field(default_factory=list)
    nrm: list[NrmReferral] = field(default_factory=list)
    changes: list[NrmStageChange] = field(default_factory=list)
    onward: list[OnwardReferral] = field(default_factory=list)
    notices: list[DutyToNotify] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows of the pathway tables (the walkthrough family's rows are counted apart)."""
        return {
            "missing_episodes": len(self.episodes),
            "return_interviews": len(self.interviews),
            "nrm_referrals": len(self.nrm),
            "duty_to_notify": len(self.notices),
            "onward_referrals": len(self.onward),
        }


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UK)


def _subjects(today: date, partnership: Partnership, *, children: bool) -> list[CaseSubject]:
    """Victims and people at risk on open cases led by the hub or children's social care."""
    eighteen = today.replace(year=today.year - 18, day=min(today.day, 28))
    age = (
        {"person__date_of_birth__gt": eighteen}
        if children
        else {"person__date_of_birth__lte": eighteen}
    )
    rows = (
        CaseSubject.objects.filter(
            case__status__in=[CaseStatus.OPEN, CaseStatus.MONITORING],
            case__lead_agency__in=[partnership.agencies["hub"], partnership.agencies["csc"]],
            role__in=["victim", "person_at_risk"],
            person__date_of_birth__isnull=False,
            **age,
        )
        .exclude(case_id=SHOWCASE_CASE_ID)  # the walkthrough family has its own story
        .select_related("person", "case")
        .order_by("case__reference", "person__family_name", "person__given_name")
    )
    seen: set[Any] = set()
    unique = []
    for row in rows:
        if row.person_id not in seen:
            seen.add(row.person_id)
            unique.append(row)
    return unique


class PathwaysBuilder:
    def __init__(self, rng: random.Random, partnership: Partnership, now: datetime) -> None:
        self.rng = rng
        self.p = partnership
        self.now = now
        self.today = now.astimezone(UK).date()
        self.built = Built()
        self.police = partnership.users["police.caseworker"]
        self.hub = partnership.users["hub.caseworker"]
        self.csc = partnership.users["csc.caseworker"]

    # --- missing episodes -------------------------------------------------------------------

    def episodes_for(self, subject: CaseSubject, *, repeat_now: bool, still_missing: bool) -> None:
        rng = self.rng
        in_care = rng.random() < 0.73  # St Helens: 73% of episodes were of children in care
        care = (
            "looked_after"
            if in_care
            else rng.choice(["not_looked_after", "not_looked_after", "not_known"])
        )
        days_back: list[int] = sorted(rng.sample(range(95, 360), rng.choice([1, 2, 2, 3, 4, 5])))
        if repeat_now:  # three or more in the last 90 days: the panel's agenda picks them up
            days_back += sorted(rng.sample(range(3, 80), rng.choice([2, 3, 4])))
            days_back.append(rng.choice([1, 2]))
        elif not days_back:
            days_back = [rng.randint(5, 200)]
        starts = sorted(self.today - timedelta(days=d) for d in set(days_back))
        for index, day in enumerate(starts):
            last = index == len(starts) - 1
            following = None if last else _at(starts[index + 1], 12)
            self._episode(subject, day, care, open_now=last and still_missing, before=following)

    def _episode(
        self,
        subject: CaseSubject,
        day: date,
        care: str,
        *,
        open_now: bool,
        before: datetime | None,
    ) -> None:
        rng = self.rng
        person: Person = subject.person
        start = _at(day, rng.choice([15, 17, 19, 21, 22, 23]), rng.choice([0, 15, 30, 45]))
        if start > self.now:
            start = self.now - timedelta(hours=6)
        grade = rng.choices(["no_apparent_risk", "low", "medium", "high"], [1, 3, 5, 2])[0]
        category = (
            rng.choices(["missing_from_care", "away_from_placement"], [7, 3])[0]
            if care == "looked_after"
            else rng.choices(["missing_from_home", "young_runaway"], [85, 15])[0]
        )
        dob = person.date_of_birth
        age = day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day)) if dob else None
        recorder = self.police if rng.random() < 0.7 else self.csc
        episode = MissingEpisode(
            reference="",
            person=person,
            case=subject.case,
            recorded_by=recorder,
            recording_agency=recorder.agency,
            report_type="absent" if grade == "no_apparent_risk" else "missing",
            risk_grade=grade,
            category=category,
            care_status=care,
            age_at_start=age,
            started_at=start,
            reported_at=start + timedelta(minutes=rng.choice([30, 60, 120, 240])),
            police_reference=f"NB-{day:%Y}-{rng.randint(1000, 9999)}",
            created_at=start,
        )
        self.built.episodes.append(episode)
        if open_now:
            return
        returned = start + timedelta(hours=rng.choice([4, 9, 14, 20, 30, 52, 75]))
        if returned > self.now - timedelta(hours=2):
            returned = self.now - timedelta(hours=rng.choice([3, 20, 40]))
        if before is not None and returned >= before:
            returned = before - timedelta(hours=3)  # home before the next episode began
        returned = max(returned, start + timedelta(hours=1))
        episode.returned_at = returned
        episode.found_by = rng.choices(
            ["returned_themselves", "police", "parent_or_carer", "professional"], [4, 3, 2, 1]
        )[0]
        episode.found_location = rng.choice(PLACES)
        episode.safe_and_well_at = returned + timedelta(hours=rng.choice([1, 2, 5, 12]))
        if episode.safe_and_well_at > self.now:
            episode.safe_and_well_at = None
        else:
            episode.safe_and_well_by = "Northbrook Police"
        if rng.random() < 0.12:
            episode.harm, episode.harm_details = rng.choice(
                [
                    (
                        ["physical_harm", "committed_crime"],
                        "Assaulted by older boys and made to hold drugs.",
                    ),
                    (["physical_harm"], "Came back with injuries to the hands; would not say how."),
                    (["other_harm"], "Had been given alcohol and was very unwell."),
                ]
            )
        else:
            episode.harm = ["none"]
        self._interview(episode)

    def _interview(self, episode: MissingEpisode) -> None:
        rng = self.rng
        returned = episode.returned_at
        assert returned is not None
        hours_since = (self.now - returned).total_seconds() / 3600
        if hours_since < 72 and rng.random() < 0.6:
            return  # not yet offered: the due view shows it
        outcome = rng.choices(
            ["completed", "completed_late", "declined", "not_conducted", "offered"],
            [60, 15, 10, 5, 10],
        )[0]
        offered = returned + timedelta(hours=rng.choice([2, 6, 20]))
        if offered > self.now:
            offered = self.now
        interview = ReturnInterview(
            episode=episode,
            outcome="completed" if outcome == "completed_late" else outcome,
            offered_at=offered,
            recorded_by=self.csc,
        )
        if outcome in ("completed", "completed_late"):
            delay = rng.choice([24, 40, 60]) if outcome == "completed" else rng.choice([90, 130])
            completed = returned + timedelta(hours=delay)
            if completed > self.now:
                interview.outcome = "offered"
            else:
                interview.completed_at = completed
                interviewer = rng.choice(INTERVIEWERS)
                interview.interviewer = interviewer
                interview.interviewer_independent = "independent" in interviewer
                themes = policy.codes("rhi_themes").values
                interview.themes = sorted(rng.sample(themes, rng.randint(1, 3)), key=themes.index)
                interview.where_they_were = rng.choice(PLACES)
                interview.who_with = rng.choice(
                    ["Older boys from another town", "A group of friends", "A man called 'T'",
                     "Said they were alone"]
                )  # fmt: skip
        elif outcome == "not_conducted":
            interview.reason_not_held = "Moved to an out-of-area placement the same day."
        # As `return_interview_record` keeps it (decision 0121).
        outcomes = policy.codes("rhi_outcomes")
        episode.rhi_clock_closed = bool(outcomes.get(interview.outcome).get("closes_clock"))
        self.built.interviews.append(interview)

    # --- NRM, Duty to Notify ----------------------------------------------------------------

    def nrm_referrals(self, children: list[CaseSubject], adults: list[CaseSubject]) -> None:
        plans = [
            ("child", 2, []),  # referred, due soon
            ("child", 14, []),  # referred, overdue
            ("child", 20, [("recovery_period", 4)]),
            ("child", 200, [("recovery_period", 5), ("cg_positive_trafficking", 120)]),
            ("adult", 60, [("recovery_period", 6)]),  # recovery period ended
            ("adult", 40, [("rg_negative", 5), ("reconsideration_requested", 8)]),
            ("adult", 30, [("withdrawn", 9)]),
        ]
        rg_days = int(policy.rule_value("nrm_rules", "rg_working_days"))
        recovery = int(policy.rule_value("nrm_rules", "recovery_min_days"))
        pools = {"child": list(children[1::3]), "adult": list(adults)}
        for kind, days_ago, steps in plans:
            if not pools[kind]:
                continue
            subject = pools[kind].pop(0)
            on = self.today - timedelta(days=days_ago)
            dob = subject.person.date_of_birth
            age = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day)) if dob else None
            referrer = self.hub if kind == "adult" or days_ago % 2 else self.police
            referral = NrmReferral(
                reference="",
                person=subject.person,
                case=subject.case,
                referring_agency=referrer.agency,
                referred_by=referrer,
                referred_on=on,
                is_child=kind == "child",
                age_at_referral=age,
                consent="not_required" if kind == "child" else "consented",
                exploitation_types=CHILD_TYPES if kind == "child" else ADULT_TYPES,
                decision_body="sca",
                summary="Referred after a strategy discussion." if kind == "child" else
                "Explained the NRM, the support and the outcomes; gave informed consent.",
                stage="referred",
                rg_due_on=add_working_days(on, rg_days),
                created_at=_at(on, 11),
            )  # fmt: skip
            self.built.nrm.append(referral)
            self._change(referral, "", "referred", on, referrer)
            previous = "referred"
            for stage, after in steps:
                when = on + timedelta(days=after)
                if stage == "recovery_period":
                    referral.rg_decided_on = when
                    referral.recovery_ends_on = when + timedelta(days=recovery)
                elif stage == "rg_negative":
                    referral.rg_decided_on = when
                elif stage == "reconsideration_requested":
                    referral.reconsidering = "rg"
                elif stage.startswith("cg_"):
                    referral.cg_decided_on = when
                elif stage == "withdrawn":
                    referral.withdrawn_on = when
                referral.stage = stage
                self._change(referral, previous, stage, when, referrer)
                previous = stage

    def _change(self, referral: NrmReferral, old: str, new: str, on: date, by: Any) -> None:
        self.built.changes.append(
            NrmStageChange(
                referral=referral,
                from_stage=old,
                to_stage=new,
                occurred_on=on,
                recorded_by=by,
                created_at=_at(on, 12),
            )
        )

    def duty_to_notify(self) -> None:
        for days_ago, band, gender, types, area in (
            (25, "25_34", "male", ["cuckooing", "modern_slavery"], "Fellowfield"),
            (70, "50_64", "female", ["cuckooing", "financial"], "Northbrook town centre"),
        ):
            on = self.today - timedelta(days=days_ago)
            self.built.notices.append(
                DutyToNotify(
                    reference="",
                    agency=self.hub.agency,
                    recorded_by=self.hub,
                    notified_on=on,
                    age_band=band,
                    gender=gender,
                    exploitation_types=types,
                    area=area,
                    summary="Declined an NRM referral after it was explained.",
                    created_at=_at(on, 10),
                )
            )

    # --- onward referrals ------------------------------------------------------------------

    def onward(self, subjects: list[CaseSubject]) -> None:
        rng = self.rng
        directory = [
            (s.code, Eligibility.of(s))
            for s in Service.objects.filter(active=True).order_by("code")
        ]
        for subject in subjects:
            case, person = subject.case, subject.person
            sent_on = max(
                self.today - timedelta(days=rng.randint(1, 120)),
                case.opened_at.astimezone(UK).date(),
            )
            consent = rng.random() < 0.8
            age = person.age_on(sent_on)
            eligible = [
                code
                for code, rule in directory
                if not rule.reasons_not_eligible(
                    age=age,
                    consent_given=consent,
                    concern_types=list(case.concern_types),
                    subject_roles=[subject.role],
                )
            ]
            if not eligible:
                continue
            status = rng.choices(["sent", "accepted", "declined", "completed"], [3, 4, 1, 3])[0]
            referral = OnwardReferral(
                reference="", case=case, person=person, service=rng.choice(eligible),
                status=status, consent_given=consent, reason="Agreed at the case review.",
                sent_on=sent_on, sent_by=self.hub, sent_by_agency=self.hub.agency,
                created_at=_at(sent_on, 14),
            )  # fmt: skip
            if status != "sent":
                referral.responded_on = min(
                    sent_on + timedelta(days=rng.randint(1, 10)), self.today
                )
            if status == "declined":
                referral.response_note = "Does not meet the threshold at present."
            if status == "completed":
                responded = referral.responded_on or sent_on
                referral.completed_on = min(responded + timedelta(days=30), self.today)
                referral.outcome = rng.choice(
                    ["Engaged well; goals met.", "Attended four of six sessions.",
                     "Placed on the programme; now in work."]
                )  # fmt: skip
            self.built.onward.append(referral)


def _born(today: date, years: int, days: int) -> date:
    return today.replace(year=today.year - years, day=min(today.day, 28)) - timedelta(days=days)


def showcase_case(partnership: Partnership, now: datetime) -> Case:
    """A hub case about a mother whose flat is being taken over and her son, who goes missing:
    the family the API examples and the demo walkthrough use. The son has had two missing
    episodes in the last two months; a third puts him on the panel's agenda."""
    today = now.astimezone(UK).date()
    worker = partnership.users["hub.caseworker"]
    opened = now - timedelta(days=45)
    adult = Person.objects.create(
        id=SHOWCASE_ADULT_ID, given_name="Maxine", family_name="Oakwell",
        date_of_birth=_born(today, 41, 30),
        created_by_agency=worker.agency, created_at=opened,
    )  # fmt: skip
    child = Person.objects.create(
        id=SHOWCASE_CHILD_ID, given_name="Tyler", family_name="Oakwell",
        date_of_birth=_born(today, 14, 60),
        created_by_agency=worker.agency, created_at=opened,
    )  # fmt: skip
    case = Case.objects.create(
        id=SHOWCASE_CASE_ID,
        reference=format_reference("CASE", next_values("case")[0]),
        summary="Older men using Maxine's flat to deal from; her son Tyler goes missing with them.",
        status=CaseStatus.OPEN,
        lead_agency=partnership.agencies["hub"],
        lead_worker=worker,
        concern_types=["cuckooing", "county_lines", "cce"],
        opened_at=opened,
        created_at=opened,
    )
    CaseSubject.objects.bulk_create(
        [
            CaseSubject(case=case, person=adult, role="victim", created_at=opened),
            CaseSubject(case=case, person=child, role="victim", created_at=opened),
        ]
    )
    CaseTeamAgency.objects.create(case=case, agency=partnership.agencies["police"])
    ChronologyEntry.objects.create(
        case=case, kind=ChronologyKind.EVENT, occurred_at=opened, author=worker,
        text=f"Case opened by {worker} (walkthrough family)",
    )  # fmt: skip
    tool = get_instrument("cuckooing_adult")
    if tool is not None:  # assessed through the risk service, as every open case is
        middle = {item.code: item.options[len(item.options) // 2].code for item in tool.items}
        assessment_record(
            actor=worker, case=case, instrument=tool, stage="initial", answers=middle, person=adult
        )
    return case


def _number(rows: list[Any], sequence: str, prefix: str) -> None:
    if rows:
        for row, number in zip(rows, next_values(sequence, len(rows)), strict=True):
            row.reference = format_reference(prefix, number)


def seed_pathways(
    *, rng: random.Random, partnership: Partnership, now: datetime, scale: float
) -> dict[str, int]:
    """Build and write the pathway rows; returns their counts."""
    builder = PathwaysBuilder(rng, partnership, now)
    today = builder.today
    with transaction.atomic():
        showcase = showcase_case(partnership, now)
    tyler = showcase.subjects.select_related("person", "case").get(person_id=SHOWCASE_CHILD_ID)
    for days_ago in (50, 21):  # two in the last 90 days: one more and the panel hears of him
        builder._episode(
            tyler, today - timedelta(days=days_ago), "not_looked_after", open_now=False,
            before=None,
        )  # fmt: skip
    children = _subjects(today, partnership, children=True)
    adults = _subjects(today, partnership, children=False)
    wanted = max(6, round(CHILD_CASES_PER_SCALE * scale))
    for index, subject in enumerate(children[:wanted]):
        builder.episodes_for(
            subject, repeat_now=index % 3 == 0, still_missing=index == 1 or index == wanted - 1
        )
    builder.nrm_referrals(children[:wanted], adults[: max(3, wanted // 4)])
    builder.duty_to_notify()
    builder.onward(children[: wanted // 2] + adults[: wanted // 2])
    built = builder.built
    built.episodes.sort(key=lambda e: e.started_at)
    _number(built.episodes, "missing_episode", "MISS")
    _number(built.nrm, "nrm_referral", "NRM")
    _number(built.notices, "duty_to_notify", "DTN")
    _number(built.onward, "onward_referral", "ONW")
    with transaction.atomic():
        MissingEpisode.objects.bulk_create(built.episodes, batch_size=500)
        ReturnInterview.objects.bulk_create(built.interviews, batch_size=500)
        NrmReferral.objects.bulk_create(built.nrm)
        NrmStageChange.objects.bulk_create(built.changes)
        DutyToNotify.objects.bulk_create(built.notices)
        OnwardReferral.objects.bulk_create(built.onward, batch_size=500)
    return built.counts()
