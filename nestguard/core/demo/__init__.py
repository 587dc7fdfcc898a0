"""The synthetic demo borough of Northbrook: `nestguard seed_demo` loads it.

Plain functions, the command thin: `seed_borough` (seed.py) makes the partnership through the
accounts services and writes three years of made-up history in bulk with one audit event.
Everything here is invented: wards, streets, people, agencies and events.
"""

from nestguard.core.demo.partnership import DEMO_PASSWORD, PERSONAS, persona_rows, totp_secret_for
from nestguard.core.demo.seed import (
    DEFAULT_SEED,
    ProductionRefused,
    SeedResult,
    borough_exists,
    refuse_production,
    seed_borough,
)

__all__ = [
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "PERSONAS",
    "ProductionRefused",
    "SeedResult",
    "borough_exists",
    "persona_rows",
    "refuse_production",
    "seed_borough",
    "totp_secret_for",
]
