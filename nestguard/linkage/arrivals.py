"""What the person index does as referrals arrive, registered with the referrals app at
start-up (imported from `LinkageConfig.ready`; docs/decisions/0042).

The referrals app sits below this one and may not import it, so it offers a registry of
hooks run when a referral is submitted; the person index uses it to match the referral's
address to the register straight away instead of at the next linkage run.
"""

from __future__ import annotations

import time
from typing import Any

from nestguard.linkage import address_index
from nestguard.linkage.models import AddressMatch
from nestguard.linkage.services.addresses import (
    addresses_catch_up,
    referral_address_match,
    referral_has_address,
)
from nestguard.referrals.hooks import register_submit_hook
from nestguard.referrals.models import Referral

# A process asks the worker for the index and the catch-up at most this often while it warms.
_ASK_EVERY_SECONDS = 60.0
_asked_at = -_ASK_EVERY_SECONDS


def _match_referral_address(*, actor: Any, referral: Referral) -> None:
    match = referral_address_match(actor=actor, referral=referral)
    waiting = match is None and address_index.background() and referral_has_address(referral)
    if waiting and not AddressMatch.objects.filter(referral=referral).exists():
        _ask_the_worker()


def _ask_the_worker() -> None:
    """The index was not ready: the referral is sent unmatched, and the job queue builds the
    index and matches it (queued with the referral: only if it commits), besides this
    process's own build, so that a restart cannot lose the match (decision 0081)."""
    global _asked_at
    now = time.monotonic()
    if now - _asked_at < _ASK_EVERY_SECONDS:
        return
    _asked_at = now
    from nestguard.jobs import enqueue

    enqueue("linkage.build_address_index")


register_submit_hook(
    "linkage.address_match",
    "Match the referral's address to the address register",
    _match_referral_address,
)


def _catch_up() -> None:
    """When the address index is ready, match what arrived while it was being built."""
    counts = addresses_catch_up()
    if counts:
        address_index.log.info("Addresses matched after the index was built: %s", counts)


if _catch_up not in address_index.after_build:
    address_index.after_build.append(_catch_up)
