"""Concurrency and determinism: two runs at once on one warehouse (the sensor's and a manual one),
reader processes querying news.duckdb while runs re-materialize it, and runs in different processes
on the same inputs giving the same tables."""

import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from assets.database import news_duckdb
from assets.entities import resolved_entities
from assets.events import coded_events
from assets.instance import write_instance_settings
from assets.partitions import SEED_FILES, sync_seed_partitions
from assets.resources import SeedsFolder
from warehouse.database import database_path

Snapshot = dict[str, int | None]
Materialize = Callable[..., dg.ExecuteInProcessResult]
StartProcess = Callable[..., subprocess.Popen[str]]


# One run of a backfill split by MAX_FILES_PER_RUN: the per-file assets and their checks over a range
# of partitions, in its own process, on the instance of DAGSTER_HOME.
RANGE_RUN = """
import sys
import dagster as dg
from assets import checks
from assets.database import news_duckdb
from assets.documents import seed_documents
from assets.entities import resolved_entities
from assets.events import coded_events
from assets.partitions import partition_range_tags
from assets.resources import EntityRecognizer, SeedsFolder, Warehouse
seeds_dir, warehouse_dir, first, last = sys.argv[1:]
with dg.DagsterInstance.get() as instance:
    result = dg.materialize(
        [seed_documents, resolved_entities, coded_events, news_duckdb, *dg.load_asset_checks_from_modules([checks])],
        instance=instance,
        resources={"seeds": SeedsFolder(path=seeds_dir), "warehouse": Warehouse(path=warehouse_dir),
                   "recognizer": EntityRecognizer()},
        tags=partition_range_tags(first, last),
        selection=dg.AssetSelection.assets(seed_documents),
    )
sys.exit(0 if result.success else 1)
"""


def start_range_run(seeds_dir: Path, warehouse_dir: Path, first: str, last: str) -> subprocess.Popen[str]:
    """RANGE_RUN over the partitions from `first` to `last`, in a process of its own."""
    command = [sys.executable, "-c", RANGE_RUN, str(seeds_dir), str(warehouse_dir), first, last]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def written_since(warehouse_dir: Path, since_ns: int) -> bool:
    """Whether any Parquet file of the warehouse was written after `since_ns`."""
    for path in (warehouse_dir / "parquet").glob("*/*.parquet"):
        try:
            if path.stat().st_mtime_ns > since_ns:
                return True
        except FileNotFoundError:
            continue  # deleted by the run between listing and stat
    return False


def finished_cleanly(run: subprocess.Popen[str]) -> bool:
    """True when the run succeeded; a failed run must say so and why, and exit 1."""
    out, err = run.communicate(timeout=600)
    if run.returncode != 0:
        assert run.returncode == 1 and "Run FAILED" in out and "failed:" in err, (run.returncode, out, err[-3000:])
    return run.returncode == 0


def stop_readers(readers: list[subprocess.Popen[str]], stop: Path) -> list[dict[str, int]]:
    """Stop the readers; each must have exited cleanly, having never seen an error or a partial state."""
    stop.touch()
    summaries = []
    for reader in readers:
        out, err = reader.communicate(timeout=120)
        assert reader.returncode == 0, err[-3000:]
        summaries.append(json.loads(out))
    return summaries


def test_two_runs_at_once_serialize_readers_see_whole_snapshots_change_and_the_runs_agree(
    tmp_path: Path,
    seeds_dir: Path,
    materialize: Materialize,
    reader: StartProcess,
    articles: Callable[..., None],
    cli_run: StartProcess,
    snapshot: Callable[[Path], Snapshot],
    table_hash: Callable[[Path], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warehouse_dir, home = tmp_path / "warehouse", tmp_path / "dagster_home"  # home: shared, as `make` shares it
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as shared:  # the first run, as `make run` makes it, in this process
        assert materialize(shared, seeds_dir, warehouse_dir).success
        before = snapshot(database_path(warehouse_dir))
        stop = tmp_path / "stop"
        readers = [reader(database_path(warehouse_dir), stop, pause=0.05) for _ in range(3)]
        articles(seeds_dir, first=0, count=5)  # new files, so the readers see the warehouse change
        manual = cli_run(seeds_dir, warehouse_dir, home, hash_seed=1)  # `make run`, another process
        started = time.time_ns()
        assert wait_for(lambda: written_since(warehouse_dir, started), timeout=300)
        sensors = materialize(shared, seeds_dir, warehouse_dir)  # the daemon's run, while the other one writes
        succeeded = [sensors.success, finished_cleanly(manual)]
        summaries = stop_readers(readers, stop)
        assert any(succeeded), "two runs at once: one may fail cleanly, not both"
        # Each reader queried all along, never saw an error or a partial state, and saw the new files arrive.
        assert all(summary["queries"] > 10 and summary["states"] >= 2 for summary in summaries), summaries
        after = snapshot(database_path(warehouse_dir))
        assert before["documents"] == 5 and after["documents"] == 10
        # Determinism: the same inputs processed again, in another process with another hash seed, give
        # the very same rows; nothing is left out of the comparison (the files and their mtimes are the same).
        concurrent = table_hash(database_path(warehouse_dir))
        assert materialize(shared, seeds_dir, warehouse_dir).success
    assert table_hash(database_path(warehouse_dir)) == concurrent
    leftovers = [path.name for path in warehouse_dir.rglob("*") if ".tmp-" in path.name or ".building" in path.name]
    assert leftovers == [] and list((warehouse_dir / ".commits").iterdir()) == []


def test_a_backfill_split_into_two_runs_at_once_builds_the_warehouse_one_run_builds(
    tmp_path: Path,
    seeds_dir: Path,
    materialize: Materialize,
    articles: Callable[..., None],
    table_hash: Callable[[Path], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a backfill with MAX_FILES_PER_RUN does: the files' partitions split into runs that go on
    side by side in their own processes, then the corpus assets once; the same rows as one run."""
    articles(seeds_dir, first=0, count=5)
    home, split, single = tmp_path / "dagster_home", tmp_path / "split", tmp_path / "single"
    write_instance_settings(home)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        sync_seed_partitions(instance, SeedsFolder(path=str(seeds_dir)).files())
        keys = instance.get_dynamic_partitions(SEED_FILES)
        halves = [keys[: len(keys) // 2], keys[len(keys) // 2 :]]
        # The one-run reference is started with them, so all three load the same code.
        runs = [start_range_run(seeds_dir, split, half[0], half[-1]) for half in halves]
        runs.append(start_range_run(seeds_dir, single, keys[0], keys[-1]))
        outputs = [run.communicate(timeout=600) for run in runs]
        assert [run.returncode for run in runs] == [0, 0, 0], [err[-3000:] for _, err in outputs]
        tags = (ASSET_PARTITION_RANGE_START_TAG, ASSET_PARTITION_RANGE_END_TAG)
        records = {tuple(r.dagster_run.tags[tag] for tag in tags): r for r in instance.get_run_records()}
        halves_runs = [records[(half[0], half[-1])] for half in halves]
        starts, ends = [r.start_time for r in halves_runs], [r.end_time for r in halves_runs]
        assert max(starts) < min(ends), "the two runs went on one after the other, not side by side"
        corpus = dg.AssetSelection.assets(resolved_entities, coded_events, news_duckdb)
        assert materialize(instance, seeds_dir, split, selection=corpus).success
        assert materialize(instance, seeds_dir, single, selection=corpus).success
    assert table_hash(database_path(split)) == table_hash(database_path(single))


@pytest.mark.stress
def test_stress_readers_held_for_a_minute_while_runs_go_on(
    tmp_path: Path,
    seeds_dir: Path,
    instance: dg.DagsterInstance,
    materialize: Materialize,
    reader: StartProcess,
    articles: Callable[..., None],
    snapshot: Callable[[Path], Snapshot],
    figures: Counter[str],
) -> None:
    n_readers, hold_seconds = 4, 60
    warehouse_dir = tmp_path / "warehouse"
    assert materialize(instance, seeds_dir, warehouse_dir).success
    stop = tmp_path / "stop"
    readers = [reader(database_path(warehouse_dir), stop, pause=0.05) for _ in range(n_readers)]
    started, runs, inputs = time.monotonic(), 0, 0
    while time.monotonic() - started < hold_seconds:
        if runs % 2 == 0:
            articles(seeds_dir, first=0, count=5, revision=runs)
        else:
            for path in seeds_dir.glob("article_*.txt"):
                path.unlink()
        assert materialize(instance, seeds_dir, warehouse_dir).success
        runs, inputs = runs + 1, inputs + len(list(seeds_dir.glob("*.txt")))
    held = time.monotonic() - started
    summaries = stop_readers(readers, stop)
    assert all(summary["states"] >= 2 for summary in summaries), summaries  # each saw the warehouse change
    files = len(list(seeds_dir.glob("*.txt")))
    counts = snapshot(database_path(warehouse_dir))
    figures["reader_seconds"] += n_readers * held
    figures["inputs"] += inputs
    figures["rows_lost"] += files - counts["documents"] - counts["rejected_documents"]
    figures["runs while readers held"] += runs
    figures["reader queries"] += sum(summary["queries"] for summary in summaries)
    print(f"\n{n_readers} readers held {held:.0f} s over {runs} runs: {summaries}")
    assert counts["documents"] + counts["rejected_documents"] == files
