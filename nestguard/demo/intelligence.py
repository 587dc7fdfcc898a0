"""Partner intelligence in the demo borough (decision 0097), through the services.

The police are the intelligence function, with two intelligence officers of the demo
partnership (`police.intel` grades and sanitises, `police.intel2` checks). Partners'
practitioners have sent reports: some wait to be graded (the queue and its clock), others
are graded at various 3x5x2 grades, sanitised, checked and shared with the hub and
children's social care; one code C report excludes the housing association; one sanitised
version waits for its second check. Synthetic throughout: names are invented, phones are
Ofcom's drama landline ranges.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from nestguard.demo.partnership import Partnership
from nestguard.intelligence.models import SanitisedVersion
from nestguard.intelligence.services.reports import (
    intelligence_function_set,
    intelligence_report_grade,
    intelligence_report_submit,
)
from nestguard.intelligence.services.sanitise import (
    sanitised_version_check,
    sanitised_version_share,
    sanitised_version_write,
)
from nestguard.intelligence.services.subjects import SubjectIn

# (submitter, days ago it happened, what, how known, detail, subjects, grade or None,
#  sanitised text, share with)
REPORTS: tuple[tuple[Any, ...], ...] = (
    ("school.referrer", 3,
     "A Year 10 pupil has new trainers and two phones and was collected after school by an "
     "older man in a grey hatchback.",
     "seen", "I saw it at the school gate on two afternoons.",
     [SubjectIn("person", "Year 10 pupil, about 15"), SubjectIn("vehicle", "NB19 XKT"),
      SubjectIn("phone", "0113 496 0101")],
     ("1", "A", "P", ""),
     "A school-age child has been seen being collected by an older man in a grey hatchback "
     "(NB19 XKT) on more than one afternoon, with new possessions.",
     ("hub", "csc")),
    ("housing.referrer", 6,
     "Neighbours at Weaver Court say a tenant's flat has had visitors through the night and "
     "the tenant, who has learning disabilities, now sleeps at his sister's.",
     "told_by_third_party", "Two neighbours told me separately on my estate walkabout.",
     [SubjectIn("address", "Flat 6, Weaver Court, Northbrook"),
      SubjectIn("phone", "020 7946 0202")],
     ("2", "B", "C", "Share only with agencies supporting the tenant; do not approach the "
      "address without police liaison."),
     "A vulnerable tenant at Weaver Court may have lost control of his flat to visitors at "
     "night. Police liaison before any visit.",
     ("hub",)),
    ("health.referrer", 9,
     "A patient said she is 'minding' a phone for a friend's cousin and is paid in drugs.",
     "told_by_subject", "",
     [SubjectIn("phone", "0113 496 0303"), SubjectIn("text", "Known as 'Tiny' online")],
     ("2", "C", "P", ""),
     "An adult at risk reports holding a phone for someone else and being paid in drugs; "
     "the line is linked to the user name 'Tiny'.",
     ("hub", "csc")),
    ("ha.referrer", 12,
     "A van is parked outside 14 Mill Lane every Thursday evening; people come and go.",
     "seen", "",
     [SubjectIn("vehicle", "BD51 SMR"), SubjectIn("address", "14 Mill Lane, Northbrook")],
     ("3", "D", "P", ""),
     None, ()),
    ("yjs.referrer", 1,
     "A young person on my caseload mentioned a 'line' called the Dover line and a flat in "
     "the town centre.",
     "told_by_subject", "During a supervision session.",
     [SubjectIn("text", "The 'Dover line'")],
     None, None, ()),
    ("police.referrer", 0,
     "Patrols saw three young people leave a flat above the shops on Market Street at 2am.",
     "seen", "", [SubjectIn("address", "Market Street, Northbrook (flat above the shops)")],
     None, None, ()),
    ("school2.referrer", 2,
     "Parents say an older pupil is recruiting younger ones on a messaging app.",
     "told_by_third_party", "Two parents at a meeting.",
     [SubjectIn("text", "A group chat called 'Opps'")],
     ("2", "C", "P", ""),
     "Younger pupils may be being recruited through a group chat ('Opps').",
     "check"),
)  # fmt: skip


def seed_intelligence(*, partnership: Partnership, today: date) -> dict[str, int]:
    intelligence_function_set(actor=None, agency=partnership.agencies["police"], second_check=True)
    grader = partnership.users["police.intel"]
    checker = partnership.users["police.intel2"]
    excluded = [partnership.agencies["ha"]]
    reports = versions = shares = 0
    for who, days, what, how, detail, subjects, grade, text, share_with in REPORTS:
        report = intelligence_report_submit(
            actor=partnership.users[who], observed_on=today - timedelta(days=days), what=what,
            how_known=how, how_known_detail=detail, subjects=subjects,
        )  # fmt: skip
        reports += 1
        if grade is None:
            continue
        source, assessment, handling, conditions = grade
        report = intelligence_report_grade(
            actor=grader, report=report, source_evaluation=source,
            intelligence_assessment=assessment, handling_code=handling,
            handling_conditions=conditions, excluded_agencies=excluded if handling == "C" else [],
        )  # fmt: skip
        if text is None:
            continue
        version: SanitisedVersion = sanitised_version_write(
            actor=grader, report=report, text=text,
            keep_subjects=[s.pk for s in report.subjects.all()],
        )  # fmt: skip
        versions += 1
        if share_with == "check":
            continue  # waits for police.intel2's second check
        version = sanitised_version_check(actor=checker, version=version, passed=True)
        for key in share_with:
            sanitised_version_share(actor=grader, version=version, agency=partnership.agencies[key])
            shares += 1
    return {
        "intelligence_reports": reports,
        "sanitised_versions": versions,
        "intelligence_shares": shares,
    }
