"""The network's test world (see world.py)."""

from __future__ import annotations

import pytest

from conftest import Personas
from nestguard.network.tests.world import NetWorld, build_world


@pytest.fixture
def net(personas: Personas) -> NetWorld:
    return build_world(personas)
