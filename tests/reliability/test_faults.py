"""Faults: a writer killed at every step of replacing a document's rows; the warehouse folder full
or read-only; whole runs killed at random moments (stress). Afterwards the warehouse opens, holds
a complete state, the next run completes, and no row is lost, duplicated or orphaned."""

import itertools
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

import dagster as dg
import duckdb
import pytest

from assets.definitions import build_definitions
from assets.partitions import partition_key_for, partition_range_tags, sync_seed_partitions
from assets.resources import SeedsFolder, Warehouse
from warehouse.database import database_path, rebuild_database
from warehouse.parquet import replace_document
from warehouse.schema import arrow_table

Snapshot = dict[str, int | None]
Materialize = Callable[..., dg.ExecuteInProcessResult]


class Disk(Protocol):
    """The `small_disk` fixture: a file system the test fills up."""

    path: Path

    def fill(self, leave: int = 0) -> None: ...

    def free(self) -> None: ...


def document_rows(doc_id: str, sentences: list[str]) -> dict[str, list[dict]]:
    """An accepted document whose raw text is its sentences, one per line, with its sentence rows."""
    raw_text = "\n".join(sentences)
    starts = [raw_text.index(sentence) for sentence in sentences]
    return {
        "documents": [
            {"doc_id": doc_id, "seed_file": "a.txt", "seed_sha256": "0" * 64, "encoding": "utf-8",
             "raw_text": raw_text, "clean_text": " ".join(sentences), "pipeline_version": "test",
             "n_paragraphs": 1, "n_sentences": len(sentences)}
        ],
        "sentences": [
            {"doc_id": doc_id, "sentence_idx": index, "char_start": start, "char_end": start + len(sentence),
             "text": sentence, "paragraph_idx": 0}
            for index, (start, sentence) in enumerate(zip(starts, sentences, strict=True))
        ],
    }  # fmt: skip


def rejection_rows(doc_id: str) -> dict[str, list[dict]]:
    return {
        "rejected_documents": [
            {"seed_file": "a.txt", "seed_sha256": "1" * 64, "reason": "The file is empty (0 bytes).",
             "doc_id": doc_id, "rejection_code": "empty", "pipeline_version": "test"}
        ]
    }  # fmt: skip


STATES = {
    "accepted": document_rows("d1", ["Talks began.", "They ended."]),
    "accepted again": document_rows("d1", ["Talks began on Monday.", "They went on.", "They ended on Friday."]),
    "rejected": rejection_rows("d1"),
}
STORED_TABLES = ("documents", "rejected_documents", "sentences")

# Replaces document d1's rows with a state's, after arranging to SIGKILL itself at the n-th call of
# the given `os` functions (0: never). Prints how many calls it made.
KILLED_WRITER = """
import json, os, signal, sys
from pathlib import Path
from warehouse.parquet import replace_document
from warehouse.schema import arrow_table
warehouse_dir, kill_at, steps_at, rows = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
steps = 0
def dying(real):
    def step(*args, **kwargs):
        global steps
        steps += 1
        if steps == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return step
for name in steps_at.split(","):
    setattr(os, name, dying(getattr(os, name)))
replace_document(warehouse_dir, "d1", {table: arrow_table(table, table_rows) for table, table_rows in rows.items()})
print(steps)
"""
# What changes what a reader or the next run sees: renames and deletions. Flushes matter only when
# the machine itself stops, which SIGKILL does not simulate; the stress variant kills at those too.
VISIBLE_STEPS = "replace,unlink"
EVERY_STEP = "fsync,replace,unlink"


def store(warehouse_dir: Path, state: str) -> None:
    replace_document(warehouse_dir, "d1", {table: arrow_table(table, rows) for table, rows in STATES[state].items()})


def start_killed_writer(warehouse_dir: Path, state: str, kill_at: int, steps_at: str) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-c",
        KILLED_WRITER,
        str(warehouse_dir),
        str(kill_at),
        steps_at,
        json.dumps(STATES[state]),
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def rows_of_d1(warehouse_dir: Path) -> dict[str, list[tuple]]:
    """Document d1's rows in every table of the rebuilt database, as comparable tuples."""
    with duckdb.connect(str(database_path(warehouse_dir)), read_only=True) as con:
        return {table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in STORED_TABLES}


def kill_at_every_step(
    tmp_path: Path, before: str, after: str, steps_at: str, snapshot: Callable[[Path], Snapshot]
) -> dict[int, str]:
    """Replace `before` by `after` once per step, killing the writer at that step; after each, the
    next rebuild must find one whole state. Returns the state each kill left, by step."""
    expected = {}
    for state in (before, after):
        store(tmp_path / state, state)
        rebuild_database(tmp_path / state)
        expected[state] = rows_of_d1(tmp_path / state)
    store(tmp_path / "counted", before)
    steps = int(start_killed_writer(tmp_path / "counted", after, 0, steps_at).communicate()[0])
    writers = {}
    for kill_at in range(1, steps + 1):
        store(tmp_path / f"killed_at_{kill_at}", before)
        writers[kill_at] = start_killed_writer(tmp_path / f"killed_at_{kill_at}", after, kill_at, steps_at)
    seen = {}
    for kill_at, writer in writers.items():
        folder = tmp_path / f"killed_at_{kill_at}"
        assert writer.wait(timeout=120) == -signal.SIGKILL, writer.communicate()
        rebuild_database(folder)  # what the next run does first: finish or drop the killed writer's work
        snapshot(database_path(folder))
        rows = rows_of_d1(folder)
        seen[kill_at] = next((state for state, state_rows in expected.items() if rows == state_rows), str(rows))
        leftovers = [path.name for path in folder.rglob("*") if ".tmp-" in path.name or path.suffix == ".json"]
        assert leftovers == [], (kill_at, leftovers)
    assert set(seen.values()) == {before, after}, seen  # never a mix: each kill left one whole state
    return seen


def test_a_writer_killed_at_any_step_leaves_a_documents_old_rows_or_its_new_ones(
    tmp_path: Path, snapshot: Callable[[Path], Snapshot]
) -> None:
    kill_at_every_step(tmp_path, "accepted", "accepted again", VISIBLE_STEPS, snapshot)


@pytest.mark.stress
@pytest.mark.parametrize(("before", "after"), list(itertools.permutations(STATES, 2)))
def test_stress_a_writer_killed_at_any_flush_rename_or_delete(
    tmp_path: Path, before: str, after: str, snapshot: Callable[[Path], Snapshot], figures: Counter[str]
) -> None:
    figures["faults"] += len(kill_at_every_step(tmp_path, before, after, EVERY_STEP, snapshot))


# ---------------------------------------------------------------------------------------------
# The warehouse folder full or read-only
# ---------------------------------------------------------------------------------------------


def failure_causes(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """step → the error each failed step's code raised (inside Dagster's wrapper): what a person reads."""
    errors = {event.step_key: event.step_failure_data.error for event in result.all_events if event.is_step_failure}
    return {step: (error.cause or error).message for step, error in errors.items()}


def leftovers(warehouse_dir: Path) -> list[str]:
    """Files a failed write must not leave behind: temporary files, builds, unfinished commits."""
    names = [path.name for path in warehouse_dir.rglob("*")]
    return [name for name in names if ".tmp-" in name or ".building" in name or name.endswith(".json")]


def make_read_only(folder: Path, mode: int) -> None:
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            path.chmod(mode)


def test_a_full_or_read_only_warehouse_folder_fails_clearly_keeps_the_last_state_then_recovers(
    materialize: Materialize,
    instance: dg.DagsterInstance,
    seeds_dir: Path,
    small_disk: Disk,
    ordinary_user: Callable[[], AbstractContextManager[None]],
    snapshot: Callable[[Path], Snapshot],
    table_hash: Callable[[Path], str],
) -> None:
    warehouse_dir = small_disk.path / "warehouse"
    for path in sorted(seeds_dir.iterdir())[1:]:  # one article is enough, and five runs follow
        path.unlink()
    assert materialize(instance, seeds_dir, warehouse_dir).success
    last_state = table_hash(database_path(warehouse_dir))
    # The new file's rows fit in the room left for Parquet; the rebuilt database (megabytes) does not.
    (seeds_dir / "new.txt").write_text("New talks\n\nDelegates met in Geneva on Friday. They agreed.", encoding="utf-8")
    faults = {  # how the folder fails → (the step that fails, what its error says)
        "disk full": (lambda: small_disk.fill(leave=0), "seed_documents", "No space left on device"),
        "room for Parquet, not for the database": (
            lambda: small_disk.fill(leave=1_000_000),
            "news_duckdb",
            "No space left on device",
        ),
        "read-only folder": (lambda: make_read_only(warehouse_dir, 0o555), "seed_documents", "Permission denied"),
    }
    for fault, (cause_fault, failed_step, reason) in faults.items():
        cause_fault()
        import time

        t = time.time()
        with ordinary_user():
            result = materialize(instance, seeds_dir, warehouse_dir)
        print("TIMING", fault, time.time() - t, flush=True)
        small_disk.free()
        make_read_only(warehouse_dir, 0o755)
        causes = failure_causes(result)
        assert not result.success and list(causes) == [failed_step], (fault, causes)
        assert reason in causes[failed_step] and str(warehouse_dir) in causes[failed_step], (fault, causes)
        assert table_hash(database_path(warehouse_dir)) == last_state, fault
        snapshot(database_path(warehouse_dir))
        assert leftovers(warehouse_dir) == [], fault
    assert materialize(instance, seeds_dir, warehouse_dir).success
    assert snapshot(database_path(warehouse_dir))["documents"] == 2


# ---------------------------------------------------------------------------------------------
# Whole runs killed at random points (soak)
# ---------------------------------------------------------------------------------------------


def run_one_file(instance: dg.DagsterInstance, seeds_dir: Path, warehouse_dir: Path, seed_file: str) -> bool:
    """The run the sensor asks for when one file changes: that file, then the corpus tables and the
    database rebuilt from every partition, whatever a killed run left in them."""
    sync_seed_partitions(instance, SeedsFolder(path=str(seeds_dir)).files())
    key = partition_key_for(seed_file)
    defs = build_definitions(SeedsFolder(path=str(seeds_dir)), Warehouse(path=str(warehouse_dir)))
    job = defs.resolve_job_def("refresh_warehouse")
    return job.execute_in_process(instance=instance, tags=partition_range_tags(key, key), raise_on_error=False).success


@pytest.mark.stress
def test_stress_runs_killed_at_random_points_lose_no_rows(
    tmp_path: Path,
    seeds_dir: Path,
    instance: dg.DagsterInstance,
    cli_run: Callable[..., subprocess.Popen[str]],
    articles: Callable[..., None],
    snapshot: Callable[[Path], Snapshot],
    spans_trace_back: Callable[[Path], None],
    table_hash: Callable[[Path], str],
    figures: Counter[str],
) -> None:
    kills, rng = 25, random.Random(11)
    articles(seeds_dir, first=0, count=20)
    warehouse_dir, home = tmp_path / "warehouse", tmp_path / "dagster_home"
    started = time.monotonic()
    assert cli_run(seeds_dir, warehouse_dir, home, hash_seed=0).wait(timeout=600) == 0
    run_seconds = time.monotonic() - started
    files = len(list(seeds_dir.glob("*.txt")))
    for kill in range(kills):
        articles(seeds_dir, first=kill % 20, count=1, revision=kill + 1)  # the folder changes between runs
        run = cli_run(seeds_dir, warehouse_dir, home, hash_seed=kill)
        time.sleep(rng.uniform(0.3, 1.0) * run_seconds)
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
        snapshot(database_path(warehouse_dir))  # opens, and holds the last complete state
        assert run_one_file(instance, seeds_dir, warehouse_dir, f"article_{kill % 20:04d}.txt")
        snapshot(database_path(warehouse_dir))  # nothing torn: the rebuild read every partition
        spans_trace_back(database_path(warehouse_dir))
    assert cli_run(seeds_dir, warehouse_dir, home, hash_seed=kills).wait(timeout=600) == 0
    reference = tmp_path / "reference"  # the same folder, processed once without faults, the same way
    assert cli_run(seeds_dir, reference, tmp_path / "reference_home", hash_seed=kills).wait(timeout=600) == 0
    final, expected = snapshot(database_path(warehouse_dir)), snapshot(database_path(reference))
    tables = [table for table, count in expected.items() if count is not None]
    figures["faults"] += kills
    figures["inputs"] += files * (kills + 2)
    figures["rows_lost"] += sum(max(expected[table] - final[table], 0) for table in tables)
    assert final == expected  # nothing lost, nothing left over
    assert table_hash(database_path(warehouse_dir)) == table_hash(database_path(reference))
