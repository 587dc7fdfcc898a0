"""The partnership's intelligence rules as data: the code lists of 3x5x2 and who grades.

The intelligence function is the latest `IntelligenceFunction` record (set by an
administrator, `intelligence_function_set`), or else the default of `data/function.json`:
the active police agency, or the hub. Its intelligence officers grade and sanitise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nestguard.accounts.models import Agency, Role
from nestguard.core.codes import CodeList, code_list


def source_evaluations() -> CodeList:
    return code_list("intelligence", "source_evaluations")


def intelligence_assessments() -> CodeList:
    return code_list("intelligence", "intelligence_assessments")


def handling_codes() -> CodeList:
    return code_list("intelligence", "handling_codes")


def how_known() -> CodeList:
    return code_list("intelligence", "how_known")


def subject_kinds() -> CodeList:
    return code_list("intelligence", "subject_kinds")


def _setting(code: str) -> Any:
    return code_list("intelligence", "function").get(code)["value"]


@dataclass(frozen=True)
class Function:
    agency: Agency | None
    second_check: bool


def intelligence_function() -> Function:
    """Who grades now, and whether a second person checks sanitised versions."""
    from nestguard.intelligence.models import IntelligenceFunction

    record = IntelligenceFunction.objects.select_related("agency").first()
    if record is not None:
        agency = record.agency if record.agency.active else None
        return Function(agency, record.second_check)
    default = _setting("grading_agency")
    agencies = Agency.objects.filter(active=True)
    agencies = agencies.filter(is_hub=True) if default == "hub" else agencies.filter(type="police")
    return Function(agencies.order_by("name", "id").first(), bool(_setting("second_check")))


def grading_working_days() -> int:
    return int(_setting("grading_working_days"))


def is_intelligence_officer(user: Any) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.agency_id
        and user.agency.active
        and user.has_role(Role.INTELLIGENCE_OFFICER)
    )


def grades_for(user: Any, function_agency_id: Any) -> bool:
    """Whether `user` is an intelligence officer of the agency that received a report."""
    return is_intelligence_officer(user) and user.agency_id == function_agency_id
