import pytest

from tests.factories import AddressFactory


@pytest.fixture
def register(db):  # type: ignore[no-untyped-def]
    """A small address register: a house, a flat in it, its neighbour, and a house elsewhere.
    (The in-memory address index needs no reset: it notices the register has changed.)"""
    AddressFactory(uprn="100000000001", line1="14 Canal Street", postcode="NB1 2AB")
    AddressFactory(uprn="100000000002", line1="Flat 2, 14 Canal Street", postcode="NB1 2AB")
    AddressFactory(uprn="100000000003", line1="16 Canal Street", postcode="NB1 2AB")
    AddressFactory(uprn="100000000004", line1="3 Mill Lane", postcode="NB2 4CD")
