"""The warehouse's tables as `schema.sql` defines them: Arrow schemas and column descriptions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import accumulate

import duckdb
import pyarrow as pa

# Tables written per seed file: one Parquet file per document in the table's folder.
PARTITIONED_TABLES: tuple[str, ...] = (
    "documents", "rejected_documents", "sentences", "mention_candidates", "event_candidates", "event_arguments",
)  # fmt: skip
# Tables computed across all documents: one Parquet file for the whole table.
CORPUS_TABLES: tuple[str, ...] = ("entities", "entity_mentions", "events", "event_actors")
# Every table, in the order they are built; each has a Parquet folder of the same name.
TABLES: tuple[str, ...] = PARTITIONED_TABLES + CORPUS_TABLES
# The columns that identify each table's rows: verified after every build (`warehouse.database`),
# not declared PRIMARY KEY, whose index would cost DuckDB more than loading the rows.
KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "rejected_documents": ("seed_file",),
    "sentences": ("doc_id", "sentence_idx"),
    "mention_candidates": ("mention_id",),
    "event_candidates": ("event_id",),
    "event_arguments": ("event_id", "mention_id", "role"),
    "entities": ("entity_id",),
    "entity_mentions": ("mention_id",),
    "events": ("event_id",),
    "event_actors": ("event_id", "entity_id", "role"),
}


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    arrow_schema: pa.Schema


def schema_sql() -> str:
    return resources.files("warehouse").joinpath("schema.sql").read_text(encoding="utf-8")


def views_sql() -> str:
    """The views over the tables (`views.sql`), created after the tables are loaded."""
    return resources.files("warehouse").joinpath("views.sql").read_text(encoding="utf-8")


@cache
def tables() -> dict[str, Table]:
    """Every table of `schema.sql`, read back from an in-memory DuckDB that ran it."""
    with duckdb.connect() as con:
        con.execute(schema_sql())
        return {name: _describe(con, name) for name in TABLES}


def _describe(con: duckdb.DuckDBPyConnection, name: str) -> Table:
    description = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()[0]
    columns = con.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
        [name],
    ).fetchall()
    arrow_schema = con.sql(f"SELECT * FROM {name} LIMIT 0").to_arrow_table().schema
    return Table(
        name=name,
        description=description or "",
        columns=tuple(Column(column, sql_type, comment or "") for column, sql_type, comment in columns),
        arrow_schema=arrow_schema,
    )


def arrow_table(table: str, rows: list[dict]) -> pa.Table:
    """Rows as an Arrow table with exactly the warehouse schema (missing columns become null)."""
    return pa.Table.from_pylist(rows, schema=tables()[table].arrow_schema)


def arrow_tables(table: str, row_lists: list[list[dict]]) -> list[pa.Table]:
    """Several lists of rows as Arrow tables with exactly the warehouse schema, one per list: converted
    together and sliced, as converting each of many short lists on its own costs three times more."""
    whole = arrow_table(table, [row for rows in row_lists for row in rows])
    starts = accumulate((len(rows) for rows in row_lists), initial=0)
    return [whole.slice(start, len(rows)) for start, rows in zip(starts, row_lists, strict=False)]
