"""The retention period the record of processing shows for each record class.

THE HOOK: the retention schedule (nestguard/retention/, built in parallel) owns the periods.
After merging, point `retention_period_for` at it (one function's body); until then the
record of processing says "See the retention schedule" rather than inventing a period.
"""

from __future__ import annotations

NOT_KNOWN_HERE = "See the retention schedule"


def retention_period_for(model_label: str) -> str | None:
    """The retention period of a record class (`app_label.Model`) in words, or None while the
    schedule does not say. HOOK: replace this body with a call to the retention schedule."""
    return None


def retention_text(model_label: str) -> str:
    return retention_period_for(model_label) or NOT_KNOWN_HERE
