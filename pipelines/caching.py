"""Memory policies shared by the pipelines: per-word caches, and pausing Python's cycle collector
while a step builds many lasting objects."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")

# Keys a WordCache holds at most: some tens of MB, a bound for a long-lived process, far above the
# distinct words of ordinary news.
MAX_CACHED = 1 << 18


class WordCache(dict[K, V]):
    """What `compute` says of each word (or other key), worked out the first time it is asked about:
    the same words come back in every article, and `map(cache.__getitem__, words)` reads them at C
    speed. Past MAX_CACHED keys it starts afresh, so a long-lived process holds a bounded vocabulary."""

    def __init__(self, compute: Callable[[K], V]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: K) -> V:
        if len(self) >= MAX_CACHED:
            self.clear()
        value = self[key] = self.compute(key)
        return value


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused, for work that makes many lasting objects and no cycles (loading
    the gazetteer, resolution): each full collection it sets off walks the whole heap again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
