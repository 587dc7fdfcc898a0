import pytest

from nestguard.enforcement.tests.world import EnforcementWorld, build_world


@pytest.fixture
def eworld(personas) -> EnforcementWorld:  # type: ignore[no-untyped-def]
    return build_world(personas)
