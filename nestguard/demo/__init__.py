"""The synthetic demo borough of Northbrook: `nestguard seed_demo` loads it.

Its own app (not part of core) so that core imports no feature app: the seeding writes
through every app's services. Plain functions, the command thin: `seed_borough` (seed.py)
makes the partnership through the accounts services (partnership.py) and writes three years
of made-up history in bulk with one audit event. Nothing in the product imports this app
(an import-linter contract in pyproject.toml). Everything here is invented: wards, streets,
people, agencies and events.
"""
