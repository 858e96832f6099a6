"""The seeds-folder sensor and the daily schedule, evaluated for real against a Dagster instance,
with the runs they request executed."""

import json
import os
from pathlib import Path

import dagster as dg
import pytest

from assets.definitions import build_definitions
from assets.partitions import SEED_FILES, partition_key_for, partition_range_tags
from assets.resources import SeedsFolder, Warehouse
from assets.schedules import daily_full_refresh
from assets.sensors import SeedChanges, apply_partition_requests, find_seed_changes, seed_files_sensor
from pipelines.ingest import content_fingerprint
from warehouse.database import table_counts


class SensorHarness:
    """Ticks the sensor the way the daemon does: keeps the cursor, applies partition requests,
    and executes the runs it asks for."""

    def __init__(self, instance: dg.DagsterInstance, seeds_dir: Path, warehouse_dir: Path) -> None:
        self.instance = instance
        self.seeds_dir = seeds_dir
        self.warehouse_dir = warehouse_dir
        self.resources = {"seeds": SeedsFolder(path=str(seeds_dir)), "warehouse": Warehouse(path=str(warehouse_dir))}
        self.defs = build_definitions(**self.resources)
        self.cursor: str | None = None

    def tick(self) -> dg.SensorResult:
        context = dg.build_sensor_context(instance=self.instance, cursor=self.cursor, resources=self.resources)
        result = seed_files_sensor(context)
        self.cursor = result.cursor
        apply_partition_requests(self.instance, result)
        return result

    def execute(self, result: dg.SensorResult) -> None:
        for request in result.run_requests:
            job = self.defs.resolve_job_def(request.job_name)
            assert job.execute_in_process(instance=self.instance, tags=request.tags).success


@pytest.fixture
def harness(instance: dg.DagsterInstance, seeds_dir: Path, warehouse_dir: Path) -> SensorHarness:
    return SensorHarness(instance, seeds_dir, warehouse_dir)


def ranges(result: dg.SensorResult) -> list[tuple[str, str]]:
    return [request.partition_key_range and tuple(request.partition_key_range) for request in result.run_requests]


def test_new_files_become_partitions_and_one_run(harness: SensorHarness) -> None:
    result = harness.tick()
    keys = sorted(path.name for path in harness.seeds_dir.iterdir())
    assert [list(r.partition_keys) for r in result.dynamic_partitions_requests] == [keys]
    assert ranges(result) == [(keys[0], keys[-1])]
    harness.execute(result)
    assert table_counts(harness.warehouse_dir)["documents"] == 5


def changes_now(harness: SensorHarness, hashed: list[str]) -> SeedChanges:
    """What the sensor's next tick would find, recording which files it reads."""

    def fingerprint(seed_file: str) -> str:
        hashed.append(seed_file)
        return content_fingerprint(harness.seeds_dir, seed_file, 10_000_000)

    return find_seed_changes(
        files=SeedsFolder(path=str(harness.seeds_dir)).files(),
        known_keys=harness.instance.get_dynamic_partitions(SEED_FILES),
        cursor=json.loads(harness.cursor or "{}"),
        recorded=Warehouse(path=str(harness.warehouse_dir)).recorded_seed_states(),
        fingerprint=fingerprint,
    )


def test_a_quiet_folder_requests_nothing_reads_nothing_and_keeps_an_empty_cursor(harness: SensorHarness) -> None:
    harness.execute(harness.tick())
    assert harness.tick().run_requests == []
    assert json.loads(harness.cursor or "{}") == {}  # Dagster keeps a copy of the cursor with every tick
    hashed: list[str] = []
    changes = changes_now(harness, hashed)
    assert hashed == [] and changes.to_process == set() and not changes.added and not changes.removed


def test_a_touched_file_is_read_once_then_remembered(harness: SensorHarness) -> None:
    harness.execute(harness.tick())
    path = harness.seeds_dir / "003_5ebe1cd72f95d513.txt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000_000))
    assert harness.tick().run_requests == []
    assert list(json.loads(harness.cursor or "{}")) == [path.name]
    hashed: list[str] = []
    assert changes_now(harness, hashed).to_process == set() and hashed == []


def test_a_touched_file_with_the_same_bytes_requests_no_run(harness: SensorHarness) -> None:
    harness.execute(harness.tick())
    path = next(harness.seeds_dir.iterdir())
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000_000))
    assert harness.tick().run_requests == []


def test_a_changed_file_is_the_only_one_processed_again(harness: SensorHarness) -> None:
    harness.execute(harness.tick())
    path = harness.seeds_dir / "002_2b11229bc80b7b43.txt"
    path.write_text("Changed headline\n\nDelegates met again in Astana on Friday.")
    result = harness.tick()
    assert ranges(result) == [(path.name, path.name)]
    harness.execute(result)
    counts = table_counts(harness.warehouse_dir)
    assert (counts["documents"], counts["rejected_documents"], counts["sentences"]) == (5, 0, 80)


def test_many_new_files_mean_one_run(harness: SensorHarness) -> None:
    harness.execute(harness.tick())
    for i in range(30):
        (harness.seeds_dir / f"batch_{i:02d}.txt").write_text(f"Talks {i}\n\nDelegates met on day {i}.")
    result = harness.tick()
    assert len(result.run_requests) == 1
    assert ranges(result) == [("batch_00.txt", "batch_29.txt")]
    harness.execute(result)
    assert table_counts(harness.warehouse_dir)["documents"] == 35


def test_a_deleted_file_loses_its_partition_and_rows(harness: SensorHarness) -> None:
    harness.execute(harness.tick())
    (harness.seeds_dir / "000_a267781117031075.txt").unlink()
    result = harness.tick()
    assert [list(r.partition_keys) for r in result.dynamic_partitions_requests] == [["000_a267781117031075.txt"]]
    assert [r.job_name for r in result.run_requests] == ["rebuild_news_duckdb"]
    harness.execute(result)
    assert table_counts(harness.warehouse_dir)["documents"] == 4


def test_the_first_tick_trusts_a_warehouse_built_by_make_run(harness: SensorHarness) -> None:
    harness.execute(harness.tick())
    harness.cursor = None  # a sensor switched on after `make run` has no cursor yet
    assert harness.tick().run_requests == []


def test_awkward_file_names_round_trip_through_partition_keys(harness: SensorHarness) -> None:
    names = ["- leading dash.txt", 'it\'s "quoted".txt', "wait... what.txt", "100% sure.txt", "ünï.txt"]
    for name in names:
        (harness.seeds_dir / name).write_text(f"{name}\n\nDelegates met on Friday.")
    harness.execute(harness.tick())
    assert partition_key_for("wait... what.txt") in harness.instance.get_dynamic_partitions(SEED_FILES)
    assert table_counts(harness.warehouse_dir)["documents"] == 10


def test_the_daily_schedule_syncs_partitions_and_requests_every_file(
    instance: dg.DagsterInstance, seeds_dir: Path, warehouse_dir: Path
) -> None:
    resources = {"seeds": SeedsFolder(path=str(seeds_dir)), "warehouse": Warehouse(path=str(warehouse_dir))}
    context = dg.build_schedule_context(instance=instance, resources=resources)
    request = daily_full_refresh(context)
    keys = instance.get_dynamic_partitions(SEED_FILES)
    assert len(keys) == 5
    assert isinstance(request, dg.RunRequest) and request.tags == partition_range_tags(keys[0], keys[-1])
    job = build_definitions(**resources).resolve_job_def("refresh_warehouse")
    assert job.execute_in_process(instance=instance, tags=request.tags).success
    assert table_counts(warehouse_dir)["documents"] == 5


def test_a_partition_deleted_by_hand_comes_back_with_a_run(harness: SensorHarness) -> None:
    harness.execute(harness.tick())
    harness.instance.delete_dynamic_partition(SEED_FILES, "001_d3e627cf6393b863.txt")
    result = harness.tick()
    assert [list(r.partition_keys) for r in result.dynamic_partitions_requests] == [["001_d3e627cf6393b863.txt"]]
    assert ranges(result) == [("001_d3e627cf6393b863.txt", "001_d3e627cf6393b863.txt")]
