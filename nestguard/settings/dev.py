"""Local development: debug pages, the default SQLite file, the second factor required."""

from nestguard.settings.base import *  # noqa: F403

DEBUG = True
