"""The DuckDB file: rebuilt from the Parquet partitions into a new file, then swapped in.

A run never writes to the live `news.duckdb`. It builds `.news.duckdb.<id>.building` beside it
and renames that over the old file, an atomic step on POSIX file systems. A reader holding the
old file open keeps reading the old, complete state until it reconnects; nothing it holds can
block a run, and nobody ever sees a half-written database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from pathlib import Path

import duckdb

from warehouse.lock import warehouse_lock
from warehouse.parquet import (
    finish_interrupted_commits,
    fsync_path,
    prune_partitions,
    remove_temporary_files,
    table_files,
    write_schema_files,
)
from warehouse.schema import TABLES, schema_sql, views_sql

DATABASE_FILE = "news.duckdb"
BUILDING_SUFFIX = ".building"


def database_path(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / DATABASE_FILE


def connect_read_only(warehouse_dir: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current database file."""
    return duckdb.connect(str(database_path(warehouse_dir)), read_only=True)


def rebuild_database(warehouse_dir: Path, keep_partitions: Iterable[str] | None = None) -> dict[str, int]:
    """Drop partitions not in `keep_partitions` (when given), build a fresh database from every
    Parquet partition, and swap it in. Returns the row count of each table."""
    warehouse_dir = Path(warehouse_dir)
    with warehouse_lock(warehouse_dir):
        finish_interrupted_commits(warehouse_dir)
        remove_temporary_files(warehouse_dir)
        _remove_abandoned_builds(warehouse_dir)
        write_schema_files(warehouse_dir)
        if keep_partitions is not None:
            prune_partitions(warehouse_dir, set(keep_partitions))
        building = warehouse_dir / f".{DATABASE_FILE}.{uuid.uuid4().hex}{BUILDING_SUFFIX}"
        try:
            counts = _build(warehouse_dir, building)
            os.replace(building, database_path(warehouse_dir))
            fsync_path(warehouse_dir)
        finally:
            building.unlink(missing_ok=True)
            Path(f"{building}.wal").unlink(missing_ok=True)
    return counts


def _build(warehouse_dir: Path, target: Path) -> dict[str, int]:
    """Create the tables, load their Parquet files, then compute the views' tables. The schema and
    the views are each one transaction: one commit instead of one per statement (each a flush)."""
    with duckdb.connect(str(target)) as con:
        _in_one_transaction(con, schema_sql())
        for table in TABLES:
            _load(con, table, [str(path) for path in table_files(warehouse_dir, table)])
        _in_one_transaction(con, views_sql())
        counts = {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
        con.execute("CHECKPOINT")
    return counts


def _in_one_transaction(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run a script of statements as one transaction, committed once."""
    con.execute("BEGIN")
    con.execute(sql)
    con.execute("COMMIT")


def _load(con: duckdb.DuckDBPyConnection, table: str, files: list[str]) -> None:
    """Insert a table's files in one parallel scan. The scan takes its columns from the first file
    and fails on a later file that lacks one; files written before a column was added (null there)
    are then matched by name instead, which reads every file's schema first, one at a time."""
    if not files:
        return
    if con.read_parquet(files[0]).columns == con.table(table).columns:
        try:
            con.execute(f"INSERT INTO {table} SELECT * FROM read_parquet(?)", [files])
            return
        except duckdb.InvalidInputException:
            pass  # a file's columns differ from the first's: matched by name below
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?, union_by_name = true)", [files])


def _remove_abandoned_builds(warehouse_dir: Path) -> None:
    """Builds left behind by killed runs; safe to delete because the caller holds the lock."""
    for path in warehouse_dir.glob(f".{DATABASE_FILE}.*"):
        path.unlink(missing_ok=True)


def table_counts(warehouse_dir: Path) -> dict[str, int]:
    """Row counts of the live database, read-only; empty when there is no database yet."""
    if not database_path(warehouse_dir).exists():
        return {}
    with connect_read_only(warehouse_dir) as con:
        return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def recorded_seed_states(warehouse_dir: Path) -> dict[str, tuple[int | None, int | None, str | None]]:
    """seed_file → (size, mtime_ns, sha256) of every file the live database holds, accepted or
    rejected: what the files were when they were last processed."""
    if not database_path(warehouse_dir).exists():
        return {}
    with connect_read_only(warehouse_dir) as con:
        rows = con.execute(
            "SELECT seed_file, seed_size, seed_mtime_ns, seed_sha256 FROM documents "
            "UNION ALL SELECT seed_file, seed_size, seed_mtime_ns, seed_sha256 FROM rejected_documents"
        ).fetchall()
    return {seed_file: (size, mtime_ns, sha) for seed_file, size, mtime_ns, sha in rows}
