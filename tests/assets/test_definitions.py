"""The Definitions load, and every asset, check, sensor and schedule explains itself in the UI."""

import subprocess
import sys
from pathlib import Path

import dagster as dg

from assets.definitions import defs
from warehouse.schema import TABLES, tables

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_the_definitions_load() -> None:
    dg.Definitions.validate_loadable(defs)


def test_every_asset_is_described_grouped_and_typed() -> None:
    for spec in defs.resolve_all_asset_specs():
        assert spec.description, spec.key
        assert spec.group_name in {"text", "entities", "events", "warehouse", "reports"}, spec.key
        assert spec.kinds, spec.key
        assert spec.owners, spec.key
        assert spec.code_version, spec.key
        assert "dagster/code_references" in spec.metadata, spec.key


def test_every_table_asset_carries_its_column_schema_and_lineage() -> None:
    specs = {spec.key.to_user_string(): spec for spec in defs.resolve_all_asset_specs()}
    for table in TABLES:
        metadata = specs[table].metadata
        assert [c.name for c in metadata["dagster/column_schema"].columns] == [c.name for c in tables()[table].columns]
        assert all(column.description for column in metadata["dagster/column_schema"].columns), table
        assert metadata["dagster/table_name"] == f"main.{table}"
        if table in ("documents", "rejected_documents"):  # read from the seed files, not from a table
            assert "dagster/column_lineage" not in metadata
            continue
        lineage = metadata["dagster/column_lineage"].deps_by_column
        upstream = {dep.asset_key.to_user_string() for dep in specs[table].deps}
        assert set(lineage) == {c.name for c in tables()[table].columns}, table  # every column has a source
        for column, deps in lineage.items():
            for dep in deps:
                source = dep.asset_key.to_user_string()
                assert source in upstream, (table, column, source)
                assert dep.column_name in {c.name for c in tables()[source].columns}, (table, column, dep)


def test_the_briefing_is_a_report_read_from_the_database() -> None:
    spec = next(spec for spec in defs.resolve_all_asset_specs() if spec.key.to_user_string() == "briefing")
    assert spec.group_name == "reports"
    assert spec.kinds == {"html", "plotly"}
    assert [dep.asset_key.to_user_string() for dep in spec.deps] == ["news_duckdb"]


def test_checks_are_blocking_and_described() -> None:
    graph = defs.resolve_asset_graph()
    check_specs = [graph.get_check_spec(key) for key in graph.asset_check_keys]
    assert len({spec.key for spec in check_specs}) == 13
    assert all(spec.description for spec in check_specs)
    assert all(spec.blocking for spec in check_specs)  # a failed check stops the database, or the briefing


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
