"""What the places pages share."""

from __future__ import annotations

from typing import Any

from nestguard.core.pages import apply_service_errors

__all__ = ["apply_service_errors", "posted"]


def posted(request: Any) -> Any:
    """The submitted data on a POST (even an empty one, so it shows its errors), else None."""
    return request.POST if request.method == "POST" else None
