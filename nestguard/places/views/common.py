"""What the places pages share."""

from __future__ import annotations

from nestguard.core.pages import form_acted, posted

__all__ = ["form_acted", "posted"]
