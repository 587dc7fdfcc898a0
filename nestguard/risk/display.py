"""How bands look on a page: their label and GOV.UK tag colour, from the instruments."""

from __future__ import annotations

from functools import cache

from nestguard.risk.loader import current_instruments

_COLOURS = ("green", "yellow", "orange", "red")


@cache
def _bands() -> dict[str, tuple[str, str]]:
    """band code -> (label, tag colour); the lowest band green, the highest red."""
    found: dict[str, tuple[str, str]] = {}
    for instrument in current_instruments():
        count = len(instrument.bands)
        for rank, band in enumerate(instrument.bands):
            if count == 1:
                colour = "grey"
            elif rank == count - 1:
                colour = "red"
            elif rank == 0:
                colour = "green"
            else:
                colour = _COLOURS[min(rank, len(_COLOURS) - 2)]
                colour = "orange" if count == 3 else colour
            found.setdefault(band.code, (band.label, colour))
    return found


def band_label(code: str) -> str:
    if not code:
        return "Not assessed"
    return _bands().get(code, (code.replace("_", " ").capitalize(), "grey"))[0]


def band_colour(code: str) -> str:
    if not code:
        return "grey"
    return _bands().get(code, ("", "grey"))[1]


def band_choices() -> list[tuple[str, str]]:
    """(code, label) of every band in use, lowest first, then "not assessed"."""
    return [(code, label) for code, (label, _colour) in _bands().items()] + [
        ("none", "Not assessed")
    ]
