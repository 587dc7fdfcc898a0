"""What the places pages share."""

from __future__ import annotations

from nestguard.core.pages import apply_service_errors, form_acted, posted

__all__ = ["apply_service_errors", "form_acted", "posted"]
