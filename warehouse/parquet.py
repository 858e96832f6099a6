"""Parquet files, written atomically: one file per seed file for the per-document tables, one
file for each table computed across the corpus.

`$WAREHOUSE_DIR/parquet/<table>/<doc_id>.parquet` holds one document's rows of one table, and
`$WAREHOUSE_DIR/parquet/<table>/corpus.parquet` a corpus table's rows. A file is written under a
temporary name and renamed into place, so a reader (or a killed run) only ever sees whole files.

Reading thousands of small files costs far more than their rows, so each per-document table also
has a snapshot, `$WAREHOUSE_DIR/.snapshots/<table>.parquet`: the rows of many of its files in one
file, whose footer lists each file it holds with the stamp (size, mtime_ns, inode) the file had
when it was read. A reader takes a file's rows from the snapshot only when the file still has that
stamp (a replaced file has a new inode), so a snapshot is never wrong, only more or less useful.
A reader that finds many files changed writes the snapshot anew; a run that stores many documents
writes the snapshots as it goes (`SnapshotStream`), so its readers need not.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path, PurePosixPath

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from warehouse.lock import warehouse_lock
from warehouse.schema import CORPUS_TABLES, PARTITIONED_TABLES, TABLES, tables

SUFFIX = ".parquet"
# The folder of the tables' folders, in the warehouse folder.
PARQUET_DIR = "parquet"
TEMP_MARKER = ".tmp-"
# A zero-row file in each table folder carries the schema, so that
# read_parquet('<table>/*.parquet') works, with the right columns, even when a table is empty.
SCHEMA_FILE = "_schema.parquet"
# The one file of a table computed across all documents.
CORPUS_FILE = "corpus.parquet"
# The corpus file in place of a partition id, where files are listed by id.
CORPUS_ID = CORPUS_FILE.removesuffix(SUFFIX)
# Commit records of multi-file replacements in progress, in the warehouse folder.
COMMITS_DIR = ".commits"
# Linux's syncfs(2), which flushes one file system at once; None elsewhere.
_SYNCFS = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
# The per-document tables' snapshots, outside parquet/ so that a table folder's files never repeat a row.
SNAPSHOTS_DIR = ".snapshots"
# The snapshot footer's key listing the files it holds, in id order: [partition id, size, mtime_ns, inode, rows].
SNAPSHOT_KEY = "newsevents.snapshot"
# Uncompressed bytes per row group of a snapshot, so that reading a few documents decodes little else.
SNAPSHOT_GROUP_BYTES = 8 << 20
# Changed files a read may take from their own folder before it writes the snapshot anew: 256 of
# them cost about 0.1 s more in one scan, rewriting a snapshot of 10,000 documents 0.3-0.5 s.
SNAPSHOT_SLACK = 256
# What reading or writing a snapshot may fail with; a snapshot only ever makes reading faster, so a
# failure costs speed, never a run.
SNAPSHOT_FAILURES = (OSError, ValueError, KeyError, TypeError, pa.ArrowException)
# Up to this many files, a read takes them from their own folder, each with Arrow (about a
# millisecond a file), without opening the snapshot (decoding its list of 10,000 files costs tens
# of milliseconds) or starting a DuckDB scan (about 30 ms).
FEW_FILES = 32
# Slices of files' rows a read joins without copying them into one chunk: loading or writing
# thousands of chunks costs ten times more than copying their rows once.
MAX_PIECES = 64
# Bytes a Parquet file is written through: Arrow's file stream makes a system call for each page
# header, page and footer piece it is given, about 50 for a document's small file.
WRITE_BUFFER = 1 << 20
# How a corpus table's file (and a table's schema file) is written.
CORPUS_FILE_OPTIONS: dict[str, object] = {"compression": "zstd"}
# How a table's snapshot is written, by a reader or by a run as it stores.
SNAPSHOT_FILE_OPTIONS: dict[str, object] = {"compression": "zstd"}
# How a document's file of one table is written. It holds a few KB of rows, and each column costs
# the writer about as much as its values: no statistics (no reader filters these files by them, and
# a text's minimum and maximum are the text, which doubled the file), no dictionary (the columns hold
# a few values each) and no copy of the Arrow schema (every reader takes the columns' types from the
# warehouse schema, and Parquet's own types read back as the same Arrow types). Writing 100
# documents' files takes a quarter fewer instructions than with the defaults, into 57% fewer bytes.
DOCUMENT_FILE_OPTIONS: dict[str, object] = {
    "compression": "zstd", "write_statistics": False, "use_dictionary": False, "store_schema": False,
}  # fmt: skip

# A file's size, mtime_ns and inode: files are replaced by rename, so a replaced file has a new inode.
Stamp = tuple[int, int, int]


def table_dir(warehouse_dir: Path, table: str) -> Path:
    return Path(warehouse_dir) / PARQUET_DIR / table


def _in_table(table: str, file_name: str) -> str:
    """A file of a table's folder as a commit record names it: relative to the warehouse folder."""
    return f"{PARQUET_DIR}/{table}/{file_name}"


def partition_path(warehouse_dir: Path, table: str, partition_id: str) -> Path:
    return table_dir(warehouse_dir, table) / _file_name(partition_id)


def _file_name(partition_id: str) -> str:
    if not partition_id.isalnum():
        raise ValueError(f"partition ids are alphanumeric, got {partition_id!r}")
    return f"{partition_id}{SUFFIX}"


def _partition_files(warehouse_dir: Path, table: str, ids: Iterable[str]) -> dict[str, str]:
    """Partition id → its file's path as text, in id order: at 10,000 files a Path each costs more
    than stat'ing them."""
    folder = os.fspath(table_dir(warehouse_dir, table))
    return {partition_id: os.path.join(folder, _file_name(partition_id)) for partition_id in sorted(ids)}


def write_partition(warehouse_dir: Path, table: str, partition_id: str, data: pa.Table) -> Path:
    """Replace one partition's rows of one table; an empty table deletes the partition file."""
    target = partition_path(warehouse_dir, table, partition_id)
    if data.num_rows == 0:
        target.unlink(missing_ok=True)
    else:
        _write_atomically(target, data.cast(tables()[table].arrow_schema), DOCUMENT_FILE_OPTIONS)
    return target


def _write_atomically(target: Path, data: pa.Table, options: dict[str, object]) -> None:
    """Write under a temporary name, flush, and rename into place: readers see the old file or the
    new one, whole."""
    _replace_file(target, lambda path: _write_parquet(path, data, options))


def _replace_file(target: Path, write: Callable[[Path], object]) -> None:
    """Write a file with `write` under a temporary name, flush it, and rename it over `target`."""
    temporary = Path(_temporary_path(target, uuid.uuid4().hex))
    try:
        _write_flushed(temporary, write)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    fsync_path(target.parent)


def _write_parquet(path: str | Path, data: pa.Table, options: dict[str, object]) -> None:
    """Write a Parquet file, its folder already there, through one buffer (WRITE_BUFFER)."""
    with pa.output_stream(os.fspath(path), compression=None, buffer_size=WRITE_BUFFER) as stream:
        pq.write_table(data, stream, **options)


def _flush_files(warehouse_dir: Path, paths: list[str]) -> None:
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


def _temporary_path(target: str | Path, token: str) -> str:
    return f"{os.fspath(target)}{TEMP_MARKER}{token}"


def replace_document(warehouse_dir: Path, partition_id: str, rows: dict[str, pa.Table]) -> None:
    """Replace one seed file's rows in every table as one step (see `replace_documents`)."""
    replace_documents(warehouse_dir, {partition_id: rows})


def replace_documents(warehouse_dir: Path, documents: dict[str, dict[str, pa.Table]]) -> dict[str, dict[str, Stamp]]:
    """Replace seed files' rows (partition id → table → rows) in every table as one step, so that
    neither a rebuild nor a killed or failed run can leave some of their tables old and others new.
    Tables not in a file's rows are emptied. Many files in one step share one flush and one commit.
    Returns the stamp of each file written (table → partition id → stamp), taken under the lock."""
    schemas = {table: tables()[table].arrow_schema for table in PARTITIONED_TABLES}
    empty = {table: schema.empty_table() for table, schema in schemas.items()}
    files = {
        _in_table(table, _file_name(partition_id)): _in_schema(rows.get(table, empty[table]), schema)
        for partition_id, rows in documents.items()
        for table, schema in schemas.items()
    }
    if not files:
        return {table: {} for table in PARTITIONED_TABLES}
    with warehouse_lock(warehouse_dir):
        _commit_files(warehouse_dir, next(iter(documents)), files, DOCUMENT_FILE_OPTIONS)
        return {table: _stamps(warehouse_dir, table, documents) for table in PARTITIONED_TABLES}


def _in_schema(data: pa.Table, schema: pa.Schema) -> pa.Table:
    """The rows cast to the schema, or as they are when they have it already: a cast goes column by
    column, which for a document's small table costs a tenth of writing its file."""
    return data if data.schema == schema else data.cast(schema)


def _commit_files(warehouse_dir: Path, name: str, files: dict[str, pa.Table], options: dict[str, object]) -> None:
    """Replace several Parquet files (by their paths relative to the warehouse folder), written with
    the given options, as one step (an empty table deletes its file); the caller holds the warehouse
    lock.

    The new files are written and flushed under temporary names, then a commit record naming them
    is written atomically, then they are renamed into place and the record removed. A writer that
    dies before the record changes nothing (its temporary files are cleared later); one that dies
    after it is finished by the next rebuild. Either way the files change all together or not at all.
    """
    token = uuid.uuid4().hex
    written = {relative: data for relative, data in files.items() if data.num_rows}
    record = {
        "token": token,
        "write": list(written),
        "delete": [relative for relative in files if relative not in written],
    }
    temporaries = {_temporary_path(_inside(warehouse_dir, relative), token): data for relative, data in written.items()}
    record_path = Path(warehouse_dir) / COMMITS_DIR / f"{name}.json"
    try:
        for folder in {os.path.dirname(temporary) for temporary in temporaries}:
            os.makedirs(folder, exist_ok=True)
        for temporary, data in temporaries.items():
            _write_parquet(temporary, data, options)
        _flush_files(warehouse_dir, list(temporaries))
        record_path.parent.mkdir(exist_ok=True)
        _replace_file(record_path, lambda path: path.write_text(json.dumps(record), encoding="utf-8"))
    except BaseException:
        for temporary in temporaries:
            Path(temporary).unlink(missing_ok=True)
        raise
    _finish_commit(warehouse_dir, record_path)


def _finish_commit(warehouse_dir: Path, record_path: Path) -> None:
    """Move a commit's files into place and delete the ones it empties; safe to repeat."""
    record = json.loads(record_path.read_text(encoding="utf-8"))
    written = [_inside(warehouse_dir, relative) for relative in record["write"]]
    deleted = [_inside(warehouse_dir, relative) for relative in record["delete"]]
    for target in written:
        with contextlib.suppress(FileNotFoundError):  # an earlier attempt moved it already
            os.replace(_temporary_path(target, record["token"]), target)
    for target in deleted:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)
    for folder in {os.path.dirname(target) for target in written + deleted}:
        if os.path.isdir(folder):
            fsync_path(folder)
    record_path.unlink()


def _inside(warehouse_dir: Path, relative: str) -> str:
    """A path a commit record names, refused unless it stays inside the warehouse folder."""
    path = PurePosixPath(relative)
    if not path.parts or path.is_absolute() or ".." in path.parts:
        raise ValueError(f"a commit record names {relative!r}, which is not a path inside the warehouse")
    return os.path.join(warehouse_dir, *path.parts)


def finish_interrupted_commits(warehouse_dir: Path) -> None:
    """Finish the replacements that writers killed after their commit record left half-done; call
    only while holding the warehouse lock, before removing temporary files."""
    folder = Path(warehouse_dir) / COMMITS_DIR
    if folder.is_dir():
        for record_path in sorted(folder.glob("*.json")):
            _finish_commit(warehouse_dir, record_path)


def corpus_path(warehouse_dir: Path, table: str) -> Path:
    return Path(warehouse_dir) / _corpus_file(table)


def _corpus_file(table: str) -> str:
    """A corpus table's file as a commit record names it; a per-document table has none."""
    if table not in CORPUS_TABLES:
        raise ValueError(f"{table} is written per document, not for the whole corpus")
    return _in_table(table, CORPUS_FILE)


def replace_corpus_tables(warehouse_dir: Path, rows: dict[str, pa.Table]) -> None:
    """Replace corpus tables as one step, so that neither a rebuild nor a killed run can see some
    of them new and others old (an empty table deletes its file). Columns the schema lacks are left out."""
    schemas = {table: tables()[table].arrow_schema for table in rows}
    files = {
        _corpus_file(table): data.select(schemas[table].names).cast(schemas[table]) for table, data in rows.items()
    }
    with warehouse_lock(warehouse_dir):
        _commit_files(warehouse_dir, "corpus", files, CORPUS_FILE_OPTIONS)


def read_corpus_table(warehouse_dir: Path, table: str, columns: Sequence[str] | None = None) -> pa.Table:
    """A corpus table's rows in the warehouse schema, of the given columns only (all by default):
    none when it has no file yet."""
    path = corpus_path(warehouse_dir, table)
    schema = tables()[table].arrow_schema
    if columns is not None:
        columns = list(columns)  # Arrow takes a list, not any sequence
        schema = pa.schema([schema.field(name) for name in columns])
    return pq.read_table(path, columns=columns, schema=schema) if path.exists() else schema.empty_table()


def table_files(warehouse_dir: Path, table: str) -> list[Path]:
    """The data files of a table (not its schema file), in a stable order."""
    if table in CORPUS_TABLES:
        path = corpus_path(warehouse_dir, table)
        return [path] if path.exists() else []
    return [partition_path(warehouse_dir, table, pid) for pid in sorted(partition_ids(warehouse_dir, table))]


def partition_ids(warehouse_dir: Path, table: str) -> set[str]:
    return set(_partition_names(table_dir(warehouse_dir, table)))


def _partition_names(folder: Path) -> dict[str, str]:
    """Partition id → file name of each partition file in the folder, in id order; names, not a Path
    for each of 10,000 files."""
    try:
        listed = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return {}
    names = {name.removesuffix(SUFFIX): name for name in listed if name.endswith(SUFFIX)}
    return {stem: names[stem] for stem in sorted(names) if stem.isalnum()}


def read_partitions(warehouse_dir: Path, table: str, ids: Iterable[str] | None = None) -> pa.Table:
    """The rows of the given partitions (all of them when `ids` is None), in the warehouse schema: ids
    in order, each file's rows in its order. A few files (FEW_FILES) are read from their own
    folder. Of more, the files unchanged since the table's snapshot took them come from the snapshot,
    the others from their files; a snapshot staler than SNAPSHOT_SLACK files is written anew first
    (still holding, on a partial read, what it held of the other files)."""
    wanted = partition_ids(warehouse_dir, table) if ids is None else set(ids)
    stamps = _stamps(warehouse_dir, table, wanted)
    if len(wanted) <= FEW_FILES:
        return _rows(warehouse_dir, table, _NO_SNAPSHOT, stamps)[0]
    snapshot = _open_snapshot(warehouse_dir, table)
    if _stale(snapshot, wanted, stamps) > SNAPSHOT_SLACK:
        others = {} if ids is None else {pid: held[0] for pid, held in snapshot.held.items() if pid not in wanted}
        snapshot = _refresh(warehouse_dir, table, snapshot, others | stamps)
    return _rows(warehouse_dir, table, snapshot, stamps)[0]


@dataclass(frozen=True)
class _Snapshot:
    """A table's snapshot: the files it holds (partition id → stamp, first row, rows), the first row
    of each of its row groups followed by its row count, and a reader of the given row groups."""

    held: dict[str, tuple[Stamp, int, int]]
    group_starts: list[int]
    read_groups: Callable[[list[int]], pa.Table]


def snapshot_path(warehouse_dir: Path, table: str) -> Path:
    return Path(warehouse_dir) / SNAPSHOTS_DIR / f"{table}{SUFFIX}"


def _stamps(warehouse_dir: Path, table: str, ids: Iterable[str]) -> dict[str, Stamp]:
    """The stamp of each of the partitions' files that exists, in id order. Taken before the file
    is read, so a file replaced in between is only read again next time."""
    names = {partition_id: _file_name(partition_id) for partition_id in sorted(ids)}
    return _folder_stamps(table_dir(warehouse_dir, table), names)


def file_stamps(warehouse_dir: Path, table: str) -> dict[str, Stamp]:
    """The stamp of each data file of a table: partition id → stamp, or CORPUS_ID → the corpus file's."""
    if table in CORPUS_TABLES:
        return _stamps(warehouse_dir, table, [CORPUS_ID])  # corpus.parquet, where partitions would be
    folder = table_dir(warehouse_dir, table)
    return _folder_stamps(folder, _partition_names(folder))


def _folder_stamps(folder: Path, names: dict[str, str]) -> dict[str, Stamp]:
    """The stamp of each named file of the folder (key → file name) that exists, in the names' order;
    none when the folder is missing. Each file is stat'ed by its name in the open folder, which at
    10,000 files takes half the time of stat'ing its whole path."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except FileNotFoundError:
        return {}
    stamps = {}
    try:
        for key, name in names.items():
            try:
                status = os.stat(name, dir_fd=descriptor)
            except FileNotFoundError:
                continue
            stamps[key] = (status.st_size, status.st_mtime_ns, status.st_ino)
    finally:
        os.close(descriptor)
    return stamps


def _snapshot_of(entries: list[list], starts: list[int], read_groups: Callable[[list[int]], pa.Table]) -> _Snapshot:
    """A snapshot from its footer's list of files, each file's rows following the previous one's."""
    held: dict[str, tuple[Stamp, int, int]] = {}
    first = 0
    for pid, size, mtime_ns, inode, rows in entries:
        held[pid] = ((size, mtime_ns, inode), first, rows)
        first += rows
    return _Snapshot(held, starts, read_groups)


_NO_SNAPSHOT = _snapshot_of([], [0], lambda groups: pa.table({}))


def _open_snapshot(warehouse_dir: Path, table: str) -> _Snapshot:
    """The table's snapshot, or an empty one when it is missing, unreadable, inconsistent or of
    another schema (a column added since): a snapshot only ever makes reading faster."""
    try:
        file = pq.ParquetFile(pa.OSFile(str(snapshot_path(warehouse_dir, table))))
        groups = [file.metadata.row_group(index).num_rows for index in range(file.metadata.num_row_groups)]
        starts = list(accumulate(groups, initial=0))
        entries = json.loads(file.metadata.metadata[SNAPSHOT_KEY.encode()])
        snapshot = _snapshot_of(entries, starts, file.read_row_groups)
        held_rows = sum(rows for _, _, rows in snapshot.held.values())
        fits = file.schema_arrow.equals(tables()[table].arrow_schema) and held_rows == file.metadata.num_rows
    except SNAPSHOT_FAILURES:
        return _NO_SNAPSHOT
    return snapshot if fits else _NO_SNAPSHOT


def _stale(snapshot: _Snapshot, wanted: set[str], stamps: dict[str, Stamp]) -> int:
    """Wanted files the snapshot does not hold as they are now, or holds but are gone."""
    changed = len(stamps) - len(_unchanged(snapshot, stamps))
    return changed + len((wanted & snapshot.held.keys()) - stamps.keys())


def _refresh(warehouse_dir: Path, table: str, snapshot: _Snapshot, stamps: dict[str, Stamp]) -> _Snapshot:
    """Write the table's snapshot anew, holding the stamped files, and return it. One that cannot be
    written (a read-only folder, a full disk, a rebuild clearing temporary files) only costs speed."""
    rows, counts = _rows(warehouse_dir, table, snapshot, stamps)
    entries = [[pid, *stamp, counts[pid]] for pid, stamp in sorted(stamps.items())]
    with contextlib.suppress(OSError):
        _replace_file(snapshot_path(warehouse_dir, table), lambda path: _write_snapshot(path, rows, entries))
    return _snapshot_of(entries, [0, rows.num_rows], lambda groups: rows)


def _write_snapshot(path: Path, rows: pa.Table, entries: list[list]) -> None:
    """Rows in row groups of about SNAPSHOT_GROUP_BYTES, with the files they come from in the footer."""
    group_rows = max(1, rows.num_rows * SNAPSHOT_GROUP_BYTES // max(1, rows.nbytes))
    with pq.ParquetWriter(path, rows.schema, **SNAPSHOT_FILE_OPTIONS) as writer:
        writer.write_table(rows, row_group_size=group_rows)
        writer.add_key_value_metadata({SNAPSHOT_KEY: json.dumps(entries)})


def _rows(
    warehouse_dir: Path, table: str, snapshot: _Snapshot, stamps: dict[str, Stamp]
) -> tuple[pa.Table, dict[str, int]]:
    """The stamped files' rows in id order, and each file's row count: from the snapshot when it
    holds the file with the same stamp, else from the file, all such files in one scan."""
    schema = tables()[table].arrow_schema
    order = sorted(stamps)
    kept = _unchanged(snapshot, stamps)
    paths = list(_partition_files(warehouse_dir, table, set(stamps) - kept.keys()).values())
    file_rows, file_counts = _read_files(paths, schema)
    snapshot_rows, landing = _read_ranges(snapshot, list(kept.values()), schema)
    counts: dict[str, int] = {}
    pieces: list[tuple[pa.Table, int, int]] = []
    file_offsets = list(accumulate(file_counts, initial=0))
    files = iter(range(len(paths)))
    for pid in order:
        if pid in kept:
            piece = (snapshot_rows, landing(kept[pid][0]), kept[pid][1])
        else:
            index = next(files)
            piece = (file_rows, file_offsets[index], file_counts[index])
        counts[pid] = piece[2]
        _extend(pieces, piece)
    rows = pa.concat_tables([schema.empty_table()] + [rows.slice(offset, n) for rows, offset, n in pieces])
    # A snapshot a run streamed holds its files in the order they were stored, not in id order.
    return (rows.combine_chunks() if len(pieces) > MAX_PIECES else rows), counts


class SnapshotStream:
    """The per-document tables' snapshots, written while a run stores its documents: each stored
    batch goes on to the snapshots too, so that after a run that rewrote thousands of files its
    readers find them in one file per table instead of reading every small file to write the
    snapshots anew. A run of up to SNAPSHOT_SLACK documents writes none (the readers' slack covers
    it). Use as a context manager: the snapshots are put in place when the block ends without error."""

    def __init__(self, warehouse_dir: Path) -> None:
        self.warehouse_dir = Path(warehouse_dir)
        # Batches stored before the run passed SNAPSHOT_SLACK documents, not yet in a snapshot.
        self.unwritten: list[tuple[dict[str, dict[str, pa.Table]], dict[str, dict[str, Stamp]]]] = []
        self.documents = 0
        self.writers: dict[str, tuple[str, pq.ParquetWriter]] = {}
        self.entries: dict[str, list[list]] = {table: [] for table in PARTITIONED_TABLES}
        self.failed = False

    def __enter__(self) -> SnapshotStream:
        return self

    def __exit__(self, error_type: type[BaseException] | None, *_: object) -> None:
        if error_type is None:
            self._finish()
        else:
            self._abandon()

    def add(self, documents: dict[str, dict[str, pa.Table]], stamps: dict[str, dict[str, Stamp]]) -> None:
        """Documents just stored (partition id → table → rows) and their files' stamps (table →
        partition id → stamp, as `replace_documents` returns them)."""
        if self.failed:
            return
        self.unwritten.append((documents, stamps))
        self.documents += len(documents)
        if self.documents > SNAPSHOT_SLACK:
            try:
                for batch in self.unwritten:
                    self._write(*batch)
            except SNAPSHOT_FAILURES:
                self._abandon()
                self.failed = True
            self.unwritten.clear()

    def _write(self, documents: dict[str, dict[str, pa.Table]], stamps: dict[str, dict[str, Stamp]]) -> None:
        for table in PARTITIONED_TABLES:
            written = [(pid, rows[table]) for pid, rows in documents.items() if pid in stamps[table]]
            if written:
                self._writer(table).write_table(pa.concat_tables([rows for _, rows in written]))
                self.entries[table].extend([pid, *stamps[table][pid], rows.num_rows] for pid, rows in written)

    def _writer(self, table: str) -> pq.ParquetWriter:
        if table not in self.writers:
            path = snapshot_path(self.warehouse_dir, table)
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = _temporary_path(path, uuid.uuid4().hex)
            self.writers[table] = (
                temporary,
                pq.ParquetWriter(temporary, tables()[table].arrow_schema, **SNAPSHOT_FILE_OPTIONS),
            )
        return self.writers[table][1]

    def _finish(self) -> None:
        """Add what the old snapshots hold of files the run did not write (still as they are), list
        every file held in the footer, and put each snapshot in place; one that cannot be written only
        costs speed."""
        for table, (temporary, writer) in self.writers.items():
            try:
                self._keep_others(table, writer)
                writer.add_key_value_metadata({SNAPSHOT_KEY: json.dumps(self.entries[table])})
                writer.close()
                fsync_path(temporary)
                os.replace(temporary, snapshot_path(self.warehouse_dir, table))
            except SNAPSHOT_FAILURES:
                Path(temporary).unlink(missing_ok=True)

    def _keep_others(self, table: str, writer: pq.ParquetWriter) -> None:
        old = _open_snapshot(self.warehouse_dir, table)
        written = {entry[0] for entry in self.entries[table]}
        kept = _unchanged(old, _stamps(self.warehouse_dir, table, old.held.keys() - written))
        rows, landing = _read_ranges(old, list(kept.values()), tables()[table].arrow_schema)
        if kept:
            writer.write_table(pa.concat_tables([rows.slice(landing(first), n) for first, n in kept.values()]))
        self.entries[table].extend([pid, *old.held[pid][0], n] for pid, (_, n) in kept.items())

    def _abandon(self) -> None:
        for temporary, writer in self.writers.values():
            with contextlib.suppress(*SNAPSHOT_FAILURES):
                writer.close()
            Path(temporary).unlink(missing_ok=True)
        self.writers.clear()


def _unchanged(snapshot: _Snapshot, stamps: dict[str, Stamp]) -> dict[str, tuple[int, int]]:
    """Partition id → (first row, rows) in the snapshot of each stamped file it holds as it is now."""
    return {pid: snapshot.held[pid][1:] for pid, stamp in stamps.items() if snapshot.held.get(pid, (None,))[0] == stamp}


def _extend(pieces: list[tuple[pa.Table, int, int]], piece: tuple[pa.Table, int, int]) -> None:
    """Append a slice (rows, offset, length) to a list of them, joined to the last when it continues it."""
    if pieces and pieces[-1][0] is piece[0] and pieces[-1][1] + pieces[-1][2] == piece[1]:
        pieces[-1] = (piece[0], pieces[-1][1], pieces[-1][2] + piece[2])
    else:
        pieces.append(piece)


def _read_ranges(
    snapshot: _Snapshot, ranges: list[tuple[int, int]], schema: pa.Schema
) -> tuple[pa.Table, Callable[[int], int]]:
    """The snapshot's row groups holding the given row ranges (first, length), read together, and
    where a snapshot row lands in what was read."""
    starts = snapshot.group_starts
    spans = [(bisect_right(starts, first) - 1, bisect_left(starts, first + n)) for first, n in ranges if n]
    groups = sorted({group for start, end in spans for group in range(start, end)})
    sizes = [starts[group + 1] - starts[group] for group in groups]
    positions = {group: sum(sizes[:index]) for index, group in enumerate(groups)}
    rows = snapshot.read_groups(groups).cast(schema) if groups else schema.empty_table()

    def landing(row: int) -> int:
        group = bisect_right(starts, row) - 1
        return positions[group] + row - starts[group]

    return rows, landing


def _read_files(paths: list[str], schema: pa.Schema) -> tuple[pa.Table, list[int]]:
    """The files' rows in the given order, and each file's row count: a few files each with Arrow, more
    in one DuckDB scan (with one small file per document, decoding each on its own, about 1.5 ms a
    file, would dominate the corpus steps). Files written before a column was added (null there) are
    matched by name."""
    if len(paths) <= FEW_FILES:
        files = [pq.read_table(path, schema=schema) for path in paths]
        return pa.concat_tables([schema.empty_table(), *files]).combine_chunks(), [file.num_rows for file in files]
    with duckdb.connect() as con:
        try:
            rows = _scan(con, paths, "")
        except duckdb.InvalidInputException:
            rows = None  # a file's columns differ from the first's
        if rows is None or rows.column_names[:-1] != schema.names:
            rows = _scan(con, paths, ", union_by_name = true")
    counts = [0] * len(paths)
    for entry in pc.value_counts(rows["file_index"]).to_pylist():
        counts[entry["values"]] = entry["counts"]
    columns = [
        rows[field.name] if field.name in rows.column_names else pa.nulls(rows.num_rows, field.type) for field in schema
    ]
    # One chunk, not DuckDB's one per file: writing or loading 10,000 chunks takes ten times longer.
    return pa.table(columns, names=schema.names).cast(schema).combine_chunks(), counts


def _scan(con: duckdb.DuckDBPyConnection, paths: list[str], options: str) -> pa.Table:
    """The files' rows in order, with the index of each row's file in `paths` last."""
    query = f"SELECT *, file_index FROM read_parquet($paths{options})"
    return con.sql(query, params={"paths": paths}).to_arrow_table()


def parquet_row_count(warehouse_dir: Path, table: str) -> int:
    """Rows in all of a table's files, without reading their rows: a per-document file's count from
    the table's snapshot when it holds the file as it is now, any other file's from its footer."""
    if table in CORPUS_TABLES:
        return sum(pq.ParquetFile(path).metadata.num_rows for path in table_files(warehouse_dir, table))
    stamps = file_stamps(warehouse_dir, table)
    held = _unchanged(_open_snapshot(warehouse_dir, table), stamps)
    others = _partition_files(warehouse_dir, table, set(stamps) - held.keys()).values()
    return sum(rows for _, rows in held.values()) + sum(pq.ParquetFile(path).metadata.num_rows for path in others)


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
            _write_atomically(path, tables()[table].arrow_schema.empty_table(), CORPUS_FILE_OPTIONS)


def remove_temporary_files(warehouse_dir: Path) -> None:
    """Delete temporary files left by killed writers; call only while holding the warehouse lock."""
    extra = [Path(warehouse_dir) / COMMITS_DIR, Path(warehouse_dir) / SNAPSHOTS_DIR]
    for folder in [table_dir(warehouse_dir, table) for table in TABLES] + extra:
        if folder.is_dir():
            for path in folder.iterdir():
                if TEMP_MARKER in path.name:
                    path.unlink(missing_ok=True)


def fsync_path(path: str | Path) -> None:
    """Flush a file's or a folder's entries to disk, so a rename survives a crash."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
