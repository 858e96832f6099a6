"""Parquet files, written atomically: one file per seed file for the per-document tables, one
file for each table computed across the corpus.

`$WAREHOUSE_DIR/parquet/<table>/<doc_id>.parquet` holds one document's rows of one table, and
`$WAREHOUSE_DIR/parquet/<table>/corpus.parquet` a corpus table's rows. A file is written under a
temporary name and renamed into place, so a reader (or a killed run) only ever sees whole files.
"""

from __future__ import annotations

import ctypes
import json
import os
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.lock import warehouse_lock
from warehouse.schema import CORPUS_TABLES, PARTITIONED_TABLES, TABLES, tables

SUFFIX = ".parquet"
TEMP_MARKER = ".tmp-"
# A zero-row file in each table folder carries the schema, so that
# read_parquet('<table>/*.parquet') works, with the right columns, even when a table is empty.
SCHEMA_FILE = "_schema.parquet"
# The one file of a table computed across all documents.
CORPUS_FILE = "corpus.parquet"
# Commit records of multi-file replacements in progress, in the warehouse folder.
COMMITS_DIR = ".commits"
# Linux's syncfs(2), which flushes one file system at once; None elsewhere.
_SYNCFS = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)


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
    _replace_file(target, lambda path: _write_parquet(path, data))


def _replace_file(target: Path, write: Callable[[Path], object]) -> None:
    """Write a file with `write` under a temporary name, flush it, and rename it over `target`."""
    temporary = _temporary_path(target, uuid.uuid4().hex)
    try:
        _write_flushed(temporary, write)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    fsync_path(target.parent)


def _write_parquet(path: Path, data: pa.Table) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(data, path, compression="zstd")


def _flush_files(warehouse_dir: Path, paths: list[Path]) -> None:
    """Flush written files to disk before a commit record names them: several files with one
    `syncfs` of the warehouse's file system (Linux), which costs about one `fsync`, else a `fsync` each."""
    if len(paths) > 1 and _SYNCFS is not None:
        descriptor = os.open(warehouse_dir, os.O_RDONLY)
        try:
            if _SYNCFS(descriptor) != 0:
                error = ctypes.get_errno()
                raise OSError(error, os.strerror(error), str(warehouse_dir))
        finally:
            os.close(descriptor)
    else:
        for path in paths:
            fsync_path(path)


def _write_flushed(path: Path, write: Callable[[Path], object]) -> None:
    """Write a file with `write` and flush it to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write(path)
    fsync_path(path)


def _temporary_path(target: Path, token: str) -> Path:
    return target.with_name(f"{target.name}{TEMP_MARKER}{token}")


def replace_document(warehouse_dir: Path, partition_id: str, rows: dict[str, pa.Table]) -> None:
    """Replace one seed file's rows in every table as one step (see `replace_documents`)."""
    replace_documents(warehouse_dir, {partition_id: rows})


def replace_documents(warehouse_dir: Path, documents: dict[str, dict[str, pa.Table]]) -> None:
    """Replace seed files' rows (partition id → table → rows) in every table as one step, so that
    neither a rebuild nor a killed or failed run can leave some of their tables old and others new.
    Tables not in a file's rows are emptied. Many files in one step share one flush and one commit."""
    schemas = {table: tables()[table].arrow_schema for table in PARTITIONED_TABLES}
    files = {
        partition_path(warehouse_dir, table, partition_id): rows.get(table, schema.empty_table()).cast(schema)
        for partition_id, rows in documents.items()
        for table, schema in schemas.items()
    }
    if files:
        with warehouse_lock(warehouse_dir):
            _commit_files(warehouse_dir, next(iter(documents)), files)


def _commit_files(warehouse_dir: Path, name: str, files: dict[Path, pa.Table]) -> None:
    """Replace several Parquet files as one step (an empty table deletes its file); the caller holds
    the warehouse lock.

    The new files are written and flushed under temporary names, then a commit record naming them
    is written atomically, then they are renamed into place and the record removed. A writer that
    dies before the record changes nothing (its temporary files are cleared later); one that dies
    after it is finished by the next rebuild. Either way the files change all together or not at all.
    """
    token = uuid.uuid4().hex
    written = {target: data for target, data in files.items() if data.num_rows}
    record = {
        "token": token,
        "write": [target.relative_to(warehouse_dir).as_posix() for target in written],
        "delete": [target.relative_to(warehouse_dir).as_posix() for target in files if target not in written],
    }
    record_path = Path(warehouse_dir) / COMMITS_DIR / f"{name}.json"
    try:
        for target, data in written.items():
            _write_parquet(_temporary_path(target, token), data)
        _flush_files(warehouse_dir, [_temporary_path(target, token) for target in written])
        record_path.parent.mkdir(exist_ok=True)
        _replace_file(record_path, lambda path: path.write_text(json.dumps(record), encoding="utf-8"))
    except BaseException:
        for target in written:
            _temporary_path(target, token).unlink(missing_ok=True)
        raise
    _finish_commit(warehouse_dir, record_path)


def _finish_commit(warehouse_dir: Path, record_path: Path) -> None:
    """Move a commit's files into place and delete the ones it empties; safe to repeat."""
    record = json.loads(record_path.read_text(encoding="utf-8"))
    for relative in record["write"]:
        target = _inside(warehouse_dir, relative)
        temporary = _temporary_path(target, record["token"])
        if temporary.exists():  # else an earlier attempt moved it already
            os.replace(temporary, target)
    for relative in record["delete"]:
        _inside(warehouse_dir, relative).unlink(missing_ok=True)
    for folder in {_inside(warehouse_dir, relative).parent for relative in record["write"] + record["delete"]}:
        if folder.is_dir():
            fsync_path(folder)
    record_path.unlink()


def _inside(warehouse_dir: Path, relative: str) -> Path:
    """A path a commit record names, refused unless it stays inside the warehouse folder."""
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts:
        raise ValueError(f"a commit record names {relative!r}, which is not a path inside the warehouse")
    return Path(warehouse_dir).joinpath(*parts)


def finish_interrupted_commits(warehouse_dir: Path) -> None:
    """Finish the replacements that writers killed after their commit record left half-done; call
    only while holding the warehouse lock, before removing temporary files."""
    folder = Path(warehouse_dir) / COMMITS_DIR
    if folder.is_dir():
        for record_path in sorted(folder.glob("*.json")):
            _finish_commit(warehouse_dir, record_path)


def corpus_path(warehouse_dir: Path, table: str) -> Path:
    if table not in CORPUS_TABLES:
        raise ValueError(f"{table} is written per document, not for the whole corpus")
    return table_dir(warehouse_dir, table) / CORPUS_FILE


def replace_corpus_tables(warehouse_dir: Path, rows: dict[str, pa.Table]) -> None:
    """Replace corpus tables as one step, so that neither a rebuild nor a killed run can see some
    of them new and others old (an empty table deletes its file)."""
    files = {corpus_path(warehouse_dir, table): data.cast(tables()[table].arrow_schema) for table, data in rows.items()}
    with warehouse_lock(warehouse_dir):
        _commit_files(warehouse_dir, "corpus", files)


def read_corpus_table(warehouse_dir: Path, table: str) -> pa.Table:
    path = corpus_path(warehouse_dir, table)
    schema = tables()[table].arrow_schema
    return pq.read_table(path, schema=schema) if path.exists() else schema.empty_table()


def table_files(warehouse_dir: Path, table: str) -> list[Path]:
    """The data files of a table (not its schema file), in a stable order."""
    if table in CORPUS_TABLES:
        path = corpus_path(warehouse_dir, table)
        return [path] if path.exists() else []
    return [partition_path(warehouse_dir, table, pid) for pid in sorted(partition_ids(warehouse_dir, table))]


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
    return _read_files(present, schema)


def _read_files(paths: list[str], schema: pa.Schema) -> pa.Table:
    """The files' rows in the given order, in one DuckDB scan: with one small file per document,
    decoding each file on its own (about 1.5 ms a file) would dominate the corpus steps."""
    with duckdb.connect() as con:
        rows = con.sql("SELECT * FROM read_parquet($paths)", params={"paths": paths}).to_arrow_table()
    return rows.cast(schema)


def parquet_row_count(warehouse_dir: Path, table: str) -> int:
    """Rows in all of a table's files, read from the Parquet footers only."""
    return sum(pq.ParquetFile(path).metadata.num_rows for path in table_files(warehouse_dir, table))


def prune_partitions(warehouse_dir: Path, keep: set[str]) -> list[str]:
    """Delete the partitions of every table that are not in `keep`; returns the ids removed."""
    removed: set[str] = set()
    for table in PARTITIONED_TABLES:
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
    for folder in [table_dir(warehouse_dir, table) for table in TABLES] + [Path(warehouse_dir) / COMMITS_DIR]:
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
