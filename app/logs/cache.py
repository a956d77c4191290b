"""In-memory caches of decrypted documents, keyed by what can never change.

A Git blob id names one sealed version of one file: the same id always
decrypts to the same document, so a cached entry never goes stale and an edit
"invalidates" only by producing new blob ids. Nothing here is ever written to
disk; the caches live and die with the worker process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """A small thread-safe least-recently-used map."""

    def __init__(self, capacity: int) -> None:
        """Keep at most ``capacity`` entries."""
        self.capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: K) -> V | None:
        """The cached value, or None."""
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: K, value: V) -> None:
        """Remember a value, dropping the least recently used beyond capacity."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def drop(self, matches: Callable[[K], bool]) -> int:
        """Forget every key for which ``matches`` is true (shredding); returns how many."""
        with self._lock:
            doomed = [key for key in self._items if matches(key)]
            for key in doomed:
                del self._items[key]
        return len(doomed)

    def __len__(self) -> int:
        """How many entries are cached."""
        return len(self._items)
