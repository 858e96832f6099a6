"""The event assets materialized for real over the seeds and one unambiguous article, queried with SQL.

The assertions are structural (every trigger is its raw slice, every participant exists, the view
has one row per cluster), so they hold for any number of events the extractor finds."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from assets.definitions import build_definitions
from assets.partitions import SEED_FILES, partition_key_for, partition_range_tags, sync_seed_partitions
from assets.resources import SeedsFolder, Warehouse
from warehouse.database import connect_read_only
from warehouse.parquet import partition_ids, table_dir
from warehouse.schema import tables

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
AGREEMENT_FILE = "900_agreement.txt"
AGREEMENT = "Russia and Turkey sign deal\n\nRussia and Turkey signed an agreement in Astana on Monday.\n"
EVENT_CHECKS = {"events_trace_to_raw_text", "event_types_in_plover", "event_actors_have_entities", "events_have_actors"}
CONTRACT_COLUMNS = {
    "events": ["event_id", "doc_id", "sentence_idx", "char_start", "char_end", "trigger", "event_type", "mode",
               "cameo_root", "modality", "event_date", "date_precision", "location_entity_id", "cluster_id",
               "confidence"],
    "event_actors": ["event_id", "entity_id", "role"],
}  # fmt: skip
EVENT_TABLES = ("event_candidates", "event_arguments", "events", "event_actors")


def refresh(instance: dg.DagsterInstance, seeds_dir: Path, warehouse_dir: Path) -> dg.ExecuteInProcessResult:
    """What `make run` does: sync partitions with the folder and run the refresh job over all of them."""
    seeds = SeedsFolder(path=str(seeds_dir))
    sync_seed_partitions(instance, seeds.files())
    keys = instance.get_dynamic_partitions(SEED_FILES)
    job = build_definitions(seeds, Warehouse(path=str(warehouse_dir))).resolve_job_def("refresh_warehouse")
    return job.execute_in_process(instance=instance, tags=partition_range_tags(keys[0], keys[-1]))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dg.ExecuteInProcessResult]]:
    """One refresh over the five seeds and the agreement article, shared by the read-only tests."""
    root = tmp_path_factory.mktemp("events")
    shutil.copytree(SEEDS, root / "seeds")
    (root / "seeds" / AGREEMENT_FILE).write_text(AGREEMENT, encoding="utf-8")
    with dg.instance_for_test() as instance:
        yield root / "warehouse", refresh(instance, root / "seeds", root / "warehouse")


def query(warehouse_dir: Path, sql: str) -> list[tuple]:
    with connect_read_only(warehouse_dir) as con:
        return con.execute(sql).fetchall()


def test_the_event_tables_are_in_parquet_and_duckdb_with_their_columns(run: tuple[Path, dg.ExecuteInProcessResult]):
    warehouse_dir, result = run
    assert result.success
    for table in EVENT_TABLES:
        assert (table_dir(warehouse_dir, table) / "_schema.parquet").exists()
        columns = [name for (name,) in query(warehouse_dir, f"SELECT column_name FROM (DESCRIBE {table})")]
        assert columns == [column.name for column in tables()[table].columns]
        parquet = query(
            warehouse_dir, f"SELECT count(*) FROM read_parquet('{table_dir(warehouse_dir, table)}/*.parquet')"
        )
        assert query(warehouse_dir, f"SELECT count(*) FROM {table}") == parquet
    for table, columns in CONTRACT_COLUMNS.items():
        assert [column.name for column in tables()[table].columns][: len(columns)] == columns


def test_the_event_checks_ran_and_passed(run: tuple[Path, dg.ExecuteInProcessResult]) -> None:
    evaluations = {e.check_name: e.passed for e in run[1].get_asset_check_evaluations()}
    assert set(evaluations) >= EVENT_CHECKS
    assert all(evaluations[name] for name in EVENT_CHECKS)


def test_every_trigger_is_its_raw_slice_inside_its_sentence(run: tuple[Path, dg.ExecuteInProcessResult]) -> None:
    broken = query(
        run[0],
        "SELECT e.event_id FROM events e JOIN documents d USING (doc_id) "
        "LEFT JOIN sentences s USING (doc_id, sentence_idx) "
        "WHERE substring(d.raw_text, e.trigger_char_start + 1, e.trigger_char_end - e.trigger_char_start) <> e.trigger "
        "OR s.doc_id IS NULL OR e.char_start < s.char_start OR e.char_end > s.char_end "
        "OR e.trigger_char_start < s.char_start OR e.trigger_char_end > s.char_end",
    )
    assert broken == []


def test_every_participant_and_place_is_an_existing_entity(run: tuple[Path, dg.ExecuteInProcessResult]) -> None:
    orphans = query(
        run[0],
        "SELECT a.event_id FROM event_actors a LEFT JOIN entities n USING (entity_id) LEFT JOIN events e "
        "USING (event_id) WHERE n.entity_id IS NULL OR e.event_id IS NULL "
        "UNION ALL SELECT e.event_id FROM events e LEFT JOIN entities n ON n.entity_id = e.location_entity_id "
        "WHERE e.location_entity_id IS NOT NULL AND n.entity_id IS NULL",
    )
    assert orphans == []
    candidates = query(run[0], "SELECT count(*) FROM event_candidates")
    assert query(run[0], "SELECT count(*) FROM events") == candidates


def test_the_timeline_has_one_row_per_cluster(run: tuple[Path, dg.ExecuteInProcessResult]) -> None:
    [(rows, clusters, reports)] = query(
        run[0],
        "SELECT (SELECT count(*) FROM event_timeline), (SELECT count(DISTINCT cluster_id) FROM events), "
        "(SELECT coalesce(sum(n_reports), 0) FROM event_timeline)",
    )
    assert rows == clusters
    assert reports == query(run[0], "SELECT count(*) FROM events")[0][0]


def test_the_materializations_carry_counts_and_previews(run: tuple[Path, dg.ExecuteInProcessResult]) -> None:
    by_asset = {
        m.asset_key.to_user_string(): m.metadata for m in run[1].asset_materializations_for_node("coded_events")
    }
    n_events = query(run[0], "SELECT count(*) FROM events")[0][0]
    assert by_asset["events"]["dagster/row_count"].value == n_events
    assert by_asset["events"]["n_clusters"].value == query(run[0], "SELECT count(*) FROM event_timeline")[0][0]
    assert "event_type" in by_asset["events"]["latest_events"].value
    latest = by_asset["events"]["latest_events"].value.splitlines()[2:]  # under the header and its rule
    newest_first = "SELECT coalesce(event_date, '') FROM events ORDER BY 1 DESC, event_id DESC LIMIT 10"
    assert [row.split(" | ")[0].removeprefix("| ") for row in latest] == [d for (d,) in query(run[0], newest_first)]
    assert (
        by_asset["event_actors"]["dagster/row_count"].value == query(run[0], "SELECT count(*) FROM event_actors")[0][0]
    )
    candidates = {
        m.asset_key.to_user_string(): m.metadata for m in run[1].asset_materializations_for_node("seed_documents")
    }
    assert candidates["event_candidates"]["rows_written"].value == n_events


def test_an_unambiguous_agreement_is_coded_with_its_parties_and_place(run: tuple[Path, dg.ExecuteInProcessResult]):
    rows = query(
        run[0],
        "SELECT e.event_type, list(n.name ORDER BY n.name) FILTER (a.role = 'actor'), p.name "
        "FROM events e JOIN documents d USING (doc_id) LEFT JOIN event_actors a USING (event_id) "
        "LEFT JOIN entities n USING (entity_id) LEFT JOIN entities p ON p.entity_id = e.location_entity_id "
        f"WHERE d.seed_file = '{AGREEMENT_FILE}' GROUP BY ALL",
    )
    assert any(actors == ["Russia", "Turkey"] and place == "Astana" for _, actors, place in rows), rows


def test_deleting_a_file_removes_its_events(instance: dg.DagsterInstance, seeds_dir: Path, warehouse_dir: Path) -> None:
    (seeds_dir / AGREEMENT_FILE).write_text(AGREEMENT, encoding="utf-8")
    assert refresh(instance, seeds_dir, warehouse_dir).success
    [(doc_id,)] = query(warehouse_dir, f"SELECT doc_id FROM documents WHERE seed_file = '{AGREEMENT_FILE}'")
    assert AGREEMENT_FILE in (warehouse_dir / "briefing.html").read_text(encoding="utf-8")
    (seeds_dir / AGREEMENT_FILE).unlink()
    instance.delete_dynamic_partition(SEED_FILES, partition_key_for(AGREEMENT_FILE))
    defs = build_definitions(SeedsFolder(path=str(seeds_dir)), Warehouse(path=str(warehouse_dir)))
    assert defs.resolve_job_def("rebuild_news_duckdb").execute_in_process(instance=instance).success
    for table in ("event_candidates", "event_arguments", "events"):
        assert query(warehouse_dir, f"SELECT count(*) FROM {table} WHERE doc_id = '{doc_id}'") == [(0,)]
    assert all(doc_id not in partition_ids(warehouse_dir, table) for table in ("event_candidates", "event_arguments"))
    orphans = "SELECT count(*) FROM event_actors WHERE event_id NOT IN (SELECT event_id FROM events)"
    assert query(warehouse_dir, orphans) == [(0,)]
    assert AGREEMENT_FILE not in (warehouse_dir / "briefing.html").read_text(encoding="utf-8")  # drawn again
