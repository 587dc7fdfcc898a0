"""Who reaches the person index pages (the coarse gates; the selectors decide records)."""

from nestguard.access.rules import REFERRING, roles

# Data officers: import their agency's records, work the review queues, undo links.
REVIEWING = roles("linkage_reviewer")
# Starting and watching batch runs: reviewers and administrators (counts, no names).
RUNNING = roles("linkage_reviewer", "admin")
# Looking up who already knows a person: whoever may make a referral, and reviewers.
LOOKING_UP = roles(*REFERRING.any_of_roles, "linkage_reviewer")
# Sending source records by the API: a partner system's account.
SENDING = roles("caseworker", "supervisor", "linkage_reviewer")
