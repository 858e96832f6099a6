"""`newsevents run`, the command behind `make run`, in a fresh process as a person runs it."""

import os
import subprocess
import sys
from pathlib import Path

from warehouse.database import table_counts


def run_cli(seeds_dir: Path, warehouse_dir: Path, dagster_home: Path) -> subprocess.CompletedProcess[str]:
    dagster_home.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "SEEDS_DIR": str(seeds_dir),
        "WAREHOUSE_DIR": str(warehouse_dir),
        "DAGSTER_HOME": str(dagster_home),
    }
    return subprocess.run(
        [sys.executable, "-m", "assets.cli", "run"], env=env, capture_output=True, text=True, timeout=300
    )


def test_run_builds_the_warehouse_then_forgets_a_deleted_file_and_reports_a_rejected_one(
    seeds_dir: Path, warehouse_dir: Path, tmp_path: Path
) -> None:
    home = tmp_path / "dagster_home"
    done = run_cli(seeds_dir, warehouse_dir, home)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Run succeeded" in done.stdout
    assert "documents          5 rows" in done.stdout
    assert str(warehouse_dir / "news.duckdb") in done.stdout
    assert table_counts(warehouse_dir)["sentences"] == 116
    (seeds_dir / "000_a267781117031075.txt").unlink()
    (seeds_dir / "empty.txt").write_bytes(b"")
    done = run_cli(seeds_dir, warehouse_dir, home)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Rejected empty.txt: The file is empty (0 bytes)." in done.stderr
    counts = table_counts(warehouse_dir)
    assert (counts["documents"], counts["rejected_documents"], counts["sentences"]) == (4, 1, 98)
    assert counts["entity_mentions"] == counts["mention_candidates"] > 0


def test_a_missing_seeds_folder_is_a_clear_error(warehouse_dir: Path, tmp_path: Path) -> None:
    done = run_cli(tmp_path / "nowhere", warehouse_dir, tmp_path / "dagster_home")
    assert done.returncode == 2
    assert "does not exist" in done.stderr and not warehouse_dir.exists()
