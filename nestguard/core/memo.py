"""A small per-process memo of the latest values made, for things that never change once made."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class KeptLatest(Generic[V]):
    """The values of the latest `size` keys asked for, made once each by `made(key, make)`.

    For values that a key fixes for good (a stored copy of a report, identified by when it was
    counted, never changes): safe across a web process's threads; two threads asking for a key
    at once may both make it, and either value is kept."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def made(self, key: Hashable, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
