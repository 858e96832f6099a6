"""A run killed at any point: the warehouse always opens, holds one complete state, and the next
run completes. (Readers querying while runs go on: tests/reliability/test_concurrency.py.)"""

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from warehouse.database import database_path

SNAPSHOT = """
SELECT (SELECT count(*) FROM documents),
       (SELECT count(DISTINCT doc_id) FROM sentences),
       (SELECT coalesce(sum(n_sentences), 0) FROM documents),
       (SELECT count(*) FROM sentences)
"""


def write_articles(seeds_dir: Path, seed_texts: list[str], first: int, count: int) -> None:
    """`count` distinct articles made from the seeds' text, numbered from `first`."""
    for number in range(first, first + count):
        text = seed_texts[number % len(seed_texts)]
        (seeds_dir / f"article_{number:04d}.txt").write_text(f"Report {number}\n\n{text}", encoding="utf-8")


def start_run(seeds_dir: Path, warehouse_dir: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SEEDS_DIR": str(seeds_dir), "WAREHOUSE_DIR": str(warehouse_dir)}
    env.pop("DAGSTER_HOME", None)
    return subprocess.Popen(
        [sys.executable, "-m", "assets.cli", "run"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def snapshot(warehouse_dir: Path) -> tuple[int, int, int, int]:
    """Counts that agree with each other in any complete state of the warehouse."""
    with duckdb.connect(str(database_path(warehouse_dir)), read_only=True) as con:
        documents, sentence_docs, declared, sentences = con.execute(SNAPSHOT).fetchall()[0]
    assert documents == sentence_docs and declared == sentences, "a partial state is visible"
    return documents, sentence_docs, declared, sentences


def _after(seconds: float) -> Callable[[], bool]:
    deadline = time.monotonic() + seconds
    return lambda: time.monotonic() >= deadline


def _wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.002)
    return False


def test_a_run_killed_mid_write_mid_rebuild_or_anywhere_leaves_a_complete_warehouse(
    tmp_path: Path, seeds_dir: Path
) -> None:
    seed_texts = [path.read_text(encoding="utf-8") for path in sorted(seeds_dir.iterdir())]
    warehouse_dir = tmp_path / "warehouse"
    write_articles(seeds_dir, seed_texts, first=0, count=40)
    started = time.monotonic()
    assert start_run(seeds_dir, warehouse_dir).wait(timeout=300) == 0
    run_seconds = time.monotonic() - started  # how long a whole run takes on this machine
    before = snapshot(warehouse_dir)
    write_articles(seeds_dir, seed_texts, first=40, count=40)
    documents_dir = warehouse_dir / "parquet" / "documents"
    kill_points: dict[str, Callable[[], Callable[[], bool]]] = {  # each makes its condition when a run starts
        # 45 documents and the schema file are there before; one more means the run is writing
        "while Parquet partitions are written": lambda: lambda: len(list(documents_dir.glob("*.parquet"))) > 46,
        "while news.duckdb is rebuilt": lambda: lambda: any(warehouse_dir.glob(".news.duckdb.*.building")),
        "at a random moment": lambda: _after(run_seconds * random.Random(7).uniform(0.3, 1.0)),
    }
    seen = {}
    for name, kill_point in kill_points.items():
        run = start_run(seeds_dir, warehouse_dir)
        assert _wait_for(kill_point(), timeout=120), f"never reached the kill point {name}"
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
        seen[name] = snapshot(warehouse_dir)
    assert start_run(seeds_dir, warehouse_dir).wait(timeout=300) == 0
    after = snapshot(warehouse_dir)
    assert before[0] == 45 and after[0] == 85
    assert set(seen.values()) <= {before, after}, seen
    leftovers = [path.name for path in warehouse_dir.rglob("*") if ".tmp-" in path.name or ".building" in path.name]
    assert leftovers == []
