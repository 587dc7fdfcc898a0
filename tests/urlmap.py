"""The whole URL map, walked: every view with a concrete path to request it by.

Shared by the deny-by-default test and the access truth table, so that both see exactly
the URLs Django serves, and a new page cannot slip past either.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils.regex_helper import normalize

from nestguard.access.rules import AccessRule, rule_of

# Values tried, in order, for each path parameter; the first the pattern accepts is used.
SAMPLE_VALUES = [str(uuid.UUID(int=0xE2E)), "1", "sample", ".json", "json"]


@dataclass(frozen=True)
class Endpoint:
    name: str  # "namespace:name", or the route when the pattern has no name
    route: str  # as declared, e.g. "cases/<uuid:pk>/"
    params: tuple[str, ...]
    callback: Callable[..., Any]
    route_regexes: tuple[str, ...]  # the regex of each level, outermost first

    @property
    def rule(self) -> AccessRule | None:
        return rule_of(self.callback)

    def path(self, **values: str) -> str:
        """A concrete path: the given values, or harmless samples for the rest."""
        return "/" + _fill(self.route_regexes, values)


def _fill(regexes: tuple[str, ...], values: dict[str, str]) -> str:
    built = ""
    for regex in regexes:
        template, params = normalize(regex)[0]
        for candidate in _candidates(params, values):
            piece = template % candidate
            if re.match(regex, piece):
                built += piece
                break
        else:
            raise ValueError(f"no sample value fits {regex!r}")
    return built


def _candidates(params: list[str], values: dict[str, str]) -> Iterator[dict[str, str]]:
    if not params:
        yield {}
        return
    for sample in SAMPLE_VALUES:
        yield {p: values.get(p, sample) for p in params}


def _walk(
    patterns: list[Any], namespace: str, route: str, regexes: tuple[str, ...]
) -> Iterator[Endpoint]:
    for entry in patterns:
        regex = entry.pattern.regex.pattern
        here = route + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, ns, here, (*regexes, regex))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            params = tuple(entry.pattern.regex.groupindex)
            for outer in regexes:
                params = tuple(re.compile(outer).groupindex) + params
            yield Endpoint(
                name=name or here,
                route=here,
                params=params,
                callback=entry.callback,
                route_regexes=(*regexes, regex),
            )


def endpoints() -> list[Endpoint]:
    found = list(_walk(get_resolver().url_patterns, "", "", ()))
    for endpoint in found:
        match = resolve(endpoint.path())
        assert match.func is endpoint.callback, f"{endpoint.path()} resolves elsewhere"
    return found


def kind(endpoint: Endpoint) -> str:
    """'public', 'api' (token) or 'page' (session, both factors)."""
    rule = endpoint.rule
    if rule is None:
        return "undeclared"
    if rule.public:
        return "public"
    return "api" if rule.token else "page"
