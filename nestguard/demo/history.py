"""Rows of the demo's history, built in memory from the plans: people, cases with their
subjects, addresses, team, chronology, interventions and risk assessments, and referrals with
their subjects and triage routing. Nothing here touches the database (seed.py writes)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from django.db import models

from nestguard.accounts.models import User
from nestguard.cases.models import (
    Case,
    CaseAddress,
    CaseStatus,
    CaseSubject,
    CaseTeamAgency,
    CaseTeamUser,
    ChronologyEntry,
    Intervention,
)
from nestguard.childhood.policy import opened_on, transition_dates
from nestguard.core.calendar import UK, end_of_working_day_deadline
from nestguard.core.codes import code_list
from nestguard.core.models import format_reference
from nestguard.demo import texts
from nestguard.demo.borough import AddressRef, Borough
from nestguard.demo.instruments import Instrument, answer
from nestguard.demo.partnership import Partnership
from nestguard.demo.people import PeopleMaker, PersonRef, new_id
from nestguard.demo.plans import CasePlan, ReferralPlan, weighted
from nestguard.people.models import Alias, Person
from nestguard.referrals.models import Referral, ReferralSubject
from nestguard.risk.models import RiskAssessment

LEAD_WORKERS: dict[str, dict[str, int]] = {
    "hub": {
        "hub.caseworker": 50,
        "hub.caseworker2": 30,
        "hub.caseworker3": 15,
        "hub.supervisor": 5,
    },
    "csc": {"csc.caseworker": 85, "csc.supervisor": 15},
    "police": {"police.caseworker": 1},
    "housing": {"housing.caseworker": 1},
}
TRIAGERS: dict[str, dict[str, int]] = {
    "hub": {"hub.caseworker": 45, "hub.caseworker2": 25, "hub.supervisor": 30},
    "csc": {"csc.caseworker": 70, "csc.supervisor": 30},
}
OUTCOME_INTERVENTIONS: dict[str, tuple[str, ...]] = {
    "target_hardening_wraparound": ("target_hardening", "wraparound_support"),
    "cpw_cpn": ("cpw", "cpn"),
    "moved": ("move",),
    "perpetrators_excluded": ("perpetrator_exclusion",),
    "warnings_issued": ("warning",),
    "arrested_convicted": ("arrest",),
    "closure_order": ("closure",),
    "disengaged": ("safety_plan",),
    "no_exploitation_found": (),
}
POLICE_INTERVENTIONS = frozenset(
    {"warning", "cpw", "cpn", "closure", "arrest", "perpetrator_exclusion"}
)
CSC_ROUTED = frozenset({"cce", "cse"})
LAWFUL_BASES = {"safeguarding_sch1_para18": 70, "crime_disorder_s115": 15, "public_task": 15}
DECLINE_WEIGHTS = {
    "no_exploitation_indicated": 40,
    "insufficient_information": 25,
    "already_supported": 20,
    "duplicate": 10,
    "outside_area": 5,
}


Row = dict[str, Any]


@dataclass
class Rows:
    """Rows waiting to be written, as dicts of field attnames, per model."""

    persons: list[Row] = field(default_factory=list)
    aliases: list[Row] = field(default_factory=list)
    cases: list[Row] = field(default_factory=list)
    case_subjects: list[Row] = field(default_factory=list)
    case_addresses: list[Row] = field(default_factory=list)
    team_users: list[Row] = field(default_factory=list)
    team_agencies: list[Row] = field(default_factory=list)
    chronology: list[Row] = field(default_factory=list)
    interventions: list[Row] = field(default_factory=list)
    assessments: list[Row] = field(default_factory=list)
    referrals: list[Row] = field(default_factory=list)
    referral_subjects: list[Row] = field(default_factory=list)
    triage_links: list[Row] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {f.name: len(getattr(self, f.name)) for f in fields(self)}

    def __len__(self) -> int:
        return sum(self.counts().values())


# Which model each list of Rows goes to, in the order the foreign keys need.
ROW_MODELS: tuple[tuple[str, type[models.Model]], ...] = (
    ("persons", Person),
    ("aliases", Alias),
    ("cases", Case),
    ("case_subjects", CaseSubject),
    ("case_addresses", CaseAddress),
    ("team_users", CaseTeamUser),
    ("team_agencies", CaseTeamAgency),
    ("chronology", ChronologyEntry),
    ("interventions", Intervention),
    ("assessments", RiskAssessment),
    ("referrals", Referral),
    ("referral_subjects", ReferralSubject),
    ("triage_links", Referral.triage_agencies.through),
)


class HistoryBuilder:
    def __init__(
        self,
        *,
        rng: random.Random,
        profile: dict[str, Any],
        partnership: Partnership,
        borough: Borough,
        instruments: dict[str, Instrument],
        now: datetime,
    ) -> None:
        self.rng = rng
        self.profile = profile
        self.p = partnership
        self.borough = borough
        self.instruments = instruments
        self.now = now
        self.today = now.astimezone(UK).date()
        self.people = PeopleMaker(rng, profile, self.today)
        self.rows = Rows()
        self.ward_weights = list(profile["ward_weights"])
        # A ward where cuckooing concentrates (demo/story.py): a share of cuckooing addresses
        # is moved there with a generator of its own, so every other draw stays as it was.
        hotspot = profile.get("cuckooing_hotspot")
        self.hotspot: tuple[int, float, random.Random] | None = (
            (int(hotspot["ward"]), float(hotspot["share"]), random.Random(hotspot["seed"]))
            if hotspot
            else None
        )
        self.concern_labels = code_list("referrals", "concern_types")
        self.indicator_codes = self._indicators_by_concern()
        self.indicators_version = code_list("referrals", "indicators").version
        self.urgency = code_list("referrals", "urgency")
        self.intervention_labels = code_list("cases", "interventions")
        self.outcome_labels = code_list("cases", "outcomes")
        self.agency_ids = {key: a.id for key, a in partnership.agencies.items()}
        self.agency_names: dict[Any, str] = {a.id: a.name for a in partnership.agencies.values()}

    def _indicators_by_concern(self) -> dict[str, list[str]]:
        by_group: dict[str, list[str]] = {}
        for c in code_list("referrals", "indicators").codes:
            by_group.setdefault(str(c.get("group", "")), []).append(c.code)
        return {
            c.code: [i for g in c.get("indicator_groups", []) for i in by_group.get(g, [])]
            for c in self.concern_labels.codes
        }

    def take(self) -> Rows:
        rows = self.rows
        rows.persons, rows.aliases = self.people.take_rows()
        self.rows = Rows()
        return rows

    # -- helpers --------------------------------------------------------------------------

    def user(self, username: str) -> User:
        return self.p.users[username]

    def address(self, *, social: bool, cuckooing: bool = False) -> AddressRef:
        rng = self.rng
        ward = rng.choices(range(len(self.ward_weights)), weights=self.ward_weights)[0]
        chosen = self._pick(rng, ward, social)
        if cuckooing and self.hotspot is not None:
            hot, share, hot_rng = self.hotspot
            if hot_rng.random() < share:
                return self._pick(hot_rng, hot, social)
        return chosen

    def _pick(self, rng: random.Random, ward: int, social: bool) -> AddressRef:
        pool = self.borough.social_by_ward[ward] if social else self.borough.by_ward[ward]
        if not pool:
            pool = self.borough.by_ward[ward]
        return rng.choice(pool)

    def transition_dates(self, person: PersonRef, plan: CasePlan) -> dict[str, Any]:
        """A link's transition days as the model writes them (decision 0123)."""
        if plan.status == CaseStatus.CLOSED:
            return {}
        dates = transition_dates(person.date_of_birth, opened_on(plan.opened_at))
        if dates is None:
            return {}
        return dict(
            transition_opens_on=dates.opens_on,
            transition_due_on=dates.due_on,
            transition_lapses_on=dates.lapses_on,
        )

    def age_at(self, person: PersonRef, when: datetime) -> int:
        if person.date_of_birth:
            dob = person.date_of_birth
            day = when.astimezone(UK).date()
            return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
        return max(
            0, (person.age_estimate or 0) - (self.today - when.astimezone(UK).date()).days // 365
        )

    def chronology(
        self, case: Row, when: datetime, text: str, author: User | None, note: bool = False
    ) -> None:
        self.rows.chronology.append(
            dict(
                case_id=case["id"],
                occurred_at=when,
                kind="note" if note else "event",
                text=text,
                author_id=author.id if author else None,
                created_at=when,
            )
        )

    # -- cases ----------------------------------------------------------------------------

    def build_case(self, plan: CasePlan) -> None:
        rng, origin = self.rng, plan.origin
        source_id = self.agency_ids[origin.source]
        victim = None
        if rng.random() < self.profile["repeat_victim"]:
            victim = self.people.repeat_victim()
            if victim is not None and (self.age_at(victim, plan.opened_at) < 18) != plan.child:
                victim = None
        if victim is None:
            victim = self.people.victim(
                child=plan.child,
                concerns=plan.concerns,
                when=origin.submitted_at,
                agency_id=source_id,
            )
        cuckooing = "cuckooing" in plan.concerns
        home = self.address(social=cuckooing and rng.random() < 0.8, cuckooing=cuckooing)
        count = int(weighted(rng, self.profile["exploiters_per_case"]))
        if plan.child and count == 0:
            count = 1
        exploiters: list[PersonRef] = []
        for _ in range(count):
            suspect = self.people.exploiter(when=origin.submitted_at, agency_id=source_id)
            if suspect.id != victim.id and suspect not in exploiters:
                exploiters.append(suspect)
        associates = (
            [self.people.associate(when=origin.submitted_at, agency_id=source_id)]
            if rng.random() < 0.25
            else []
        )
        lead_key = weighted(
            rng,
            self.profile["lead_agency_child" if plan.child else "lead_agency_adult"],
        )
        if lead_key == "csc" and not CSC_ROUTED & set(plan.concerns):
            lead_key = "hub"
        lead_worker = self.user(weighted(rng, LEAD_WORKERS[lead_key]))
        age = self.age_at(victim, plan.opened_at)
        concern = plan.concerns[0]
        case = dict(
            id=new_id(rng),
            reference=format_reference("CASE", plan.number),
            summary=texts.CASE_SUMMARIES[concern].format(
                name=victim.display_name, age=age, address=f"{home.line1}, {home.postcode}"
            ),
            status=plan.status,
            lead_agency_id=self.agency_ids[lead_key],
            lead_worker_id=lead_worker.id,
            concern_types=list(plan.concerns),
            opened_at=plan.opened_at,
            closed_at=plan.closed_at,
            outcomes=list(plan.outcomes),
            resolution=plan.resolution,
            created_at=plan.opened_at,
        )
        if plan.closed_at:
            case["closing_summary"] = " ".join(
                [texts.OUTCOME_SENTENCES[o] for o in plan.outcomes]
                + [texts.RESOLUTION_SENTENCES[plan.resolution]]
            )
        self.rows.cases.append(case)

        victim_role = "person_at_risk" if plan.child and rng.random() < 0.4 else "victim"
        links = [(victim, victim_role)] + [(e, "suspected_exploiter") for e in exploiters]
        links += [(a, "associate") for a in associates]
        if rng.random() < 0.01:
            links.append((victim, "suspected_exploiter"))  # victim and suspect at once
        for person, role in links:
            self.rows.case_subjects.append(
                dict(
                    case_id=case["id"],
                    person_id=person.id,
                    role=role,
                    created_at=plan.opened_at,
                    # The transition alert's days, as the model writes them (decision 0123).
                    **self.transition_dates(person, plan),
                )
            )
        addresses = [(home, "Home of the person at risk")]
        if rng.random() < 0.15:
            addresses.append((self.address(social=True), "Address linked to a suspected exploiter"))
        linked: set[Any] = set()
        for ref, description in addresses:
            if ref.id not in linked:
                linked.add(ref.id)
                self.rows.case_addresses.append(
                    dict(
                        case_id=case["id"],
                        address_id=ref.id,
                        description=description,
                        created_at=plan.opened_at,
                    )
                )

        # The referral that opened it, and any merged into it later.
        decider = lead_worker if lead_key in TRIAGERS else self.user(weighted(rng, TRIAGERS["hub"]))
        referral_subjects = [(victim, victim_role)]
        if exploiters and rng.random() < 0.6:
            referral_subjects.append((exploiters[0], "suspected_exploiter"))
        self.build_referral(
            origin, subjects=referral_subjects, address=home, case=case, decider=decider
        )
        self.chronology(
            case,
            origin.submitted_at,
            f"Referral {format_reference('REF', origin.number)} from "
            f"{self.agency_names[self.agency_ids[origin.source]]}: "
            + ", ".join(self.concern_labels.label(c) for c in plan.concerns),
            None,
        )
        self.chronology(
            case,
            plan.opened_at,
            f"Case opened from referral {format_reference('REF', origin.number)} by "
            f"{decider} ({self.agency_names[decider.agency_id]})",
            decider,
        )
        if lead_key not in TRIAGERS:
            self.chronology(
                case,
                plan.opened_at + timedelta(days=1),
                f"Lead passed to {self.agency_names[self.agency_ids[lead_key]]} ({lead_worker})",
                decider,
            )
        for merged in plan.merged:
            self.build_referral(
                merged,
                subjects=[(victim, victim_role)],
                address=home,
                case=case,
                decider=lead_worker,
            )
            self.chronology(
                case,
                merged.decided_at or merged.submitted_at,
                f"Referral {format_reference('REF', merged.number)} added to the case "
                f"by {lead_worker}",
                lead_worker,
            )

        team_users = [lead_worker]
        team_agencies: list[str] = []
        if lead_key == "hub" and rng.random() < 0.25:
            other = self.user(rng.choice(["hub.caseworker", "hub.caseworker2", "hub.caseworker3"]))
            if other not in team_users:
                team_users.append(other)
        if origin.source not in (lead_key, "outsider") and rng.random() < 0.6:
            team_agencies.append(origin.source)
        if plan.child and lead_key != "csc":
            team_agencies.append("csc")

        interventions = self.build_interventions(plan, case, home, lead_worker, lead_key)
        owners = {i["owner_id"] for i in interventions}
        police_involved = (
            any(i["type"] in POLICE_INTERVENTIONS for i in interventions) or rng.random() < 0.35
        )
        if police_involved:
            team_agencies.append("police")
            if rng.random() < 0.5:
                team_users.append(self.user("police.caseworker"))
        for user in self.p.users.values():
            if user.id in owners and user.agency_id != case["lead_agency_id"]:
                team_agencies.append(
                    next(k for k, v in self.agency_ids.items() if v == user.agency_id)
                )
        seen_users: set[Any] = set()
        for user in team_users:
            if user.id not in seen_users:
                seen_users.add(user.id)
                self.rows.team_users.append(
                    dict(case_id=case["id"], user_id=user.id, created_at=plan.opened_at)
                )
        seen_agencies: set[Any] = {case["lead_agency_id"]}
        for key in team_agencies:
            agency_id = self.agency_ids[key]
            if agency_id not in seen_agencies and key != "outsider":
                seen_agencies.add(agency_id)
                self.rows.team_agencies.append(
                    dict(case_id=case["id"], agency_id=agency_id, created_at=plan.opened_at)
                )

        self.build_assessments(plan, case, victim, lead_worker)
        end = plan.closed_at or self.now
        for _ in range(rng.choice((0, 1, 1, 2))):
            when = plan.opened_at + (end - plan.opened_at) * rng.uniform(0.05, 0.95)
            self.chronology(case, when, rng.choice(texts.NOTES), lead_worker, note=True)
        if plan.status == "monitoring":
            when = plan.opened_at + (self.now - plan.opened_at) * rng.uniform(0.5, 0.95)
            self.chronology(case, when, "Status changed to monitoring", lead_worker)
        if plan.closed_at:
            self.chronology(
                case,
                plan.closed_at,
                "Case closed: "
                + ", ".join(self.outcome_labels.label(o) for o in plan.outcomes)
                + f". {texts.RESOLUTION_SENTENCES[plan.resolution]}",
                lead_worker,
            )

    def _owner(self, kind: str, home: AddressRef, lead_worker: User, child: bool) -> User:
        if kind in POLICE_INTERVENTIONS:
            if kind == "cpw" and self.rng.random() < 0.3:
                return self.user("housing.caseworker")
            return self.user("police.caseworker")
        if kind in ("target_hardening", "move"):
            if home.tenure == "council":
                return self.user("housing.caseworker")
            if home.tenure == "housing_association":
                return self.user("ha.referrer")
            return lead_worker
        if kind == "substance_misuse_referral":
            return self.user("recovery.referrer")
        if kind == "safety_plan" and child:
            return self.user("csc.caseworker")
        return lead_worker

    def build_interventions(
        self, plan: CasePlan, case: Row, home: AddressRef, lead_worker: User, lead_key: str
    ) -> list[Row]:
        rng = self.rng
        kinds: list[str] = []
        for outcome in plan.outcomes:
            for kind in OUTCOME_INTERVENTIONS.get(outcome, ()):
                if kind == "cpn" and rng.random() < 0.6:
                    continue
                kinds.append(kind)
        if not plan.child and rng.random() < 0.4:
            kinds.append("substance_misuse_referral")
        if plan.child and rng.random() < 0.7:
            kinds.append("safety_plan")
        if plan.status != "closed":
            for _ in range(rng.randint(0, 2)):
                kinds.append(
                    rng.choice(
                        ["target_hardening", "wraparound_support", "warning", "cpw", "safety_plan"]
                    )
                )
        end = plan.closed_at or self.now
        span = max(timedelta(days=1), end - plan.opened_at)
        made: list[Row] = []
        for kind in dict.fromkeys(kinds):
            owner = self._owner(kind, home, lead_worker, plan.child)
            starts = (plan.opened_at + span * rng.uniform(0.0, 0.6)).astimezone(UK).date()
            due = starts + timedelta(days=rng.choice((14, 28, 42, 56)))
            completed: date | None = None
            if plan.closed_at:
                status = "cancelled" if rng.random() < 0.05 else "completed"
                if status == "completed":
                    completed = min(due, plan.closed_at.astimezone(UK).date())
            else:
                status = "in_progress" if starts <= self.today - timedelta(days=3) else "planned"
            made.append(
                dict(
                    case_id=case["id"],
                    type=kind,
                    owner_id=owner.id,
                    owner_agency_id=owner.agency_id,
                    starts_on=starts,
                    due_on=due,
                    completed_on=completed,
                    status=status,
                    created_at=plan.opened_at + span * rng.uniform(0.0, 0.1),
                )
            )
            self.chronology(
                case,
                plan.opened_at + span * rng.uniform(0.0, 0.6),
                f"Intervention added: {self.intervention_labels.label(kind)} (owner {owner})",
                lead_worker,
            )
        self.rows.interventions.extend(made)
        return made

    def build_assessments(
        self, plan: CasePlan, case: Row, victim: PersonRef, lead_worker: User
    ) -> None:
        rng = self.rng
        kind = "child" if self.age_at(victim, plan.opened_at) < 18 else "adult"
        instrument = self.instruments.get(kind) or self.instruments.get("any")
        if instrument is None:
            return
        severity = rng.betavariate(2.4, 2.2)
        end = plan.closed_at or self.now
        moments = [("initial", plan.opened_at + timedelta(hours=rng.randint(2, 72)), severity)]
        if end - plan.opened_at > timedelta(days=56):
            moments.append(
                (
                    "review",
                    plan.opened_at + (end - plan.opened_at) / 2,
                    min(1.0, max(0.0, severity + rng.uniform(-0.2, 0.15))),
                )
            )
        if plan.closed_at:
            factor = 0.45 if plan.resolution == "positively_resolved" else 0.9
            moments.append(
                ("final", plan.closed_at - timedelta(hours=rng.randint(1, 48)), severity * factor)
            )
        previous: int | None = None
        latest: Row | None = None
        for stage, when, level in moments:
            when = min(when, end)
            judgement = rng.choice((-4, -3, 3, 5)) if rng.random() < 0.08 else 0
            scored = answer(rng, instrument, level, judgement=judgement)
            if previous is None:
                trend = "first"
            elif scored.overall_score > previous:
                trend = "increased"
            elif scored.overall_score < previous:
                trend = "decreased"
            else:
                trend = "same"
            previous = scored.overall_score
            latest = dict(
                id=new_id(rng),
                case_id=case["id"],
                person_id=victim.id,
                instrument=instrument.code,
                instrument_version=instrument.version,
                stage=stage,
                answers=scored.answers,
                item_scores=scored.item_scores,
                assessment_score=scored.assessment_score,
                judgement_adjustment=scored.judgement_adjustment,
                judgement_reason=rng.choice(texts.JUDGEMENT_REASONS)
                if scored.judgement_adjustment
                else "",
                overall_score=scored.overall_score,
                band=scored.band.code,
                trend=trend,
                next_review_on=when.astimezone(UK).date() + timedelta(days=scored.band.review_days),
                assessed_by_id=lead_worker.id,
                assessed_at=when,
                created_at=when,
            )
            self.rows.assessments.append(latest)
            self.chronology(
                case,
                when,
                f"Risk assessed ({stage}): {scored.band.code}, score {scored.overall_score}",
                lead_worker,
            )
        if latest is not None:
            case["risk_band"] = latest["band"]
            case["risk_score"] = latest["overall_score"]
            case["next_review_on"] = None if plan.closed_at else latest["next_review_on"]

    # -- referrals ------------------------------------------------------------------------

    def build_other_referral(self, plan: ReferralPlan) -> None:
        rng = self.rng
        source_id = self.agency_ids[plan.source]
        person = self.people.at_risk(
            child=plan.child, concerns=plan.concerns, when=plan.submitted_at, agency_id=source_id
        )
        subjects = [(person, "person_at_risk" if plan.child else "victim")]
        if rng.random() < 0.3:
            subjects.append(
                (
                    self.people.exploiter(when=plan.submitted_at, agency_id=source_id),
                    "suspected_exploiter",
                )
            )
        cuckooing = "cuckooing" in plan.concerns
        address = (
            None
            if rng.random() < 0.05
            else self.address(social=rng.random() < 0.5, cuckooing=cuckooing)
        )
        triager_key = "csc" if CSC_ROUTED & set(plan.concerns) and rng.random() < 0.4 else "hub"
        decider = self.user(weighted(rng, TRIAGERS[triager_key]))
        self.build_referral(plan, subjects=subjects, address=address, case=None, decider=decider)

    def build_referral(
        self,
        plan: ReferralPlan,
        *,
        subjects: list[tuple[PersonRef, str]],
        address: AddressRef | None,
        case: Row | None,
        decider: User,
    ) -> Row:
        rng = self.rng
        referrer = self.p.referrer(plan.source)
        urgency = weighted(rng, self.profile["urgency"])
        pool = sorted({i for c in plan.concerns for i in self.indicator_codes.get(c, [])})
        signs = rng.sample(pool, k=min(len(pool), rng.randint(2, 6))) if pool else []
        lawful = weighted(rng, LAWFUL_BASES)
        if plan.source == "police" and rng.random() < 0.6:
            lawful = "law_enforcement_part3"
        consent = weighted(
            rng,
            {"not_sought": 60, "refused": 20}
            if plan.child
            else {"given": 45, "not_sought": 35, "refused": 20},
        )
        reason = ""
        if consent != "given":
            reason = (
                "would_prejudice"
                if consent == "refused"
                else weighted(
                    rng, {"would_prejudice": 50, "cannot_reasonably_obtain": 35, "cannot_give": 15}
                )
            )
        referral = dict(
            id=new_id(rng),
            reference=format_reference("REF", plan.number),
            status=plan.kind,
            referrer_id=referrer.id,
            referrer_agency_id=referrer.agency_id,
            referrer_phone=referrer.phone,
            referrer_job_title=referrer.job_title,
            concern_types=list(plan.concerns),
            indicators=signs,
            indicators_version=self.indicators_version,
            signs_text=rng.choice(texts.SIGNS[plan.concerns[0]]),
            urgency=urgency,
            urgency_rank=int(self.urgency.get(urgency)["rank"]),
            lawful_basis=lawful,
            consent=consent,
            consent_reason=reason,
            submitted_at=plan.submitted_at,
            triage_due_at=end_of_working_day_deadline(plan.submitted_at, 5),
            created_at=plan.submitted_at - timedelta(minutes=rng.randint(4, 40)),
            case_id=case["id"] if case else None,
        )
        if address is None:
            referral["address_not_known"] = True
            referral["address_not_known_reason"] = texts.UNKNOWN_ADDRESS_REASON
        else:
            referral["address_id"] = address.id
            referral["address_line1"] = address.line1
            referral["address_line2"] = address.line2
            referral["address_town"] = "Northbrook"
            referral["address_postcode"] = address.postcode
        if plan.decided_at is not None:
            referral["decided_at"] = plan.decided_at
            referral["decided_by_id"] = decider.id
            referral["decision"] = {
                "accepted": "accept",
                "merged": "merge",
                "declined": "decline",
                "redirected": "redirect",
            }[plan.kind]
            if plan.kind == "declined":
                code = weighted(rng, DECLINE_WEIGHTS)
                referral["decision_reason_code"] = code
                referral["decision_reason"] = texts.DECLINE_REASONS[code]
            elif plan.kind == "redirected":
                target = weighted(
                    rng,
                    self.profile[
                        "redirect_targets_child" if plan.child else "redirect_targets_adult"
                    ],
                )
                referral["redirect_to"] = target
                referral["decision_reason"] = texts.REDIRECT_REASONS[target]
            elif plan.kind == "merged":
                referral["decision_reason"] = "Same person and address as an open case"
            seen = plan.decided_at + timedelta(hours=rng.randint(2, 120))
            if rng.random() < 0.85 and seen < self.now:
                referral["outcome_seen_at"] = seen
        self.rows.referrals.append(referral)
        for person, role in subjects:
            self.rows.referral_subjects.append(
                dict(
                    referral_id=referral["id"],
                    role=role,
                    given_name=person.given_name,
                    family_name=person.family_name,
                    aliases=person.aliases,
                    date_of_birth=person.date_of_birth,
                    age_estimate=None
                    if person.date_of_birth
                    else self.age_at(person, plan.submitted_at),
                    identity_unknown=person.identity_unknown,
                    description=person.description,
                    person_id=person.id,
                    created_at=referral["created_at"],
                )
            )
        routed = ["hub"] + (["csc"] if CSC_ROUTED & set(plan.concerns) else [])
        for key in routed:
            self.rows.triage_links.append(
                dict(referral_id=referral["id"], agency_id=self.agency_ids[key])
            )
        return referral
