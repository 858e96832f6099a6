"""Metadata that makes the Dagster UI useful: column schemas from the SQL schema, markdown previews."""

from collections import Counter
from collections.abc import Sequence
from typing import Any

import dagster as dg

from warehouse.schema import tables

OWNERS = ["team:newsevents"]
PREVIEW_ROWS = 10
PREVIEW_CELL_CHARS = 80


def column_schema(table: str) -> dg.TableSchema:
    """The table's columns, types and descriptions, as `schema.sql` defines them."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name=column.name, type=column.sql_type, description=column.description)
            for column in tables()[table].columns
        ]
    )


def table_description(table: str) -> str:
    return tables()[table].description


def table_spec(table: str, group: str, kinds: set[str], deps: list[str] | None = None) -> dg.AssetSpec:
    """The asset of a warehouse table: described, typed and owned, with its column schema."""
    return dg.AssetSpec(
        key=table,
        description=table_description(table),
        group_name=group,
        kinds=kinds,
        owners=OWNERS,
        deps=deps or [],
        metadata={"dagster/column_schema": column_schema(table), "dagster/table_name": f"main.{table}"},
    )


def value_counts(counts: Counter) -> dg.MetadataValue:
    """How many rows hold each value of a column, sorted by value, for a run's metadata."""
    return dg.MetadataValue.json(dict(sorted(counts.items())))


def markdown_preview(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> dg.MetadataValue:
    """The first rows as a markdown table, each cell cut short and kept on one line."""
    header = "| " + " | ".join(columns) + " |\n|" + "---|" * len(columns)
    lines = ["| " + " | ".join(_cell(row.get(column)) for column in columns) + " |" for row in rows[:PREVIEW_ROWS]]
    return dg.MetadataValue.md("\n".join([header, *lines]))


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= PREVIEW_CELL_CHARS else text[: PREVIEW_CELL_CHARS - 1] + "…"
