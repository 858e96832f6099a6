"""The DuckDB file: prepared beside the live one, then swapped in.

A run never writes to the live `news.duckdb`. It prepares `.news.duckdb.<id>.building` beside it
and renames that over the old file, an atomic step on POSIX file systems. A reader holding the
old file open keeps reading the old, complete state until it reconnects; nothing it holds can
block a run, and nobody ever sees a half-written database.

Most runs change a few documents, so the new file starts as a copy of the live one and is patched:
the schema `build` records the stamp (size, mtime_ns, inode) of every Parquet file the database
holds rows of, and only the rows of files whose stamp changed are replaced. A copy of another
schema or DuckDB version, or a change to more than PATCH_MAX_SHARE of the documents, is built from
the Parquet files afresh instead. The views' tables are computed anew either way, and the tables'
keys verified, so a patched file holds the same rows as a fresh one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.lock import warehouse_lock
from warehouse.parquet import (
    Stamp,
    corpus_path,
    file_stamps,
    finish_interrupted_commits,
    fsync_path,
    prune_partitions,
    read_partitions,
    remove_temporary_files,
    write_schema_files,
)
from warehouse.schema import CORPUS_TABLES, KEYS, PARTITIONED_TABLES, TABLES, schema_sql, views_sql

DATABASE_FILE = "news.duckdb"
BUILDING_SUFFIX = ".building"
# Beyond this share of documents changed, building afresh costs about what patching does and
# leaves no deleted rows behind.
PATCH_MAX_SHARE = 0.2
# What the database records of its own build: the files it holds rows of, and the schema it was made with.
BUILD_SQL = """
CREATE SCHEMA build;
CREATE TABLE build.source_files (
    table_name VARCHAR NOT NULL, partition_id VARCHAR NOT NULL, size BIGINT, mtime_ns BIGINT, inode BIGINT
);
COMMENT ON TABLE build.source_files IS 'The Parquet files whose rows this database holds, stamped when read.';
CREATE TABLE build.format (fingerprint VARCHAR NOT NULL);
COMMENT ON TABLE build.format IS 'The schema and DuckDB version the file was built with: a patch needs the same.';
"""
SOURCE_SCHEMA = pa.schema(
    [("table_name", pa.string()), ("partition_id", pa.string()), ("size", pa.int64()), ("mtime_ns", pa.int64()),
     ("inode", pa.int64())]
)  # fmt: skip
# table → partition id (or CORPUS_ID) → the stamp of the file its rows came from.
Sources = dict[str, dict[str, Stamp]]


class DuplicateKeys(ValueError):
    """A table holds two rows with one key: the build stops before it replaces the live database."""


def database_path(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / DATABASE_FILE


def connect_read_only(warehouse_dir: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current database file."""
    return duckdb.connect(str(database_path(warehouse_dir)), read_only=True)


def rebuild_database(warehouse_dir: Path, keep_partitions: Iterable[str] | None = None) -> dict[str, int]:
    """Drop partitions not in `keep_partitions` (when given), bring a copy of the database up to
    every Parquet file (or build one afresh), and swap it in. Returns the row count of each table."""
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
            counts = _prepare(warehouse_dir, building)
            os.replace(building, database_path(warehouse_dir))
            fsync_path(warehouse_dir)
        finally:
            building.unlink(missing_ok=True)
            Path(f"{building}.wal").unlink(missing_ok=True)
    return counts


def _prepare(warehouse_dir: Path, building: Path) -> dict[str, int]:
    """Patch a copy of the live database when it can be, else build one afresh, at `building`."""
    sources = {table: file_stamps(warehouse_dir, table) for table in TABLES}
    live = database_path(warehouse_dir)
    if live.exists():
        shutil.copyfile(live, building)
        with duckdb.connect(str(building)) as con:
            recorded = _recorded_sources(con)
            if recorded is not None:
                stale = {table: _changed(recorded[table], sources[table]) for table in TABLES}
                if _worth_patching(stale, max(len(sources["documents"]), len(recorded["documents"]))):
                    return _patch(con, warehouse_dir, stale, sources)
        building.unlink()
    return _build(warehouse_dir, building, sources)


def _build(warehouse_dir: Path, target: Path, sources: Sources) -> dict[str, int]:
    """Create the tables and load every source file's rows. A per-document table's rows come from
    its snapshot and the files changed since (`read_partitions`), not one file per document."""
    with duckdb.connect(str(target)) as con:
        _in_one_transaction(con, schema_sql() + BUILD_SQL)
        con.execute("INSERT INTO build.format VALUES (?)", [_fingerprint()])
        con.execute("BEGIN")
        for table in PARTITIONED_TABLES:
            con.from_arrow(read_partitions(warehouse_dir, table, sources[table])).insert_into(table)
        for table in CORPUS_TABLES:
            _load_corpus(con, warehouse_dir, table)
        return _finish(con, sources, TABLES)


def _patch(
    con: duckdb.DuckDBPyConnection, warehouse_dir: Path, stale: dict[str, list[str]], sources: Sources
) -> dict[str, int]:
    """Replace the rows of the files changed since the copy was built (`stale`: table → ids): a
    per-document table's by document, a corpus table's whole; then compute the views anew."""
    con.execute("BEGIN")
    changed = [table for table in TABLES if stale[table]]
    for table in changed:
        if table in CORPUS_TABLES:
            con.execute(f"DELETE FROM {table}")
            _load_corpus(con, warehouse_dir, table)
        else:
            _patch_documents(con, warehouse_dir, table, stale[table], sources[table])
    _drop_views(con)
    return _finish(con, sources, changed)


def _patch_documents(
    con: duckdb.DuckDBPyConnection, warehouse_dir: Path, table: str, stale: list[str], present: dict[str, Stamp]
) -> None:
    """Delete the stale documents' rows of a per-document table and load those whose file is present."""
    con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT unnest($ids))", {"ids": stale})
    fresh = [doc_id for doc_id in stale if doc_id in present]
    if fresh:
        con.from_arrow(read_partitions(warehouse_dir, table, fresh)).insert_into(table)


def _finish(con: duckdb.DuckDBPyConnection, sources: Sources, loaded: Iterable[str]) -> dict[str, int]:
    """In the transaction the caller began: compute the views' tables, verify the keys of the tables
    it loaded rows into, record the source files; commit once and checkpoint. Returns each table's row count."""
    con.execute(views_sql())
    _verify_keys(con, loaded)
    con.execute("DELETE FROM build.source_files")
    con.from_arrow(_sources_table(sources)).insert_into("build.source_files")
    con.execute("COMMIT")
    counts = {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
    con.execute("CHECKPOINT")
    return counts


def _changed(recorded: dict[str, Stamp], current: dict[str, Stamp]) -> list[str]:
    """The ids whose file is new, replaced or gone since the database read it, in order."""
    replaced = {pid for pid, stamp in current.items() if recorded.get(pid) != stamp}
    return sorted(replaced | (recorded.keys() - current.keys()))


def _worth_patching(stale: dict[str, list[str]], documents: int) -> bool:
    """Whether few enough of the documents changed that patching beats building afresh."""
    return max(len(stale[table]) for table in PARTITIONED_TABLES) <= PATCH_MAX_SHARE * max(documents, 1)


def _recorded_sources(con: duckdb.DuckDBPyConnection) -> Sources | None:
    """The source files a database holds rows of, or None when it was built without that record,
    with another schema or by another DuckDB version: then only a fresh build will do."""
    try:
        (fingerprint,) = con.execute("SELECT fingerprint FROM build.format").fetchone() or (None,)
        rows = con.execute("SELECT table_name, partition_id, size, mtime_ns, inode FROM build.source_files").fetchall()
    except duckdb.CatalogException:
        return None
    if fingerprint != _fingerprint():
        return None
    recorded: Sources = {table: {} for table in TABLES}
    for table, partition_id, *stamp in rows:
        recorded.setdefault(table, {})[partition_id] = tuple(stamp)
    return recorded


def _fingerprint() -> str:
    """What a patch must share with the database it patches: the tables' schema and DuckDB's version."""
    return hashlib.sha256(f"{schema_sql()}{BUILD_SQL}{duckdb.__version__}".encode()).hexdigest()


def _sources_table(sources: Sources) -> pa.Table:
    """One row per source file, as `build.source_files` holds them."""
    entries = [(table, pid, *stamp) for table, stamps in sources.items() for pid, stamp in stamps.items()]
    columns = list(zip(*entries, strict=True)) or [()] * len(SOURCE_SCHEMA)
    return pa.table([list(column) for column in columns], schema=SOURCE_SCHEMA)


def _drop_views(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what `views.sql` creates (its views, and the schema of their tables), to create it anew."""
    views = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'").fetchall()
    for (view,) in views:
        con.execute(f"DROP VIEW {view}")
    con.execute("DROP SCHEMA IF EXISTS materialized CASCADE")


def _verify_keys(con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> None:
    """Fail when one of the tables holds two rows with one key (KEYS)."""
    for table in tables:
        columns = ", ".join(KEYS[table])
        (repeats,) = con.execute(f"SELECT count(*) - count(DISTINCT ({columns})) FROM {table}").fetchone()
        if repeats:
            raise DuplicateKeys(f"{table}: {repeats} row(s) repeat a key ({columns}); news.duckdb is left as it was")


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
