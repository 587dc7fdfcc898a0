from nestguard.pathways.tests.conftest import pw  # noqa: F401  (the pathways world)
