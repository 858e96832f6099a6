"""The Dagster UI explains the graph, as a user sees it: `newsevents run` materializes the seeds,
then `dagster dev` (what `make ui` starts) serves the UI, and its GraphQL API is asked about the
assets, checks, partitions, sensor and schedule."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assets.instance import write_instance_settings
from assets.sensors import SENSOR_INTERVAL_SECONDS
from warehouse.schema import TABLES, tables

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STARTUP_SECONDS = 240
SHUTDOWN_GRACE_SECONDS = 15

ASSETS_QUERY = """
{
  assetNodes {
    assetKey { path }
    description
    groupName
    kinds
    owners { ... on TeamAssetOwner { team } ... on UserAssetOwner { email } }
    isPartitioned
    partitionKeys
    assetPartitionStatuses { ... on DefaultPartitionStatuses { materializedPartitions } }
    metadataEntries {
      label
      ... on TableSchemaMetadataEntry { schema { columns { name type description } } }
      ... on TableColumnLineageMetadataEntry { lineage { columnName columnDeps { assetKey { path } columnName } } }
      ... on CodeReferencesMetadataEntry { codeReferences { ... on LocalFileCodeReference { filePath lineNumber } } }
    }
    assetChecksOrError { ... on AssetChecks { checks { name description blocking } } }
    assetMaterializations(limit: 1) { metadataEntries { label } }
  }
}
"""

INSTIGATORS_QUERY = """
{
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes {
        sensors { name description minIntervalSeconds sensorState { status } }
        schedules { name description cronSchedule scheduleState { status } }
      }
    }
  }
}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def graphql(port: int, query: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        answer = json.load(response)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def stop_group(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (webserver, daemon, code servers), SIGKILL after a grace."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + SHUTDOWN_GRACE_SECONDS
    while time.monotonic() < deadline:
        server.poll()
        try:
            os.killpg(server.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.5)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)


def wait_until_loaded(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Until the code location has loaded (the server answers and reports no load error)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()[-3000:]
        try:
            data = graphql(
                port, "{ repositoriesOrError { __typename ... on RepositoryConnection { nodes { name } } } }"
            )
            if data["repositoriesOrError"].get("nodes"):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    pytest.fail(f"the UI did not load in {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """The seeds materialized by `newsevents run` into a private instance, then `dagster dev` on a
    free port over the same instance; stopped with its whole process group afterwards."""
    root = tmp_path_factory.mktemp("ui")
    shutil.copytree(PROJECT_ROOT / "seeds", root / "seeds")
    write_instance_settings(root / "dagster_home")
    env = {
        **os.environ,
        "SEEDS_DIR": str(root / "seeds"),
        "WAREHOUSE_DIR": str(root / "warehouse"),
        "DAGSTER_HOME": str(root / "dagster_home"),
    }
    run = subprocess.run(
        [str(BIN / "newsevents"), "run"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stdout + run.stderr
    port, log = free_port(), root / "dagster-dev.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(BIN / "dagster"), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
            cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_until_loaded(server, port, log)
        yield port, root
    finally:
        stop_group(server)


@pytest.fixture(scope="module")
def assets(ui: tuple[int, Path]) -> dict[str, dict[str, Any]]:
    port, _ = ui
    return {"/".join(node["assetKey"]["path"]): node for node in graphql(port, ASSETS_QUERY)["assetNodes"]}


def entries(node: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["label"]: entry for entry in node["metadataEntries"]}


def test_every_asset_is_described_grouped_typed_owned_and_linked_to_its_code(assets: dict[str, dict]) -> None:
    assert set(assets) == {*TABLES, "news_duckdb", "briefing"}
    for key, node in assets.items():
        assert node["description"], key
        assert node["groupName"] in {"text", "entities", "events", "warehouse", "reports"}, key
        assert node["kinds"], key
        assert node["owners"] == [{"team": "newsevents"}], key
        references = entries(node)["dagster/code_references"]["codeReferences"]
        assert all(Path(reference["filePath"]).is_file() for reference in references), key
    assert set(assets["briefing"]["kinds"]) == {"html", "plotly"}
    assert set(assets["sentences"]["kinds"]) == {"spacy", "parquet", "duckdb"}


def test_every_table_shows_its_columns_and_where_they_come_from(assets: dict[str, dict]) -> None:
    for table in TABLES:
        metadata = entries(assets[table])
        columns = metadata["dagster/column_schema"]["schema"]["columns"]
        assert [c["name"] for c in columns] == [c.name for c in tables()[table].columns], table
        assert all(c["description"] for c in columns), table
    lineage = {
        e["columnName"]: e["columnDeps"] for e in entries(assets["sentences"])["dagster/column_lineage"]["lineage"]
    }
    assert {"assetKey": {"path": ["documents"]}, "columnName": "raw_text"} in lineage["char_start"]


def test_checks_are_visible_described_and_blocking(assets: dict[str, dict]) -> None:
    checks = [check for node in assets.values() for check in node["assetChecksOrError"].get("checks", [])]
    assert len(checks) == 13
    assert all(check["description"] and check["blocking"] for check in checks)
    assert "duckdb_matches_parquet" in {
        check["name"] for check in assets["news_duckdb"]["assetChecksOrError"]["checks"]
    }


def test_each_seed_file_is_a_materialized_partition(assets: dict[str, dict]) -> None:
    seed_files = sorted(path.name for path in (PROJECT_ROOT / "seeds").glob("*.txt"))
    documents = assets["documents"]
    assert documents["isPartitioned"] and sorted(documents["partitionKeys"]) == seed_files
    assert sorted(documents["assetPartitionStatuses"]["materializedPartitions"]) == seed_files


def test_the_briefing_was_rendered_with_its_preview(assets: dict[str, dict], ui: tuple[int, Path]) -> None:
    _, root = ui
    assert (root / "warehouse" / "briefing.html").is_file()
    labels = {entry["label"] for entry in assets["briefing"]["assetMaterializations"][0]["metadataEntries"]}
    assert {"path", "timeline_events", "top_actors"} <= labels
    previews = {entry["label"] for entry in assets["events"]["assetMaterializations"][0]["metadataEntries"]}
    assert {"latest_events", "dagster/column_lineage"} <= previews


def test_the_sensor_and_schedule_are_described_and_running(ui: tuple[int, Path]) -> None:
    port, _ = ui
    (repository,) = graphql(port, INSTIGATORS_QUERY)["repositoriesOrError"]["nodes"]
    (sensor,) = repository["sensors"]
    (schedule,) = repository["schedules"]
    assert sensor["name"] == "seed_files_sensor" and "seeds folder" in sensor["description"]
    assert sensor["sensorState"]["status"] == "RUNNING" and sensor["minIntervalSeconds"] == SENSOR_INTERVAL_SECONDS
    assert schedule["name"] == "daily_full_refresh" and schedule["description"]
    assert schedule["cronSchedule"] == "0 3 * * *" and schedule["scheduleState"]["status"] == "RUNNING"
