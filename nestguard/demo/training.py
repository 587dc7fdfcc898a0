"""Training records for the demo borough: most staff have done the partnership's courses,
some have lapsed, a few never did, so coverage is near the 80% target at some agencies and
below it at others. Recorded by each agency's supervisor or administrator through the
service, as a partnership would. Deterministic: its own random generator."""

from __future__ import annotations

import random
from datetime import date, timedelta

from nestguard.accounts.models import Role
from nestguard.demo.partnership import Partnership
from nestguard.training.models import Course
from nestguard.training.services import completion_record

KEEPERS = {Role.SUPERVISOR, Role.ADMIN}


def seed_training(*, partnership: Partnership, today: date, seed: int = 104) -> dict[str, int]:
    rng = random.Random(seed)
    courses = list(Course.objects.filter(active=True).order_by("code"))
    made = 0
    for agency in partnership.agencies.values():
        staff = [u for u in partnership.users.values() if u.agency_id == agency.id]
        keeper = next((u for u in staff if KEEPERS & set(u.role_codes)), None)
        if keeper is None:
            continue
        for member in staff:
            for course in courses:
                if rng.random() < 0.2:
                    continue  # never done
                months = course.refresh_months or 24
                # Mostly in date; about one in five lapsed.
                days_ago = rng.randrange(1, int(months * 30 * 1.25))
                completion_record(
                    actor=keeper,
                    staff=member,
                    course=course,
                    completed_on=today - timedelta(days=days_ago),
                )
                made += 1
    return {"training_completions": made}
