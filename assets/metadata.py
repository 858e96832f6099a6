"""Metadata that makes the Dagster UI useful: column schemas from the SQL schema, column lineage,
markdown previews."""

from collections import Counter
from collections.abc import Sequence
from typing import Any

import dagster as dg

from warehouse.schema import tables

OWNERS = ["team:newsevents"]
PREVIEW_ROWS = 10
PREVIEW_CELL_CHARS = 80

# Each table's upstream tables: its asset dependencies, and the tables its columns come from.
UPSTREAM: dict[str, tuple[str, ...]] = {
    "documents": (),
    "rejected_documents": (),
    "sentences": ("documents",),
    "mention_candidates": ("documents", "sentences"),
    "event_candidates": ("documents", "sentences", "mention_candidates"),
    "event_arguments": ("event_candidates", "mention_candidates"),
    "entities": ("mention_candidates",),
    "entity_mentions": ("mention_candidates", "entities"),
    "events": ("event_candidates", "event_arguments", "entities", "entity_mentions"),
    "event_actors": ("event_candidates", "event_arguments", "entities", "entity_mentions"),
}

# Columns computed from upstream columns, as (columns, "table.column" sources). Any other column is
# carried under its own name from the first upstream table that has it.
DERIVED: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "sentences": [
        (("sentence_idx", "paragraph_idx", "text"), ("documents.clean_text",)),
        (("char_start", "char_end"), ("documents.clean_text", "documents.raw_text")),
    ],
    "mention_candidates": [
        (("mention_id", "char_start", "char_end", "text"), ("documents.raw_text", "sentences.char_start")),
        (("label", "confidence", "method", "link", "country_iso3", "sector"), ("sentences.text",)),
    ],
    "event_candidates": [
        (("event_id", "char_start", "char_end"), ("documents.raw_text", "sentences.char_start")),
        (("trigger", "trigger_char_start", "trigger_char_end"), ("documents.raw_text", "sentences.char_start")),
        (("event_type", "mode", "cameo_root", "modality", "confidence", "method"), ("sentences.text",)),
        (("event_date", "date_precision", "date_method"), ("mention_candidates.text", "documents.date_anchor")),
        (("date_mention_id", "location_mention_id"), ("mention_candidates.mention_id",)),
    ],
    "event_arguments": [
        (("role",), ("event_candidates.trigger_char_start", "mention_candidates.char_start")),
    ],
    "entities": [
        (("entity_id", "name", "aliases"), ("mention_candidates.text", "mention_candidates.link")),
        (("geonames_id", "latitude", "longitude", "capital_of", "subdivision_code"), ("mention_candidates.link",)),
        (("n_mentions",), ("mention_candidates.mention_id",)),
        (("n_documents",), ("mention_candidates.doc_id",)),
    ],
    "entity_mentions": [(("entity_id",), ("entities.entity_id",))],
    "events": [
        (("location_entity_id",), ("event_candidates.location_mention_id", "entity_mentions.entity_id")),
        (
            ("cluster_id",),
            ("event_candidates.event_type", "event_candidates.event_date", "event_arguments.mention_id"),
        ),
        (("n_actors", "n_recipients"), ("event_arguments.role", "entity_mentions.entity_id")),
    ],
    "event_actors": [
        (("entity_id",), ("event_arguments.mention_id", "entity_mentions.entity_id", "entities.capital_of")),
    ],
}


def column_schema(table: str) -> dg.TableSchema:
    """The table's columns, types and descriptions, as `schema.sql` defines them."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name=column.name, type=column.sql_type, description=column.description)
            for column in tables()[table].columns
        ]
    )


def column_lineage(table: str) -> dg.TableColumnLineage:
    """Which upstream columns each column of the table is computed from (DERIVED, else its namesake)."""
    derived = {column: sources for columns, sources in DERIVED.get(table, []) for column in columns}
    deps_by_column = {}
    for column in tables()[table].columns:
        sources = derived.get(column.name) or _namesake(table, column.name)
        if sources:
            deps_by_column[column.name] = [
                dg.TableColumnDep(asset_key=dg.AssetKey(source_table), column_name=source_column)
                for source_table, source_column in (source.split(".") for source in sources)
            ]
    return dg.TableColumnLineage(deps_by_column=deps_by_column)


def _namesake(table: str, column: str) -> tuple[str, ...]:
    """The column of the same name in the first upstream table that has one, if any."""
    for upstream in UPSTREAM[table]:
        if any(c.name == column for c in tables()[upstream].columns):
            return (f"{upstream}.{column}",)
    return ()


def table_metadata(table: str) -> dict[str, Any]:
    """What the UI shows of a warehouse table: its DuckDB name, column schema and column lineage."""
    metadata: dict[str, Any] = {"dagster/table_name": f"main.{table}", "dagster/column_schema": column_schema(table)}
    if UPSTREAM[table]:
        metadata["dagster/column_lineage"] = column_lineage(table)
    return metadata


def table_spec(table: str, group: str, compute_kind: str) -> dg.AssetSpec:
    """The asset of a warehouse table (Parquet files, then a DuckDB table): described, typed and
    owned, with its schema and lineage."""
    return dg.AssetSpec(
        key=table,
        description=tables()[table].description,
        group_name=group,
        kinds={compute_kind, "parquet", "duckdb"},
        owners=OWNERS,
        deps=list(UPSTREAM[table]),
        metadata=table_metadata(table),
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
