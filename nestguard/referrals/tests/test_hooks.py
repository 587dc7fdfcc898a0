"""Hooks other apps register to act on a referral as it is submitted (decision 0042): run
in the submitting transaction, in order, and never a reason to lose the referral."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conftest import Personas
from nestguard.audit.models import AuditEvent
from nestguard.audit.services import audit_record
from nestguard.referrals import hooks, services
from nestguard.referrals.models import Referral, ReferralStatus
from nestguard.referrals.tests.helpers import complete_draft, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_hook() -> Iterator[Callable[[str, hooks.SubmitHook], None]]:
    """Register hooks for one test through the public registry; remove them afterwards."""
    added: list[str] = []

    def add(code: str, run: hooks.SubmitHook) -> None:
        hooks.register_submit_hook(code, f"Test hook {code}", run)
        added.append(code)

    yield add
    for code in added:
        hooks._HOOKS.pop(code, None)


def test_hooks_run_in_order_inside_the_submission(personas: Personas, extra_hook) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, str]] = []

    def first(*, actor: Any, referral: Referral) -> None:
        seen.append(("aa", Referral.objects.get(pk=referral.pk).status))

    def last(*, actor: Any, referral: Referral) -> None:
        seen.append(("zz", referral.status))

    extra_hook("zz.test", last)
    extra_hook("aa.test", first)
    submitted(personas.referrer)
    # Both ran, in code order, after the referral was saved as submitted.
    assert seen == [("aa", ReferralStatus.SUBMITTED), ("zz", ReferralStatus.SUBMITTED)]


def test_a_failing_hook_is_undone_and_the_referral_still_sent(
    personas: Personas, extra_hook, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    later: list[Any] = []

    def failing(*, actor: Any, referral: Referral) -> None:
        audit_record(actor=actor, action="referral.view", obj=referral, purpose="Hook write")
        raise RuntimeError("a hook that fails")

    def after(*, actor: Any, referral: Referral) -> None:
        later.append(referral.pk)

    extra_hook("aa.failing", failing)
    extra_hook("zz.after", after)
    draft = complete_draft(personas.referrer)
    with caplog.at_level(logging.ERROR, logger="nestguard.referrals.hooks"):
        referral = services.referral_submit(actor=personas.referrer, referral=draft)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SUBMITTED
    assert AuditEvent.objects.filter(action="referral.submit", object_id=str(draft.pk)).exists()
    assert not AuditEvent.objects.filter(purpose="Hook write").exists()  # its write undone
    assert later == [referral.pk]  # the hooks after it still ran
    assert "aa.failing" in caplog.text


def test_a_code_is_registered_once() -> None:
    def one(*, actor: Any, referral: Referral) -> None:
        return None

    def other(*, actor: Any, referral: Referral) -> None:
        return None

    try:
        hooks.register_submit_hook("test.once", "Once", one)
        hooks.register_submit_hook("test.once", "Once", one)  # the same again: harmless
        with pytest.raises(ValueError, match="registered twice"):
            hooks.register_submit_hook("test.once", "Other", other)
    finally:
        hooks._HOOKS.pop("test.once", None)
