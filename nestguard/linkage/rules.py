"""Who reaches the person index pages (the coarse gates; the selectors decide records)."""

from nestguard.access.rules import REFERRING, roles
from nestguard.accounts.models import Role

# Data officers: import their agency's records, work the review queues, undo links.
REVIEWING = roles(Role.LINKAGE_REVIEWER)
# Starting and watching batch runs: reviewers and administrators (counts, no names).
RUNNING = roles(Role.LINKAGE_REVIEWER, Role.ADMIN)
# Looking up who already knows a person: whoever may make a referral, and reviewers.
LOOKING_UP = roles(*REFERRING.any_of_roles, Role.LINKAGE_REVIEWER)
# Sending source records by the API: a partner system's account.
SENDING = roles(Role.CASEWORKER, Role.SUPERVISOR, Role.LINKAGE_REVIEWER)
# Told WHICH agencies know a person a lookup finds, whom to contact there and how the fields
# compared (for the agencies their agency shares an active agreement with): the triage team
# (caseworkers and supervisors) and linkage reviewers. A referrer is told only whether the
# person may be known, and whom to ask at the hub (docs/decisions/0072).
SEEING_WHO_KNOWS = roles(Role.CASEWORKER, Role.SUPERVISOR, Role.LINKAGE_REVIEWER)
