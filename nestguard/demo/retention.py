"""The demo borough's retention (issue 15): the first night's listing of what the borough's
history holds past its retention period (nothing is disposed of). Its two data protection
officers are personas (`demo.partnership`), so that a batch about children can be approved
twice."""

from __future__ import annotations

from nestguard.demo.partnership import Partnership
from nestguard.retention.services.batches import batches_build


def seed_retention(*, partnership: Partnership) -> dict[str, int]:
    """The first night's listing (the officers are personas: `dpo.hub`, `dpo.deputy`)."""
    batches = batches_build()
    return {"disposal_batches": len(batches), "disposal_listed": sum(b.item_count for b in batches)}
