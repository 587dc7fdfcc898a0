"""The one pagination for every API list: `limit`/`offset`, never more than a page's worth."""

from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """A `limit` above NESTGUARD_API_MAX_PAGE_SIZE is cut to it, so no request can ask for a
    whole table at once."""

    @property
    def max_limit(self) -> int:  # type: ignore[override]
        return int(settings.NESTGUARD_API_MAX_PAGE_SIZE)
