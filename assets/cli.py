"""`newsevents`: the project's command line. `newsevents run` is what `make run` calls."""

import argparse
import os
import sys
import time
import warnings

import dagster as dg
from dagster_shared.error import SerializableErrorInfo

from assets.partitions import SEED_FILES, partition_range_tags, sync_seed_partitions
from assets.resources import SeedsFolder, Warehouse
from warehouse.database import database_path
from warehouse.parquet import table_dir

QUIET_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newsevents", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="materialize every asset for every seed file, in one Dagster run")
    parser.parse_args(argv)
    return run_everything()


def run_everything() -> int:
    """Sync partitions with the seeds folder and materialize them all in one run, without a daemon."""
    warnings.filterwarnings("ignore", category=dg.BetaWarning)  # code references; dagster is pinned
    warnings.filterwarnings("ignore", category=dg.PreviewWarning)  # partitioned checks; likewise
    from assets.definitions import defs

    started = time.monotonic()
    seeds: SeedsFolder = defs.resources["seeds"]
    warehouse: Warehouse = defs.resources["warehouse"]
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    try:
        files = seeds.files()
    except NotADirectoryError as error:
        print(f"newsevents: {error}", file=sys.stderr)
        return 2
    sync_seed_partitions(instance, files)
    keys = instance.get_dynamic_partitions(SEED_FILES)
    if keys:
        job, tags = defs.resolve_job_def("refresh_warehouse"), partition_range_tags(keys[0], keys[-1])
    else:
        job, tags = defs.resolve_job_def("rebuild_news_duckdb"), {}
    result = job.execute_in_process(instance=instance, tags=tags, run_config=QUIET_RUN_CONFIG, raise_on_error=False)
    _print_summary(len(files), seeds, warehouse, result, time.monotonic() - started)
    return 0 if result.success else 1


def _print_summary(
    n_files: int, seeds: SeedsFolder, warehouse: Warehouse, result: dg.ExecuteInProcessResult, seconds: float
) -> None:
    print(f"\n{'Run succeeded' if result.success else 'Run FAILED'} in {seconds:.1f} s (run id {result.run_id})")
    print(f"  seed files     {n_files} in {seeds.root}")
    for table, count in warehouse.counts().items():
        print(f"  {table:<18} {count} rows")
    print(f"  DuckDB         {database_path(warehouse.root)}")
    print(f"  Parquet        {table_dir(warehouse.root, '<table>')}")
    for event in result.all_events:
        if event.is_failure:
            cause = f" {_raised(event.step_failure_data.error)}" if event.is_step_failure else ""
            print(f"  failed: {event.message}{cause}", file=sys.stderr)


def _raised(error: SerializableErrorInfo) -> str:
    """The error the step's code raised, without Dagster's wrapper: what went wrong (a full disk…)."""
    return (error.cause or error).message.strip()


if __name__ == "__main__":
    sys.exit(main())
