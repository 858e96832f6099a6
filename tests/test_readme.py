"""The README's promises: its SQL examples run against a built warehouse, its commands exist."""

import re
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
SQL_BLOCKS = re.findall(r"```sql\n(.*?)```", README, re.DOTALL)


def test_the_quick_start_is_make_run_then_make_test() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make (\w+)", quick_start, re.MULTILINE)
    assert commands[:2] == ["run", "test"]


def test_every_make_target_the_readme_names_exists() -> None:
    targets = set(re.findall(r"^([a-z]+):", (PROJECT_ROOT / "Makefile").read_text(), re.MULTILINE))
    assert set(re.findall(r"`make (\w+)`", README)) <= targets


@pytest.fixture
def warehouse_with_a_rejection(
    materialize: Callable[..., dg.ExecuteInProcessResult],
    instance: dg.DagsterInstance,
    seeds_dir: Path,
    warehouse_dir: Path,
) -> Path:
    """The seeds plus one empty file, so that every table has rows to show."""
    (seeds_dir / "empty.txt").write_bytes(b"")
    assert materialize(instance, seeds_dir, warehouse_dir).success
    return warehouse_dir


def test_the_readme_queries_answer_on_the_seeds(
    warehouse_with_a_rejection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(warehouse_with_a_rejection.parent)  # the README's paths are relative to the project
    assert len(SQL_BLOCKS) >= 4
    with duckdb.connect(str(warehouse_with_a_rejection / "news.duckdb"), read_only=True) as con:
        for query in SQL_BLOCKS:
            assert con.execute(query).fetchall(), query
