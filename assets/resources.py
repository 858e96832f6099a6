"""Where the articles come from and where the warehouse goes, configured from the environment."""

import os
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

import dagster as dg
import pyarrow as pa

from pipelines.documents import DocumentOutcome
from pipelines.ingest import FileStamp, list_seed_files
from warehouse.database import rebuild_database, recorded_seed_states, table_counts
from warehouse.parquet import (
    SnapshotStream,
    parquet_row_count,
    read_corpus_table,
    read_partitions,
    replace_corpus_tables,
    replace_documents,
)
from warehouse.schema import CORPUS_TABLES, PARTITIONED_TABLES, TABLES, arrow_tables

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MAX_FILE_MB = 10.0
# Seed files stored per commit by `Warehouse.store_all`.
STORE_BATCH = 64


class SeedsFolder(dg.ConfigurableResource):
    """The folder of article files (`SEEDS_DIR`, default `seeds/`): every `*.txt` below it is one article;
    `workers` (`WORKERS`): processes that read and process a run's files, 0 for one per core."""

    path: str
    max_file_mb: float = DEFAULT_MAX_FILE_MB
    workers: int = 0

    @property
    def root(self) -> Path:
        return Path(self.path)

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1_000_000)

    @property
    def processes(self) -> int:
        return self.workers or os.cpu_count() or 1

    def files(self) -> dict[str, FileStamp]:
        return list_seed_files(self.root)


class Warehouse(dg.ConfigurableResource):
    """The output folder (`WAREHOUSE_DIR`, default `warehouse/`): Parquet partitions and `news.duckdb`."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)

    def store_all(self, outcomes: Iterable[DocumentOutcome]) -> Iterator[DocumentOutcome]:
        """Store outcomes as they come, STORE_BATCH files per commit, and hand each one on once it is
        stored: a commit per file would cost more than processing the file."""
        pending = iter(outcomes)
        with SnapshotStream(self.root) as snapshots:
            while batch := list(islice(pending, STORE_BATCH)):
                documents = _arrow_documents(batch)
                snapshots.add(documents, replace_documents(self.root, documents))
                yield from batch

    def store_corpus(self, data: dict[str, pa.Table]) -> None:
        """Replace the tables computed across all documents, together."""
        replace_corpus_tables(self.root, data)

    def read(self, table: str, partition_ids: set[str] | None = None, columns: Sequence[str] | None = None) -> pa.Table:
        """A per-document table's rows (of the given documents), or a corpus table's; only `columns`
        when given, which a corpus table's file gives without decoding the others."""
        if table in CORPUS_TABLES:
            return read_corpus_table(self.root, table, columns)
        rows = read_partitions(self.root, table, partition_ids)
        return rows if columns is None else rows.select(list(columns))

    def rebuild(self, keep_partitions: set[str]) -> dict[str, int]:
        return rebuild_database(self.root, keep_partitions)

    def counts(self) -> dict[str, int]:
        """Row counts of the live news.duckdb."""
        return table_counts(self.root)

    def parquet_counts(self) -> dict[str, int]:
        """Row counts of the Parquet partitions, from their footers."""
        return {table: parquet_row_count(self.root, table) for table in TABLES}

    def recorded_seed_states(self) -> dict[str, tuple[int | None, int | None, str | None]]:
        """seed_file → (size, mtime_ns, sha256) of each file as the live database holds it."""
        return recorded_seed_states(self.root)


class EntityRecognizer(dg.ConfigurableResource):
    """How entities are recognized: always the rules and gazetteers; with `spacy_model` (`SPACY_MODEL`:
    an installed spaCy pipeline's name or folder, e.g. `en_core_web_sm`) its NER too, merged in."""

    spacy_model: str = ""

    @property
    def model(self) -> str | None:
        return self.spacy_model or None


def _arrow_documents(outcomes: list[DocumentOutcome]) -> dict[str, dict[str, pa.Table]]:
    """Each outcome's rows as Arrow tables, doc id → table → rows (zero rows, which delete the file,
    in a table it has none in), each table converted once for all the outcomes."""
    rows = [outcome.rows_by_table for outcome in outcomes]
    converted = {
        table: arrow_tables(table, [by_table.get(table, []) for by_table in rows]) for table in PARTITIONED_TABLES
    }
    return {
        outcome.doc_id: {table: converted[table][index] for table in PARTITIONED_TABLES}
        for index, outcome in enumerate(outcomes)
    }


def _folder_from_env(variable: str, default: str) -> str:
    """The folder an environment variable names (relative to the working directory), or the default
    folder inside the project."""
    value = os.environ.get(variable)
    return str(Path(value).resolve()) if value else str(PROJECT_ROOT / default)


def seeds_folder_from_env() -> SeedsFolder:
    return SeedsFolder(
        path=_folder_from_env("SEEDS_DIR", "seeds"),
        max_file_mb=float(os.environ.get("MAX_FILE_MB", DEFAULT_MAX_FILE_MB)),
        workers=int(os.environ.get("WORKERS", 0)),
    )


def warehouse_from_env() -> Warehouse:
    return Warehouse(path=_folder_from_env("WAREHOUSE_DIR", "warehouse"))


def entity_recognizer_from_env() -> EntityRecognizer:
    return EntityRecognizer(spacy_model=os.environ.get("SPACY_MODEL", ""))
