"""Fixtures of the referrals tests."""

from __future__ import annotations

import pytest

from nestguard.accounts.services import api_token_create
from nestguard.referrals.tests.test_api import Api


@pytest.fixture
def api_for(personas):  # type: ignore[no-untyped-def]
    """An API client with a token of the named persona."""

    def make(name: str) -> Api:
        _, plain = api_token_create(actor=None, user=personas.all()[name])
        return Api(plain)

    return make
