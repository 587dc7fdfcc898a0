"""Postcode normalisation: every valid shape, in any case and spacing, comes back in the
Royal Mail form; anything else comes back as None."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nestguard.places.postcodes import normalise_postcode, postcode_key

LETTERS = st.sampled_from(string.ascii_uppercase)
DIGITS = st.sampled_from(string.digits)

# The outward code shapes: A9, A99, AA9, AA99, A9A, AA9A; the inward code is 9AA.
OUTWARD = st.one_of(
    st.tuples(LETTERS, DIGITS).map("".join),
    st.tuples(LETTERS, DIGITS, DIGITS).map("".join),
    st.tuples(LETTERS, LETTERS, DIGITS).map("".join),
    st.tuples(LETTERS, LETTERS, DIGITS, DIGITS).map("".join),
    st.tuples(LETTERS, DIGITS, LETTERS).map("".join),
    st.tuples(LETTERS, LETTERS, DIGITS, LETTERS).map("".join),
)
INWARD = st.tuples(DIGITS, LETTERS, LETTERS).map("".join)
SPACE = st.text(alphabet=" \t", max_size=3)


@st.composite
def typed_postcodes(draw: st.DrawFn) -> tuple[str, str]:
    """(canonical form, the same postcode as someone might type it)."""
    outward, inward = draw(OUTWARD), draw(INWARD)
    canonical = f"{outward} {inward}"
    typed = draw(SPACE) + outward + draw(SPACE) + inward + draw(SPACE)
    lowered = "".join(ch.lower() if draw(st.booleans()) else ch for ch in typed)
    return canonical, lowered


@given(typed_postcodes())
def test_valid_shapes_round_trip(pair: tuple[str, str]) -> None:
    canonical, typed = pair
    assert normalise_postcode(typed) == canonical
    assert normalise_postcode(canonical) == canonical
    assert postcode_key(typed) == canonical.replace(" ", "")


@given(st.text(max_size=30))
def test_normalising_is_idempotent(raw: str) -> None:
    normal = normalise_postcode(raw)
    if normal is not None:
        assert normalise_postcode(normal) == normal
        assert len(normal) <= 8


@given(
    st.text(max_size=12),
    st.sampled_from("!-_.,/#@<>&'\"%\x00\x07éß€٣"),
    st.integers(min_value=0, max_value=12),
)
def test_junk_characters_give_none(raw: str, junk: str, at: int) -> None:
    at = min(at, len(raw))
    assert normalise_postcode(raw[:at] + junk + raw[at:]) is None


@given(st.text(alphabet=string.ascii_letters + " ", max_size=12))
def test_no_digits_gives_none(raw: str) -> None:
    assert normalise_postcode(raw) is None


@given(typed_postcodes(), st.sampled_from(string.ascii_uppercase + string.digits))
def test_an_extra_character_gives_none(pair: tuple[str, str], extra: str) -> None:
    canonical, _ = pair
    assert normalise_postcode(canonical + extra) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("nb1 2ab", "NB1 2AB"),
        ("NB12AB", "NB1 2AB"),
        (" sw1a1aa ", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("", None),
        ("NB1", None),
        ("12AB NB1", None),
        ("NB1 2A", None),
        ("NB1 ZAB", None),
        ("N1 2ß", None),  # "ß".upper() is "SS"
        ("N1 2\ufb00", None),  # the "ff" ligature upper-cases to "FF"
        ("NB1\u00a02AB", "NB1 2AB"),  # a pasted non-breaking space
    ],
)
def test_examples(raw: str, expected: str | None) -> None:
    assert normalise_postcode(raw) == expected
