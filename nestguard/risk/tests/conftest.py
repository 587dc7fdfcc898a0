from nestguard.cases.tests.conftest import world  # noqa: F401  (the shared case fixture)
