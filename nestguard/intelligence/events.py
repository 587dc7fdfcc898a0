"""Audit event types of the intelligence app (see nestguard.audit.events)."""

from nestguard.audit.events import register

register("intelligence.submit", "Submitted partner intelligence to the intelligence function")
register(
    "intelligence.view",
    "Viewed an original intelligence report (with its source)",
    reads_personal_data=True,
)
register("intelligence.list", "Listed intelligence reports", reads_personal_data=True)
register("intelligence.grade", "Graded an intelligence report (3x5x2)")
register("intelligence_function.set", "Named the partnership's intelligence function")
register("sanitised.write", "Wrote a sanitised version of an intelligence report")
register("sanitised.check", "Checked a sanitised version (second person)")
register("sanitised.return", "Returned a sanitised version to its writer (not passed)")
register("sanitised.view", "Viewed a sanitised intelligence version", reads_personal_data=True)
register("sanitised.list", "Listed sanitised intelligence versions", reads_personal_data=True)
register("sanitised.share", "Shared a sanitised intelligence version with an agency")
