"""What every page with a map needs (the address page, the partnership dashboard)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from nestguard.core.middleware import CONTENT_SECURITY_POLICY


def map_policy() -> str:
    """The page's CSP: the tile server's origin may serve images when tiles are configured."""
    tiles = settings.NESTGUARD_MAP_TILE_URL
    if not tiles:
        return CONTENT_SECURITY_POLICY
    parts = urlsplit(tiles)
    origin = f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"
    return CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", f"img-src 'self' data: {origin}")
