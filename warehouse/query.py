"""Read-only SQL over news.duckdb for people: one query per connection, printed as a table, CSV or JSON.

Each query opens its own read-only connection and closes it before anything is printed, so a
reader never holds the file a run is about to replace, nor keeps a writer waiting.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from warehouse.database import connect_read_only, database_path

FORMATS = ("table", "csv", "json")
NULL = "NULL"


class WarehouseMissing(FileNotFoundError):
    """There is no news.duckdb to query yet."""


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def connect(warehouse_dir: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to news.duckdb, or WarehouseMissing saying how to build one."""
    if not database_path(warehouse_dir).exists():
        raise WarehouseMissing(
            f"There is no warehouse at {database_path(warehouse_dir)}: run `newsevents run` (or `make run`) first."
        )
    return connect_read_only(warehouse_dir)


def run_query(warehouse_dir: Path, sql: str, params: dict[str, str] | None = None) -> QueryResult:
    """Run `sql` (with `$name` parameters) on a read-only connection opened and closed for it alone."""
    with connect(warehouse_dir) as con:
        cursor = con.execute(sql, params or None)
        columns = [column[0] for column in cursor.description or []]
        rows = cursor.fetchall() if columns else []
    return QueryResult(columns, rows)


def rejected_files(warehouse_dir: Path) -> QueryResult:
    """The files the pipeline could not accept, with the reason a person reads."""
    return run_query(warehouse_dir, "SELECT seed_file, rejection_code, reason FROM rejected_documents ORDER BY 1")


def format_result(result: QueryResult, output: str) -> str:
    """The result as an aligned text table, CSV or a JSON array of objects."""
    return {"table": format_table, "csv": format_csv, "json": format_json}[output](result)


def format_table(result: QueryResult) -> str:
    """Aligned columns under a header, numbers to the right, and the row count below."""
    cells = [[_text(value) for value in row] for row in result.rows]
    widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(result.columns)]
    numeric = [_is_numeric(row[i] for row in result.rows) for i in range(len(widths))]
    lines = [
        " | ".join(name.ljust(width) for name, width in zip(result.columns, widths, strict=True)).rstrip(),
        "-+-".join("-" * width for width in widths),
    ]
    for row in cells:
        padded = (
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, right in zip(row, widths, numeric, strict=True)
        )
        lines.append(" | ".join(padded).rstrip())
    lines.append(f"({len(result.rows)} row{'' if len(result.rows) == 1 else 's'})")
    return "\n".join(lines) + "\n"


def format_csv(result: QueryResult) -> str:
    """RFC 4180 CSV with a header; nulls are empty fields and lists are JSON arrays."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(_csv_field(value) for value in row)
    return buffer.getvalue()


def format_json(result: QueryResult) -> str:
    """A JSON array with one object per row; dates and decimals become strings."""
    records = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    return json.dumps(records, ensure_ascii=False, indent=2, default=str) + "\n"


def _text(value: Any) -> str:
    """A cell on one line: NULL for nulls, lists in brackets, line breaks shown as ⏎."""
    if value is None:
        return NULL
    if isinstance(value, list):
        return "[" + ", ".join(_text(item) for item in value) + "]"
    return str(value).replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")


def _csv_field(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _is_numeric(values: Iterable[Any]) -> bool:
    """Whether a column holds only numbers (and nulls), to align it to the right."""
    return all(
        value is None or (isinstance(value, int | float | Decimal) and not isinstance(value, bool)) for value in values
    )
