"""Fixtures shared by every room's tests: a copy of the seeds, a warehouse folder, a Dagster
instance, and the real assets materialized into them."""

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pytest

from assets import checks
from assets.database import news_duckdb
from assets.documents import seed_documents
from assets.entities import resolved_entities
from assets.events import coded_events
from assets.instance import event_log_storage
from assets.partitions import SEED_FILES, partition_range_tags, sync_seed_partitions
from assets.resources import EntityRecognizer, SeedsFolder, Warehouse

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT_ROOT / "seeds"


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    """A private copy of the five seed articles."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture
def warehouse_dir(tmp_path: Path) -> Path:
    return tmp_path / "warehouse"


@contextmanager
def project_instance() -> Iterator[dg.DagsterInstance]:
    """A real Dagster instance set up as `make` sets one up (assets/instance.py), in a temporary folder."""
    with tempfile.TemporaryDirectory() as home:
        overrides = {"event_log_storage": event_log_storage(Path(home))}
        with dg.instance_for_test(temp_dir=home, overrides=overrides) as test_instance:
            yield test_instance


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    """A real Dagster instance with run and event storage in a temporary folder."""
    with project_instance() as test_instance:
        yield test_instance


ALL_CHECKS = dg.load_asset_checks_from_modules([checks])


def resources_for(seeds_dir: Path, warehouse_dir: Path, max_file_mb: float = 10.0) -> dict:
    return {
        "seeds": SeedsFolder(path=str(seeds_dir), max_file_mb=max_file_mb),
        "warehouse": Warehouse(path=str(warehouse_dir)),
        "recognizer": EntityRecognizer(),
    }


def materialize_all(
    instance: dg.DagsterInstance,
    seeds_dir: Path,
    warehouse_dir: Path,
    selection: dg.AssetSelection | None = None,
    **resource_options,
) -> dg.ExecuteInProcessResult:
    """What `make run` does: sync partitions with the folder, then one run over all of them
    (or over `selection`); a failed step makes the result unsuccessful instead of raising."""
    sync_seed_partitions(instance, SeedsFolder(path=str(seeds_dir)).files())
    keys = instance.get_dynamic_partitions(SEED_FILES)
    return dg.materialize(
        [seed_documents, resolved_entities, coded_events, news_duckdb, *ALL_CHECKS],
        instance=instance,
        resources=resources_for(seeds_dir, warehouse_dir, **resource_options),
        tags=partition_range_tags(keys[0], keys[-1]),
        selection=selection,
        raise_on_error=False,
    )


@pytest.fixture
def materialize() -> Callable[..., dg.ExecuteInProcessResult]:
    """`materialize_all`, for tests (conftest modules cannot be imported by name)."""
    return materialize_all


@pytest.fixture
def built_warehouse(instance: dg.DagsterInstance, seeds_dir: Path, warehouse_dir: Path) -> Path:
    """The seeds materialized into this test's own warehouse, which the test may change."""
    result = materialize_all(instance, seeds_dir, warehouse_dir)
    assert result.success
    return warehouse_dir


@pytest.fixture(scope="session")
def seeds_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds materialized once per session, for the tests that only read the warehouse."""
    root = tmp_path_factory.mktemp("built")
    shutil.copytree(SEEDS, root / "seeds")
    with project_instance() as session_instance:
        result = materialize_all(session_instance, root / "seeds", root / "warehouse")
    assert result.success
    return root / "warehouse"
