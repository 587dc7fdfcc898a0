"""Every write about places. Each function is `<entity>_<verb>`, takes `actor=`, validates
everything before writing, and records its audit event in the same transaction."""

from nestguard.places.services.resolve import (
    address_resolve,
    house_key,
    match_in_register,
    normalise_line,
    validate_address_fields,
)

__all__ = [
    "address_resolve",
    "house_key",
    "match_in_register",
    "normalise_line",
    "validate_address_fields",
]
