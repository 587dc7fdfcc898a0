"""Who may see and record enforcement (docs/decisions/0020-who-sees-enforcement.md).

- Enforcement officers are the caseworkers and supervisors of an agency whose type holds an
  enforcement power (police; community safety and council housing for the local authority;
  housing associations as registered housing providers: `agency_bodies` in the ladder data).
  They record steps, with the issuer ranks of their agency's body, and see the steps of their
  own agency and of the agencies it shares an active sharing agreement with.
- Caseworkers and supervisors who may see a case also see the steps linked to that case.
- Nobody else sees enforcement: referrers, analysts, auditors and administrators do not.
"""

from __future__ import annotations

from typing import Any

from nestguard.access.selectors import can_work_cases
from nestguard.enforcement.ladder import Step, ladder


def bodies_of(user: Any) -> tuple[str, ...]:
    agency = getattr(user, "agency", None)
    if agency is None:
        return ()
    return ladder().bodies_for_agency_type(agency.type)


def is_enforcement_officer(user: Any) -> bool:
    return can_work_cases(user) and bool(bodies_of(user))


def issuers_for(user: Any, step: Step) -> list[str]:
    """The issuer ranks of `step` that the user's agency holds."""
    bodies = bodies_of(user)
    rules = ladder()
    return [code for code in step.issuers if rules.issuers[code].body in bodies]
