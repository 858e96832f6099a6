"""The `newsevents` commands that talk to Dagster: `run` (one run over the new and changed seed
files, with its progress printed as the run's events arrive) and `status` (files, partitions,
materializations, rows)."""

import logging
import os
import sys
import time
import uuid
import warnings
from dataclasses import astuple
from datetime import UTC, datetime
from functools import partial
from typing import TextIO

import dagster as dg
from dagster_shared.error import SerializableErrorInfo

from assets.partitions import SEED_FILES, partition_key_for, partition_range_tags, sync_seed_partitions
from assets.resources import SeedsFolder, Warehouse
from assets.sensors import find_seed_changes
from pipelines.ingest import FileStamp, content_fingerprint
from warehouse.briefing import briefing_path
from warehouse.database import database_path
from warehouse.parquet import table_dir
from warehouse.query import format_table, rejected_files

QUIET_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
# How much of a step's log message a progress line shows.
MESSAGE_CHARS = 110


def run_everything(every_file: bool = False) -> int:
    """Sync partitions with the seeds folder, then in one run without a daemon process the files that
    are new or changed since the warehouse took them (every file with `every_file`), resolve
    entities, code events and bring news.duckdb up to date."""
    defs = _definitions()
    started = time.monotonic()
    seeds: SeedsFolder = defs.resources["seeds"]
    warehouse: Warehouse = defs.resources["warehouse"]
    instance = _instance() or dg.DagsterInstance.ephemeral()
    try:
        files = seeds.files()
    except NotADirectoryError as error:
        print(f"newsevents: {error}", file=sys.stderr)
        return 2
    sync_seed_partitions(instance, files)
    keys = instance.get_dynamic_partitions(SEED_FILES)
    span = keys if every_file else _span_to_process(keys, _changed_keys(seeds, warehouse, files, keys))
    if span:
        job, tags = defs.resolve_job_def("refresh_warehouse"), partition_range_tags(span[0], span[-1])
    else:
        job, tags = defs.resolve_job_def("rebuild_news_duckdb"), {}
    run_id = str(uuid.uuid4())
    progress = RunProgress(started, _asset_steps(defs), sys.stderr)
    instance.add_event_listener(run_id, progress)
    progress.say("run", f"{len(files)} seed files in {seeds.root}, {len(span)} to process: job {job.name}")
    result = job.execute_in_process(
        instance=instance, tags=tags, run_config=QUIET_RUN_CONFIG, run_id=run_id, raise_on_error=False
    )
    _print_summary(len(files), seeds, warehouse, result, time.monotonic() - started, progress)
    return 0 if result.success else 1


def _changed_keys(seeds: SeedsFolder, warehouse: Warehouse, files: dict[str, FileStamp], keys: list[str]) -> set[str]:
    """The partitions whose file the warehouse does not hold as it is now, judged as the sensor
    judges them: by size and mtime, and by content only when those differ. A file the warehouse
    never took is new without reading it (the sensor hashes it for its cursor; a run keeps none)."""
    recorded = warehouse.recorded_seed_states()
    fingerprint = partial(content_fingerprint, seeds.root, max_bytes=seeds.max_bytes)
    taken = {seed_file: stamp for seed_file, stamp in files.items() if seed_file in recorded}
    new = {partition_key_for(seed_file) for seed_file in files.keys() - taken.keys()}
    return new | find_seed_changes(taken, keys, {}, recorded, fingerprint).to_process


def _span_to_process(keys: list[str], changed: set[str]) -> list[str]:
    """The partitions from the first changed one to the last: one run covers a range, and new files
    are added at the end, so the files between two changed ones are few or none in the usual case."""
    positions = [index for index, key in enumerate(keys) if key in changed]
    return keys[positions[0] : positions[-1] + 1] if positions else []


class RunProgress:
    """Prints a line per stage of a run as its events arrive: each asset step's start and end, the
    progress it logs ("500 of 10000 files processed"), and failed checks; with seconds elapsed."""

    def __init__(self, started: float, asset_steps: set[str], stream: TextIO) -> None:
        self.started = started
        self.asset_steps = asset_steps
        self.stream = stream
        self.checks_passed = 0
        self.checks_failed = 0
        self.step_started: dict[str, float] = {}

    def __call__(self, entry: dg.EventLogEntry) -> None:
        """Called by the instance with each event of the run, in the run's own thread."""
        step, event = entry.step_key, entry.dagster_event
        if event is None:
            if step in self.asset_steps and entry.level == logging.INFO:
                self.say(step, entry.user_message)
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            self._count_check(event)
        elif step in self.asset_steps and event.event_type == dg.DagsterEventType.STEP_START:
            self.step_started[step] = time.monotonic()
            self.say(step, "started")
        elif step in self.asset_steps and event.event_type == dg.DagsterEventType.STEP_SUCCESS:
            self.say(step, f"done in {time.monotonic() - self.step_started.get(step, self.started):.1f} s")
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
            self.say(step or "run", "FAILED")

    def _count_check(self, event: dg.DagsterEvent) -> None:
        evaluation = event.asset_check_evaluation_data
        if evaluation.passed:
            self.checks_passed += 1
        else:
            self.checks_failed += 1
            self.say("check", f"{evaluation.check_name} on {evaluation.asset_key.to_user_string()} FAILED")

    def say(self, stage: str, message: str) -> None:
        first_line = message.strip().splitlines()[0] if message.strip() else ""
        elapsed = time.monotonic() - self.started
        print(f"[{elapsed:7.1f} s] {stage:<18} {first_line[:MESSAGE_CHARS]}", file=self.stream, flush=True)


def _print_summary(
    n_files: int,
    seeds: SeedsFolder,
    warehouse: Warehouse,
    result: dg.ExecuteInProcessResult,
    seconds: float,
    progress: RunProgress,
) -> None:
    print(f"\n{'Run succeeded' if result.success else 'Run FAILED'} in {seconds:.1f} s (run id {result.run_id})")
    print(f"  seed files     {n_files} in {seeds.root}")
    for table, count in warehouse.counts().items():
        print(f"  {table:<18} {count} rows")
    print(f"  checks         {progress.checks_passed} passed, {progress.checks_failed} failed")
    print(f"  DuckDB         {database_path(warehouse.root)}")
    print(f"  Parquet        {table_dir(warehouse.root, '<table>')}")
    if briefing_path(warehouse.root).is_file():
        print(f"  Briefing       {briefing_path(warehouse.root)}")
    for event in result.all_events:
        if event.is_failure:
            cause = f" {_raised(event.step_failure_data.error)}" if event.is_step_failure else ""
            print(f"  failed: {event.message}{cause}", file=sys.stderr)


def _raised(error: SerializableErrorInfo) -> str:
    """The error the step's code raised, without Dagster's wrapper: what went wrong (a full disk…)."""
    return (error.cause or error).message.strip()


def print_status() -> int:
    """What the warehouse holds and how it came to be: the seeds folder against the partitions and the
    files the warehouse recorded, the last materialization of each asset, rows, and rejected files."""
    defs = _definitions()
    seeds: SeedsFolder = defs.resources["seeds"]
    warehouse: Warehouse = defs.resources["warehouse"]
    instance = _instance()
    try:
        files = seeds.files()
    except NotADirectoryError as error:
        print(f"newsevents: {error}", file=sys.stderr)
        return 2
    print(f"Seeds folder    {seeds.root}")
    print(f"  files         {_folder_state(files, warehouse.recorded_seed_states())}")
    print(f"Warehouse       {database_path(warehouse.root)}{_built(warehouse)}")
    if instance is None:
        print("Dagster         $DAGSTER_HOME is not set: no instance to read partitions and materializations from")
    else:
        _print_instance(instance, defs, files)
    print("Rows")
    for table, count in warehouse.counts().items():
        print(f"  {table:<20} {count}")
    _print_rejected(warehouse)
    return 0


def _folder_state(files: dict[str, FileStamp], recorded: dict[str, tuple]) -> str:
    """How the folder differs from what the warehouse recorded: new, changed and gone files."""
    changed = sum(1 for name, stamp in files.items() if name in recorded and recorded[name][:2] != astuple(stamp))
    return (
        f"{len(files)} ({len(files.keys() - recorded.keys())} not in the warehouse yet, {changed} changed since "
        f"processed, {len(recorded.keys() - files.keys())} gone but still in it)"
    )


def _print_instance(instance: dg.DagsterInstance, defs: dg.Definitions, files: dict[str, FileStamp]) -> None:
    """Partitions against the folder, the last run, and the last materialization of each asset."""
    keys = set(instance.get_dynamic_partitions(SEED_FILES))
    wanted = {partition_key_for(seed_file) for seed_file in files}
    print(f"Dagster         {instance.root_directory}")
    print(f"  partitions    {len(keys)} in {SEED_FILES} ({len(wanted - keys)} files without one, "
          f"{len(keys - wanted)} without a file)")  # fmt: skip
    runs = instance.get_runs(limit=1)
    if runs:
        print(f"  last run      {runs[0].run_id} {runs[0].job_name}: {runs[0].status.value}")
    print("  last materialization per asset")
    asset_keys = sorted(defs.resolve_asset_graph().get_all_asset_keys(), key=lambda key: key.to_user_string())
    latest = instance.get_latest_materialization_events(asset_keys)
    for key in asset_keys:
        entry = latest.get(key)
        when = "never" if entry is None else f"{_time(entry.timestamp)} in run {entry.run_id[:8]}"
        print(f"    {key.to_user_string():<20} {when}")


def _print_rejected(warehouse: Warehouse) -> None:
    if not database_path(warehouse.root).exists():
        return
    rejected = rejected_files(warehouse.root)
    print(f"Rejected files  {len(rejected.rows)}")
    if rejected.rows:
        print("  " + format_table(rejected).rstrip("\n").replace("\n", "\n  "))


def _built(warehouse: Warehouse) -> str:
    path = database_path(warehouse.root)
    if not path.exists():
        return ": not built yet (run `newsevents run`)"
    return f", built {_time(path.stat().st_mtime)}, {path.stat().st_size / 1e6:.1f} MB"


def _time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _asset_steps(defs: dg.Definitions) -> set[str]:
    """The steps that materialize assets (not checks), whose progress a run prints."""
    return {assets.node_def.name for assets in defs.resolve_asset_graph().assets_defs if assets.keys}


def _instance() -> dg.DagsterInstance | None:
    """The instance at $DAGSTER_HOME, the one `make run` and `make ui` share; None when it is unset."""
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else None


def _definitions() -> dg.Definitions:
    warnings.filterwarnings("ignore", category=dg.BetaWarning)  # code references; dagster is pinned
    warnings.filterwarnings("ignore", category=dg.PreviewWarning)  # partitioned checks; likewise
    from assets.definitions import defs

    return defs
