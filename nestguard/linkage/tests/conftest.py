import pytest

from nestguard.linkage.matching import forget_index


@pytest.fixture(autouse=True)
def fresh_candidate_index():  # type: ignore[no-untyped-def]
    """Each test's database is its own: so is its in-memory candidate index."""
    forget_index()
    yield
    forget_index()
