"""The access rules of the intelligence pages and endpoints (which records: the policy's)."""

from __future__ import annotations

from nestguard.access.rules import roles
from nestguard.accounts.models import Role

# Any practitioner submits: those who refer, work cases, chair panels or handle intelligence.
SUBMITTING = roles(
    Role.REFERRER, Role.CASEWORKER, Role.SUPERVISOR, Role.PANEL_CHAIR, Role.INTELLIGENCE_OFFICER
)
# The intelligence function's officers grade, sanitise, check and share.
GRADING = roles(Role.INTELLIGENCE_OFFICER)
# Who at an agency reads the sanitised versions shared with it.
RECEIVING = roles(Role.CASEWORKER, Role.SUPERVISOR, Role.INTELLIGENCE_OFFICER)
