"""Local development: debug pages, the default SQLite file, the second factor required."""

from nestguard.settings.base import *  # noqa: F403
from nestguard.settings.env import env_choice

DEBUG = True
# A development server is often run without the job queue's worker: count reports in the
# request (decision 0112; `make demo` runs the worker and prepares them on the queue).
NESTGUARD_REPORTS_PREPARE = env_choice("NESTGUARD_REPORTS_PREPARE", "inline", ("queue", "inline"))
