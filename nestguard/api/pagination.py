"""The one pagination for every API list: `limit`/`offset`, never more than a page's worth."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """A `limit` above NESTGUARD_API_MAX_PAGE_SIZE is cut to it, so no request can ask for a
    whole table at once."""

    @property
    def max_limit(self) -> int:  # type: ignore[override]
        return int(settings.NESTGUARD_API_MAX_PAGE_SIZE)


def page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The schema of one page of `item`s, as `Pagination` answers it (for extend_schema)."""
    fields = {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), fields)
