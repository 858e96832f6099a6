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
    corpus_path,
    finish_interrupted_commits,
    fsync_path,
    prune_partitions,
    read_partitions,
    remove_temporary_files,
    write_schema_files,
)
from warehouse.schema import CORPUS_TABLES, PARTITIONED_TABLES, TABLES, schema_sql, views_sql

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
    """Create the tables, load their rows, then compute the views' tables. A per-document table's
    rows come from its snapshot and the files changed since (`read_partitions`), not one file per
    document. The schema and the views are each one transaction: one commit instead of one per
    statement (each a flush)."""
    with duckdb.connect(str(target)) as con:
        _in_one_transaction(con, schema_sql())
        for table in PARTITIONED_TABLES:
            con.from_arrow(read_partitions(warehouse_dir, table)).insert_into(table)
        for table in CORPUS_TABLES:
            _load_corpus(con, warehouse_dir, table)
        _in_one_transaction(con, views_sql())
        counts = {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
        con.execute("CHECKPOINT")
    return counts


def _in_one_transaction(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run a script of statements as one transaction, committed once."""
    con.execute("BEGIN")
    con.execute(sql)
    con.execute("COMMIT")


def _load_corpus(con: duckdb.DuckDBPyConnection, warehouse_dir: Path, table: str) -> None:
    """Insert a corpus table's file, its columns matched by name: a file written before a column was
    added loads with null there."""
    path = corpus_path(warehouse_dir, table)
    if path.exists():
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet(?)", [str(path)])


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
