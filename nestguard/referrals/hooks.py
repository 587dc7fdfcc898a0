"""What other apps do as a referral is submitted, registered by them
(docs/decisions/0042-address-matching-on-arrival.md, in the style of decision 0007).

The apps that build on referrals (the person index matches a referral's address to the
register) sit above this app, which must not import them. Each registers a hook once, from
its AppConfig `ready()`::

    from nestguard.referrals.hooks import register_submit_hook

    def _match_address(*, actor, referral):
        ...  # write what the app derives from the referral, through its own services

    register_submit_hook("linkage.address_match", "Match the address", _match_address)

`referral_submit` runs every hook inside its own transaction, after the referral is saved and
audited, so that what a hook writes is committed with the referral or not at all. A hook only
derives something from the referral: each runs in a savepoint of its own, and one that fails
is logged and undone while the referral is still sent. A report of exploitation must never be
lost to a failure in work that can be done again later (the batch linkage run matches any
address still without a match).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import transaction

from nestguard.referrals.models import Referral

log = logging.getLogger(__name__)


class SubmitHook(Protocol):
    def __call__(self, *, actor: Any, referral: Referral) -> None: ...


@dataclass(frozen=True)
class RegisteredHook:
    code: str
    label: str
    run: SubmitHook


_HOOKS: dict[str, RegisteredHook] = {}


def register_submit_hook(code: str, label: str, run: SubmitHook) -> None:
    if code in _HOOKS and _HOOKS[code].run is not run:
        raise ValueError(f"submit hook {code!r} is registered twice")
    _HOOKS[code] = RegisteredHook(code, label, run)


def submit_hooks() -> list[RegisteredHook]:
    """In a fixed order (by code), so that a submission does the same thing every time."""
    return sorted(_HOOKS.values(), key=lambda hook: hook.code)


def run_submit_hooks(*, actor: Any, referral: Referral) -> list[str]:
    """Run every hook for a referral just submitted; returns the codes of those that failed.
    Call inside the submitting transaction."""
    failed: list[str] = []
    for hook in submit_hooks():
        try:
            with transaction.atomic():  # a savepoint: a failing hook undoes only its own writes
                hook.run(actor=actor, referral=referral)
        except Exception:
            log.exception("submit hook %s failed for referral %s", hook.code, referral.pk)
            failed.append(hook.code)
    return failed
