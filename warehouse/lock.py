"""One writer at a time: an advisory lock on the warehouse folder.

Runs that write partition files or rebuild the DuckDB file take it, so two runs at once (the
sensor's and a manual one) serialize instead of interleaving. The kernel releases it when the
holder dies, so a killed run never leaves the warehouse locked.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".lock"


class WarehouseWriteError(OSError):
    """A write to the warehouse folder failed (a full disk, a read-only folder): where, and why."""


@contextmanager
def warehouse_lock(warehouse_dir: Path) -> Iterator[None]:
    """Hold the warehouse's write lock for the duration of the block (blocking until it is free).

    A file-system error in the block (a full disk, a missing permission) becomes a
    `WarehouseWriteError` naming the folder and the cause, and saying that the last complete
    state is kept: every write is atomic.
    """
    folder = Path(warehouse_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)
    except OSError as error:
        cause = os.strerror(error.errno) if error.errno else str(error)
        raise WarehouseWriteError(
            f"Could not write to the warehouse folder {folder}: {cause}. The last complete state is kept "
            "(a run replaces news.duckdb only when it finishes); fix the cause and run again."
        ) from error
