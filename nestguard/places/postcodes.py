"""UK postcodes: normalised to the Royal Mail form ("SW1A 1AA") and checked for shape."""

from __future__ import annotations

import re

# Outward code (area, district, optional sub-district letter), space, inward code.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def normalise_postcode(raw: str) -> str | None:
    """The postcode in standard form, or None when it is not shaped like a UK postcode."""
    compact = re.sub(r"\s+", "", raw or "")
    # Upper-casing first would turn some letters into ASCII ones ("ß" into "SS").
    if not compact.isascii():
        return None
    match = _POSTCODE.match(compact.upper())
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def postcode_key(postcode: str) -> str:
    return re.sub(r"\s+", "", postcode).upper()
