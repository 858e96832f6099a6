"""The seeds-folder sensor: new, changed and deleted files become partitions and runs.

Unchanged files cost one `stat` per tick and no read: the warehouse records the size and mtime
of every file it holds, and a file is hashed only when its stamp differs from that record. The
cursor stays small: it keeps only the files whose latest stamp the warehouse does not hold yet
(runs requested but not finished, files touched without changing), and Dagster stores a copy of
it with every tick. A touched file whose bytes did not change requests nothing. All new files of
a tick become one run over a partition range.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import dagster as dg

from assets.jobs import rebuild_news_duckdb, refresh_warehouse
from assets.partitions import (
    SEED_FILES,
    contiguous_ranges,
    partition_differences,
    partition_key_for,
    partition_range_tags,
    seed_files_partitions,
)
from assets.resources import SeedsFolder, Warehouse
from pipelines.ingest import FileStamp, content_fingerprint

# The daemon's shortest sensor loop: a tick over 10,000 unchanged files costs 0.3 s, and a new file
# waits for the next tick before its run is requested.
SENSOR_INTERVAL_SECONDS = 5

# The state of a file: [size, mtime_ns, content fingerprint].
FileState = list
# cursor: partition key → the state of each file whose latest stamp the warehouse does not hold.
Cursor = dict[str, FileState]
RecordedStates = dict[str, tuple[int | None, int | None, str | None]]


@dataclass
class SeedChanges:
    """What one look at the seeds folder found, against the partitions, the warehouse and the cursor."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    to_process: set[str] = field(default_factory=set)
    cursor: Cursor = field(default_factory=dict)


def find_seed_changes(
    files: dict[str, FileStamp],
    known_keys: list[str],
    cursor: Cursor,
    recorded: RecordedStates,
    fingerprint: Callable[[str], str],
) -> SeedChanges:
    """Compare the folder with the known partitions, the states the warehouse recorded and the
    cursor; hash only the files whose stamp neither of them holds."""
    changes = SeedChanges()
    known = set(known_keys)
    for seed_file, stamp in files.items():
        key = partition_key_for(seed_file)
        if key not in known:
            changes.to_process.add(key)
        current = [stamp.size, stamp.mtime_ns]
        record = recorded.get(seed_file)
        if record is not None and list(record[:2]) == current:
            continue  # the warehouse holds this very state of the file
        pending = cursor.get(key)
        if pending is not None and pending[:2] == current:
            changes.cursor[key] = pending  # judged on an earlier tick
            continue
        content = fingerprint(seed_file)
        baseline = pending[2] if pending is not None else record[2] if record is not None else None
        if content != baseline:
            changes.to_process.add(key)
        changes.cursor[key] = [*current, content]
    changes.added, changes.removed = partition_differences(known, files)
    return changes


def run_requests_for(changes: SeedChanges, known_keys: list[str]) -> list[dg.RunRequest]:
    """One run per contiguous range of partitions to process (new files form one range at the end);
    a rebuild of the database alone when files were only deleted. No run keys: a file deleted, added
    back and deleted again must rebuild twice, and runs are idempotent, so a repeat costs only time."""
    removed = set(changes.removed)
    ordered = [key for key in known_keys if key not in removed] + changes.added
    requests = [
        dg.RunRequest(job_name=refresh_warehouse.name, tags=partition_range_tags(first, last))
        for first, last in contiguous_ranges(ordered, changes.to_process)
    ]
    if not requests and changes.removed:
        requests.append(dg.RunRequest(job_name=rebuild_news_duckdb.name))
    return requests


@dg.sensor(
    jobs=[refresh_warehouse, rebuild_news_duckdb],
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches the seeds folder: adds a partition for each new *.txt file and deletes the "
    "partition (and its rows) of each removed one, then requests one run per range of new or changed "
    "files. A file whose size and mtime match what the warehouse recorded is not read.",
)
def seed_files_sensor(context: dg.SensorEvaluationContext, seeds: SeedsFolder, warehouse: Warehouse) -> dg.SensorResult:
    known_keys = list(context.instance.get_dynamic_partitions(SEED_FILES))
    changes = find_seed_changes(
        files=seeds.files(),
        known_keys=known_keys,
        cursor=json.loads(context.cursor) if context.cursor else {},
        recorded=warehouse.recorded_seed_states(),
        fingerprint=lambda seed_file: content_fingerprint(seeds.root, seed_file, seeds.max_bytes),
    )
    requests = run_requests_for(changes, known_keys)
    if changes.added or changes.removed or requests:
        context.log.info(
            f"{len(changes.added)} new, {len(changes.removed)} removed, "
            f"{len(changes.to_process)} to process in {len(requests)} run(s)"
        )
    return dg.SensorResult(
        run_requests=requests,
        cursor=json.dumps(changes.cursor, sort_keys=True),
        dynamic_partitions_requests=[
            *([seed_files_partitions.build_add_request(changes.added)] if changes.added else []),
            *([seed_files_partitions.build_delete_request(changes.removed)] if changes.removed else []),
        ],
    )


def apply_partition_requests(instance: dg.DagsterInstance, result: dg.SensorResult) -> None:
    """Add and delete the partitions a tick asked for, as the daemon does before it launches the
    tick's runs; for ticking the sensor without a daemon (tests, the benchmark)."""
    for request in result.dynamic_partitions_requests:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(SEED_FILES, list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(SEED_FILES, key)
