"""Parquet partition files: one file per table per seed file, written atomically.

`$WAREHOUSE_DIR/parquet/<table>/<doc_id>.parquet` holds one document's rows of one table. A file
is written under a temporary name and renamed into place, so a reader (or a killed run) only
ever sees whole files.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.lock import warehouse_lock
from warehouse.schema import TABLES, tables

SUFFIX = ".parquet"
TEMP_MARKER = ".tmp-"
# A zero-row file in each table folder carries the schema, so that
# read_parquet('<table>/*.parquet') works, with the right columns, even when a table is empty.
SCHEMA_FILE = "_schema.parquet"


def table_dir(warehouse_dir: Path, table: str) -> Path:
    return Path(warehouse_dir) / "parquet" / table


def partition_path(warehouse_dir: Path, table: str, partition_id: str) -> Path:
    if not partition_id.isalnum():
        raise ValueError(f"partition ids are alphanumeric, got {partition_id!r}")
    return table_dir(warehouse_dir, table) / f"{partition_id}{SUFFIX}"


def write_partition(warehouse_dir: Path, table: str, partition_id: str, data: pa.Table) -> Path:
    """Replace one partition's rows of one table; an empty table deletes the partition file."""
    target = partition_path(warehouse_dir, table, partition_id)
    if data.num_rows == 0:
        target.unlink(missing_ok=True)
    else:
        _write_atomically(target, data.cast(tables()[table].arrow_schema))
    return target


def _write_atomically(target: Path, data: pa.Table) -> None:
    """Write under a temporary name, flush, and rename into place: readers see the old file or the
    new one, whole."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f"{target.name}{TEMP_MARKER}{uuid.uuid4().hex}")
    try:
        pq.write_table(data, temporary, compression="zstd")
        fsync_path(temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    fsync_path(target.parent)


def replace_document(warehouse_dir: Path, partition_id: str, rows: dict[str, pa.Table]) -> None:
    """Replace one seed file's rows in every table together, under the warehouse lock, so a
    rebuild never sees some of its tables old and others new. Tables not in `rows` are emptied."""
    with warehouse_lock(warehouse_dir):
        for table in TABLES:
            data = rows.get(table, tables()[table].arrow_schema.empty_table())
            write_partition(warehouse_dir, table, partition_id, data)


def partition_ids(warehouse_dir: Path, table: str) -> set[str]:
    folder = table_dir(warehouse_dir, table)
    if not folder.is_dir():
        return set()
    stems = (path.name.removesuffix(SUFFIX) for path in folder.iterdir() if path.name.endswith(SUFFIX))
    return {stem for stem in stems if stem.isalnum()}


def read_partitions(warehouse_dir: Path, table: str, ids: Iterable[str] | None = None) -> pa.Table:
    """The rows of the given partitions (all of them when `ids` is None), in the warehouse schema."""
    schema = tables()[table].arrow_schema
    wanted = partition_ids(warehouse_dir, table) if ids is None else set(ids)
    paths = [partition_path(warehouse_dir, table, pid) for pid in sorted(wanted)]
    present = [str(path) for path in paths if path.exists()]
    if not present:
        return schema.empty_table()
    return pa.concat_tables(pq.read_table(path, schema=schema) for path in present)


def parquet_row_count(warehouse_dir: Path, table: str) -> int:
    """Rows in all of a table's partitions, read from the Parquet footers only."""
    return sum(
        pq.ParquetFile(partition_path(warehouse_dir, table, pid)).metadata.num_rows
        for pid in partition_ids(warehouse_dir, table)
    )


def prune_partitions(warehouse_dir: Path, keep: set[str]) -> list[str]:
    """Delete the partitions of every table that are not in `keep`; returns the ids removed."""
    removed: set[str] = set()
    for table in TABLES:
        for partition_id in partition_ids(warehouse_dir, table) - keep:
            partition_path(warehouse_dir, table, partition_id).unlink(missing_ok=True)
            removed.add(partition_id)
    return sorted(removed)


def write_schema_files(warehouse_dir: Path) -> None:
    """Give every table folder its zero-row schema file."""
    for table in TABLES:
        path = table_dir(warehouse_dir, table) / SCHEMA_FILE
        if not path.exists():
            _write_atomically(path, tables()[table].arrow_schema.empty_table())


def remove_temporary_files(warehouse_dir: Path) -> None:
    """Delete temporary files left by killed writers; call only while holding the warehouse lock."""
    for table in TABLES:
        folder = table_dir(warehouse_dir, table)
        if folder.is_dir():
            for path in folder.iterdir():
                if TEMP_MARKER in path.name:
                    path.unlink(missing_ok=True)


def fsync_path(path: Path) -> None:
    """Flush a file's or a folder's entries to disk, so a rename survives a crash."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
