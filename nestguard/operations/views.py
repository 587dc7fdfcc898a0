from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nestguard.access.rules import ADMINISTERING, access_rule
from nestguard.operations.selectors import latest_restore_drills

DRILLS_SHOWN = 30


@access_rule(ADMINISTERING)
def restore_drills(request: HttpRequest) -> HttpResponse:
    """The latest restore drills: did the newest backup restore, and did it check out? No
    personal data: times, counts, table names."""
    drills = latest_restore_drills(DRILLS_SHOWN)
    return render(
        request,
        "operations/restore_drills.html",
        {"drills": drills, "latest": drills[0] if drills else None},
    )
