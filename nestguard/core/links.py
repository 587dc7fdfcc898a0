"""Links to many records of one kind at the cost of one `reverse` (decision 0094).

`reverse` walks the URL resolver on every call (about 0.1 ms); a list that links each of its
hundreds of rows paid that per row, and a template's `{% url %}` more. `reverser(name)`
reverses once with a marker key and returns a function that puts each row's key in its
place with string formatting::

    detail = reverser("cases:detail")
    rows = [{"url": detail(pk), ...} for pk, ... in cases]

For URLs whose last argument is a key (the others fixed: `reverser("panels:item_minutes",
meeting.pk)`), a UUID or an integer (`<uuid:pk>`, `<int:pk>`), which need no
quoting; any other key is reversed the ordinary way.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.urls import NoReverseMatch, reverse

_UUID_MARKER = uuid.UUID("0badc0de-0000-4000-8000-00000000f00d")
_INT_MARKER = 987654321987


def reverser(name: str, *fixed: Any) -> Callable[[Any], str]:
    """`lambda key: reverse(name, args=[*fixed, key])`, reversing once."""
    for marker in (_UUID_MARKER, _INT_MARKER):
        try:
            head, found, tail = reverse(name, args=[*fixed, marker]).partition(str(marker))
        except NoReverseMatch:
            continue
        if found:
            return _formatter(name, fixed, type(marker), head, tail)
    return lambda key: reverse(name, args=[*fixed, key])


def _formatter(
    name: str, fixed: tuple[Any, ...], kind: type, head: str, tail: str
) -> Callable[[Any], str]:
    def url(key: Any) -> str:
        if type(key) is kind:  # a UUID for <uuid:...>, an int for <int:...> (never a bool)
            return f"{head}{key}{tail}"
        return reverse(name, args=[*fixed, key])

    return url
