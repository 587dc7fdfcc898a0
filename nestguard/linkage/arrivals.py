"""What the person index does as referrals arrive, registered with the referrals app at
start-up (imported from `LinkageConfig.ready`; docs/decisions/0042).

The referrals app sits below this one and may not import it, so it offers a registry of
hooks run when a referral is submitted; the person index uses it to match the referral's
address to the register straight away instead of at the next linkage run.
"""

from __future__ import annotations

from typing import Any

from nestguard.linkage import address_index
from nestguard.linkage.services.addresses import addresses_catch_up, referral_address_match
from nestguard.referrals.hooks import register_submit_hook
from nestguard.referrals.models import Referral


def _match_referral_address(*, actor: Any, referral: Referral) -> None:
    referral_address_match(actor=actor, referral=referral)


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
