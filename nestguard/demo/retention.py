"""The demo borough's retention officers (issue 15): two data protection officers at the
hub, so that a batch about children can be approved twice, and the first night's listing
of what the borough's history holds past its retention period (nothing is disposed of)."""

from __future__ import annotations

from nestguard.accounts.services import user_create
from nestguard.demo.partnership import DEMO_PASSWORD, Partnership, totp_secret_for
from nestguard.retention.services.batches import batches_build

OFFICERS = (
    ("dpo.hub", "Morwenna", "Achterberg", "Data protection officer"),
    ("dpo.deputy", "Ifeoluwa", "Brandreth", "Deputy data protection officer"),
)


def seed_retention(*, partnership: Partnership) -> dict[str, int]:
    hub = partnership.agencies["hub"]
    for username, first, last, title in OFFICERS:
        user = user_create(
            actor=None,
            username=username,
            agency=hub,
            roles=["data_protection_officer"],
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@northbrook.example",
            job_title=title,
            totp_secret=totp_secret_for(username),
        )
        partnership.users[username] = user
    batches = batches_build()
    return {"disposal_batches": len(batches), "disposal_listed": sum(b.item_count for b in batches)}
