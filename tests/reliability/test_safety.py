"""Safety: no path escapes the seeds or warehouse folder, quotes and SQL in names and folders are
only data, and the UI listens on 127.0.0.1 unless told otherwise."""

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_webserver.cli import DEFAULT_WEBSERVER_HOST

from assets.definitions import build_definitions
from assets.partitions import SEED_FILES, partition_range_tags, sync_seed_partitions
from assets.resources import SeedsFolder, Warehouse
from warehouse.database import database_path, rebuild_database
from warehouse.parquet import COMMITS_DIR

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SECRET = "Private notes\n\nThis file lies outside the seeds folder and must never be read.\n"
# Partition keys a person could add in the UI, each naming a file outside the seeds folder.
CLIMBING_KEYS = ("../outside.txt", "/etc/passwd", "sub/../../outside.txt", "./%2E%2E/outside.txt")
SQL_IN_NAMES = 'it\'s "quoted"; DROP TABLE documents; --'

Snapshot = dict[str, int | None]


def test_partition_keys_that_climb_out_are_refused_and_quotes_in_folders_are_only_data(
    tmp_path: Path, seeds_dir: Path, instance: dg.DagsterInstance, snapshot: Callable[[Path], Snapshot]
) -> None:
    seeds = tmp_path / f"seeds {SQL_IN_NAMES}"
    seeds_dir.rename(seeds)
    (seeds / f"{SQL_IN_NAMES}.txt").write_text("Talks resume\n\nDelegates met in Astana on Monday.\n")
    (tmp_path / "outside.txt").write_text(SECRET)
    warehouse_dir = tmp_path / f"warehouse {SQL_IN_NAMES}"
    sync_seed_partitions(instance, SeedsFolder(path=str(seeds)).files())
    instance.add_dynamic_partitions(SEED_FILES, list(CLIMBING_KEYS))
    keys = instance.get_dynamic_partitions(SEED_FILES)
    defs = build_definitions(SeedsFolder(path=str(seeds)), Warehouse(path=str(warehouse_dir)))
    job = defs.resolve_job_def("refresh_warehouse")
    assert job.execute_in_process(instance=instance, tags=partition_range_tags(keys[0], keys[-1])).success
    assert snapshot(database_path(warehouse_dir))["documents"] == 6
    with duckdb.connect(str(database_path(warehouse_dir)), read_only=True) as con:
        rejected = dict(con.execute("SELECT seed_file, rejection_code FROM rejected_documents").fetchall())
        leaked = con.execute("SELECT count(*) FROM documents WHERE raw_text LIKE '%must never be read%'").fetchone()
        quoted = con.execute("SELECT count(*) FROM documents WHERE seed_file = ?", [f"{SQL_IN_NAMES}.txt"]).fetchone()
    assert rejected == dict.fromkeys(["../outside.txt", "/etc/passwd", "sub/../../outside.txt", "./../outside.txt"],
                                     "unsafe_path")  # fmt: skip
    assert leaked == (0,) and quoted == (1,)
    outside = [path for path in tmp_path.iterdir() if path not in (seeds, warehouse_dir)]
    assert sorted(path.name for path in outside) == ["outside.txt"]


def test_a_commit_record_naming_a_path_outside_the_warehouse_is_refused(tmp_path: Path) -> None:
    warehouse_dir = tmp_path / "warehouse"
    (warehouse_dir / COMMITS_DIR).mkdir(parents=True)
    victim = tmp_path / "victim.parquet"
    victim.write_bytes(b"not the warehouse's")
    record = {"token": "0" * 32, "write": [], "delete": ["../victim.parquet"]}
    (warehouse_dir / COMMITS_DIR / "d1.json").write_text(json.dumps(record))
    with pytest.raises(ValueError, match="not a path inside the warehouse"):
        rebuild_database(warehouse_dir)
    assert victim.read_bytes() == b"not the warehouse's"


def test_the_ui_listens_on_localhost_by_default() -> None:
    env = {name: value for name, value in os.environ.items() if name not in ("HOST", "PORT")}
    planned = subprocess.run(["make", "-n", "ui"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    command = next(line for line in planned.stdout.splitlines() if " dev " in line)
    assert re.search(r" -h 127\.0\.0\.1 ", command), command
    # `dg dev` and a bare `dagster dev` pass no host, so the webserver's own default applies.
    assert DEFAULT_WEBSERVER_HOST == "127.0.0.1"
