"""The Definitions load, and every asset, check, sensor and schedule explains itself in the UI."""

import subprocess
import sys
from pathlib import Path

import dagster as dg

from assets.definitions import defs

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_the_definitions_load() -> None:
    dg.Definitions.validate_loadable(defs)


def test_every_asset_is_described_grouped_and_typed() -> None:
    for spec in defs.resolve_all_asset_specs():
        assert spec.description, spec.key
        assert spec.group_name in {"text", "entities", "events", "warehouse"}, spec.key
        assert spec.kinds, spec.key
        assert spec.owners, spec.key
        assert spec.code_version, spec.key
        assert "dagster/code_references" in spec.metadata, spec.key


def test_every_table_asset_carries_its_column_schema() -> None:
    specs = {spec.key.to_user_string(): spec for spec in defs.resolve_all_asset_specs()}
    for table in ("documents", "rejected_documents", "sentences"):
        schema = specs[table].metadata["dagster/column_schema"]
        assert {"doc_id" if table != "rejected_documents" else "seed_file"} <= {c.name for c in schema.columns}
        assert all(column.description for column in schema.columns)


def test_checks_are_blocking_and_described() -> None:
    graph = defs.resolve_asset_graph()
    check_specs = [graph.get_check_spec(key) for key in graph.asset_check_keys]
    assert len({spec.key for spec in check_specs}) == 13
    assert all(spec.description for spec in check_specs)
    assert all(spec.blocking for spec in check_specs if spec.asset_key.to_user_string() != "news_duckdb")


def test_the_sensor_and_schedule_are_described_and_on_by_default() -> None:
    sensor = defs.resolve_sensor_def("seed_files_sensor")
    schedule = defs.resolve_schedule_def("daily_full_refresh")
    assert sensor.description and schedule.description
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_pipelines_never_import_dagster() -> None:
    offenders = [
        path.name for path in (PROJECT_ROOT / "pipelines").rglob("*.py") if "import dagster" in path.read_text()
    ]
    assert offenders == []


def test_the_workspace_file_loads_the_same_definitions() -> None:
    loaded = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr[-2000:]
