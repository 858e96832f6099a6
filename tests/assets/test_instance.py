"""The instance `make` sets up: `dagster.yaml` loads the batched event log, and a run over many
partitions records in it exactly what Dagster's own SQLite event log records."""

import os
import shutil
from collections import Counter
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.instance import InstanceRef
from dagster._core.run_coordinator import QueuedRunCoordinator

from assets.instance import (
    BATCH_SIZE_VARIABLE,
    DEQUEUE_INTERVAL_SECONDS,
    BatchedSqliteEventLogStorage,
    event_log_storage,
    write_instance_settings,
)
from assets.partitions import SEED_FILES

PER_FILE_TABLES = (
    "documents",
    "rejected_documents",
    "sentences",
    "mention_candidates",
    "event_candidates",
    "event_arguments",
)


def test_settings_file_loads_the_batched_event_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "dagster_home"
    write_instance_settings(home)
    monkeypatch.delenv(BATCH_SIZE_VARIABLE, raising=False)
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, BatchedSqliteEventLogStorage)
        assert Path(storage._base_dir) == home / "history" / "runs"
        assert os.environ[BATCH_SIZE_VARIABLE] == "1000"
        assert not instance.telemetry_enabled


def test_settings_file_has_the_daemon_start_queued_runs_within_a_second(tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    write_instance_settings(home)
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        coordinator = instance.run_coordinator
        assert isinstance(coordinator, QueuedRunCoordinator)
        assert coordinator.dequeue_interval_seconds == DEQUEUE_INTERVAL_SECONDS == 1


def _recorded(instance: dg.DagsterInstance) -> dict[str, object]:
    """What the event log holds for a run of every seed file, in terms that do not depend on ids."""
    run = instance.get_runs(limit=1)[0]
    logged = instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    per_table = {}
    for table in PER_FILE_TABLES:
        key = dg.AssetKey(table)
        records = instance.fetch_materializations(key, limit=1000).records
        latest = instance.get_latest_materialization_event(key)
        per_table[table] = {
            "partitions": sorted(instance.get_materialized_partitions(key)),
            "records": len(records),
            "latest_is_newest_record": latest is not None
            and latest.timestamp == max(record.timestamp for record in records),
            "metadata_keys": sorted(records[0].asset_materialization.metadata),
        }
    return {"in_run_log": Counter(event.dagster_event.asset_key.to_user_string() for event in logged), **per_table}


def test_a_run_is_recorded_as_dagsters_own_event_log_records_it(tmp_path: Path, seeds_dir: Path, materialize) -> None:
    """Fifteen files: the seeds, and the seeds twice more in subfolders."""
    originals = shutil.copytree(seeds_dir, tmp_path / "originals")
    for copy in ("copy_a", "copy_b"):
        shutil.copytree(originals, seeds_dir / copy)
    recorded = {}
    for name, overrides in {
        "batched": {"event_log_storage": event_log_storage(tmp_path / "batched_home")},
        "dagster": {},
    }.items():
        home = tmp_path / f"{name}_home"
        home.mkdir()
        with dg.instance_for_test(temp_dir=str(home), overrides=overrides) as instance:
            assert materialize(instance, seeds_dir, tmp_path / name).success
            files = instance.get_dynamic_partitions(SEED_FILES)
            recorded[name] = _recorded(instance)
    assert recorded["batched"] == recorded["dagster"]
    assert all(recorded["batched"][table]["partitions"] == sorted(files) for table in PER_FILE_TABLES)
    assert all(recorded["batched"][table]["latest_is_newest_record"] for table in PER_FILE_TABLES)
    assert recorded["batched"]["in_run_log"]["documents"] == len(files) == 15
