"""The DuckDB file: prepared beside the live one, then swapped in.

A run never writes to the live `news.duckdb`. It prepares `.news.duckdb.<id>.building` beside it
and renames that over the old file, an atomic step on POSIX file systems. A reader holding the
old file open keeps reading the old, complete state until it reconnects; nothing it holds can
block a run, and nobody ever sees a half-written database.

Most runs change a few documents, so the new file starts as a copy of the live one and is patched:
the schema `build` records the stamp (size, mtime_ns, inode) of every Parquet file the database
holds rows of, and only the rows of files whose stamp changed are replaced: a per-document table's
by document; a corpus table, whose one file a run rewrites with nearly every row as it was, by
difference (rows compared whole), so the commit writes only the rows that changed. A copy of
another schema, views or DuckDB version, or a change to more than PATCH_MAX_SHARE of the
documents, is built from the Parquet files afresh instead. The views' tables are computed anew,
except fact_provenance's, whose rows each come from one document's rows: only the rows of the
documents whose rows changed are. The keys of every row loaded are verified, so a patched file
holds the same rows as a fresh one, and fails where a fresh build would.
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
    file_stamps,
    finish_interrupted_commits,
    fsync_path,
    parquet_row_count,
    prune_partitions,
    read_partitions,
    remove_temporary_files,
    table_files,
    write_schema_files,
)
from warehouse.schema import CORPUS_TABLES, KEYS, PARTITIONED_TABLES, TABLES, schema_sql, views_sql

DATABASE_FILE = "news.duckdb"
BUILDING_SUFFIX = ".building"
# Beyond this share of documents changed, building afresh costs about what patching does and
# leaves no deleted rows behind.
PATCH_MAX_SHARE = 0.2
# The view a patch keeps and patches per document: views.sql creates it last, so that what comes
# before its table is what a patch creates anew.
PATCHED_VIEW = "fact_provenance"
PATCHED_TABLE = f"materialized.{PATCHED_VIEW}"
# The tables the patched view's rows are computed from, each row from rows of its own document.
PATCHED_VIEW_SOURCES = ("documents", "sentences", "entity_mentions", "events")
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
            con.execute(f"INSERT INTO {table} BY NAME {_corpus_rows(warehouse_dir, table)}")
        con.execute(views_sql())
        for table in TABLES:
            _verify_keys(con, table)
        return _finish(con, sources)


def _patch(
    con: duckdb.DuckDBPyConnection, warehouse_dir: Path, stale: dict[str, list[str]], sources: Sources
) -> dict[str, int]:
    """Replace the rows of the files changed since the copy was built (`stale`: table → ids): a
    per-document table's by document, a corpus table's by difference; then compute the views'
    tables anew, the patched view's rows only for the documents whose rows changed."""
    con.execute("BEGIN")
    changed = {
        table: _patch_corpus(con, warehouse_dir, table)
        if table in CORPUS_TABLES
        else _patch_documents(con, warehouse_dir, table, stale[table], sources[table])
        for table in TABLES
        if stale[table]
    }
    _drop_views(con)
    con.execute(views_sql().split(f"CREATE TABLE {PATCHED_TABLE}")[0])
    _patch_view(con, set().union(*(changed.get(table, ()) for table in PATCHED_VIEW_SOURCES)))
    return _finish(con, sources)


def _patch_documents(
    con: duckdb.DuckDBPyConnection, warehouse_dir: Path, table: str, stale: list[str], present: dict[str, Stamp]
) -> set[str]:
    """Delete the stale documents' rows of a per-document table, load those whose file is present
    and verify their keys. Returns the documents whose rows changed."""
    con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT unnest($ids))", {"ids": stale})
    fresh = [doc_id for doc_id in stale if doc_id in present]
    if fresh:
        rows = read_partitions(warehouse_dir, table, fresh)
        con.from_arrow(rows).insert_into(table)
        con.register("loaded", rows)
        _verify_keys(con, table, "loaded")
        con.unregister("loaded")
    return set(stale)


def _patch_corpus(con: duckdb.DuckDBPyConnection, warehouse_dir: Path, table: str) -> set[str]:
    """Bring a corpus table to its file's rows by difference: delete the rows the file does not hold,
    insert the file's rows the table does not hold, and verify the keys as a load of the whole file
    would. Returns the documents of the rows deleted or inserted (none for a table without doc_id)."""
    rows = _corpus_rows(warehouse_dir, table)
    columns = con.table(table).columns
    [(held,)] = con.execute(f"SELECT count(*) FROM {table}").fetchall()
    same = " AND ".join(f"f.{column} IS NOT DISTINCT FROM t.{column}" for column in columns)
    con.execute(f"""
        CREATE TEMP TABLE difference AS
        SELECT t.rowid AS held, f.* FROM (SELECT *, true AS in_file FROM ({rows})) f FULL JOIN {table} t ON {same}
        WHERE f.in_file IS NULL OR t.rowid IS NULL
    """)  # fmt: skip
    document = "doc_id" if "doc_id" in columns else "NULL"
    removed = con.execute(
        f"DELETE FROM {table} WHERE rowid IN (SELECT held FROM difference WHERE in_file IS NULL) RETURNING {document}"
    ).fetchall()
    added = con.execute(
        f"INSERT INTO {table} SELECT {', '.join(columns)} FROM difference WHERE held IS NULL RETURNING {document}"
    ).fetchall()
    # The table's keys were unique, so a key the file repeats is in a row inserted now, or in rows
    # that each matched the one held row with that key: then more of the file's rows matched than held rows.
    matched_twice = (parquet_row_count(warehouse_dir, table) - len(added)) - (held - len(removed))
    _verify_keys(con, table, "(FROM difference WHERE held IS NULL)", matched_twice)
    con.execute("DROP TABLE difference")
    return {doc_id for (doc_id,) in removed + added} - {None}


def _corpus_rows(warehouse_dir: Path, table: str) -> str:
    """A query of a corpus table's file's rows, in the table's columns matched by name: a file written
    before a column was added has null there. No rows without a file."""
    files = [f"(FROM read_parquet({_literal(str(path))}))" for path in table_files(warehouse_dir, table)]
    return f"SELECT * FROM ({' UNION ALL BY NAME '.join([f'(FROM {table} LIMIT 0)', *files])})"


def _literal(text: str) -> str:
    """Text as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _patch_view(con: duckdb.DuckDBPyConnection, documents: set[str]) -> None:
    """Compute the patched view's rows anew for these documents alone, with the query views.sql fills
    its table with: the other documents' rows are as they were."""
    query = views_sql().split(f"INSERT INTO {PATCHED_TABLE}", 1)[1].split(";", 1)[0]
    ids = {"ids": sorted(documents)}
    con.execute(f"DELETE FROM {PATCHED_TABLE} WHERE doc_id IN (SELECT unnest($ids))", ids)
    con.execute(f"INSERT INTO {PATCHED_TABLE} SELECT * FROM ({query}) WHERE doc_id IN (SELECT unnest($ids))", ids)


def _finish(con: duckdb.DuckDBPyConnection, sources: Sources) -> dict[str, int]:
    """In the transaction the caller began: record the source files; commit once and checkpoint.
    Returns each table's row count."""
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
    """What a patch must share with the database it patches: the tables' schema, the views (whose
    patched one keeps rows computed by the copy's) and DuckDB's version."""
    return hashlib.sha256(f"{schema_sql()}{views_sql()}{BUILD_SQL}{duckdb.__version__}".encode()).hexdigest()


def _sources_table(sources: Sources) -> pa.Table:
    """One row per source file, as `build.source_files` holds them."""
    entries = [(table, pid, *stamp) for table, stamps in sources.items() for pid, stamp in stamps.items()]
    columns = list(zip(*entries, strict=True)) or [()] * len(SOURCE_SCHEMA)
    return pa.table([list(column) for column in columns], schema=SOURCE_SCHEMA)


def _drop_views(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the views and tables `views.sql` creates, but the patched view and its table, to create them anew."""
    views = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' AND view_name <> ?",
        [PATCHED_VIEW],
    ).fetchall()
    for (view,) in views:
        con.execute(f"DROP VIEW {view}")
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'materialized' AND table_name <> ?", [PATCHED_VIEW]
    ).fetchall()
    for (table,) in tables:
        con.execute(f"DROP TABLE materialized.{table}")


def _verify_keys(con: duckdb.DuckDBPyConnection, table: str, loaded: str = "", collapsed: int = 0) -> None:
    """Fail when the table holds two rows with one key (KEYS). Given the rows just `loaded` into a table
    whose keys were unique, only the rows with their keys are looked at; `collapsed` counts file rows
    that repeated a row the table holds once."""
    columns = ", ".join(KEYS[table])
    rows = f"{table} SEMI JOIN {loaded} USING ({columns})" if loaded else table
    [(repeats,)] = con.execute(f"SELECT count(*) - count(DISTINCT ({columns})) FROM {rows}").fetchall()
    if repeats + collapsed:
        raise DuplicateKeys(
            f"{table}: {repeats + collapsed} row(s) repeat a key ({columns}); news.duckdb is left as it was"
        )


def _in_one_transaction(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run a script of statements as one transaction, committed once."""
    con.execute("BEGIN")
    con.execute(sql)
    con.execute("COMMIT")


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
