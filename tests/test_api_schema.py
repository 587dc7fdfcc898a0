"""The published OpenAPI schema generates with no warning and no error (issue 10, point 11).

A warning means the schema is wrong somewhere (two components with one name: one of them is
published with the other's fields; a hashed enum name that changes when a choice changes), so
any new one fails here, through the same check that `nestguard check --deploy` runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import path
from drf_spectacular.checks import schema_check
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from drf_spectacular.validation import validate_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


@pytest.fixture
def fresh_stats() -> Iterator[None]:
    """drf-spectacular keeps warnings in a process-wide cache: start and end empty."""
    GENERATOR_STATS.reset()
    yield
    GENERATOR_STATS.reset()


def test_the_schema_generates_without_warnings_or_errors(fresh_stats):
    assert [f"{m.id}: {m.msg}" for m in schema_check(None)] == []


def test_the_schema_is_valid_openapi(fresh_stats):
    validate_schema(SchemaGenerator().get_schema(request=None, public=True))


def _view_returning(serializer: type[serializers.Serializer]) -> type[APIView]:
    class View(APIView):
        @extend_schema(responses=serializer)
        def get(self, request):  # type: ignore[no-untyped-def]
            return Response({})

    return View


def test_a_name_collision_is_caught(fresh_stats):
    """The check above can fail: two serializers that publish as one component name."""
    first = type("UserRef", (serializers.Serializer,), {"a": serializers.CharField()})
    second = type("UserRef", (serializers.Serializer,), {"b": serializers.CharField()})
    patterns = [
        path("one/", _view_returning(first).as_view()),
        path("two/", _view_returning(second).as_view()),
    ]
    with GENERATOR_STATS.silence():
        SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert any('identical names "UserRef"' in w for w in GENERATOR_STATS._warn_cache)
