"""Materializing the real assets over the seeds into a temporary warehouse, queried with SQL."""

import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from assets.partitions import partition_key_for
from pipelines.text import normalize_text
from warehouse.database import connect_read_only, database_path
from warehouse.schema import TABLES

Materialize = Callable[..., dg.ExecuteInProcessResult]

CONTRACT_CHECKER = Path(__file__).resolve().parents[3] / "shared" / "tools" / "check_contract.py"


def table_fingerprint(warehouse_dir: Path) -> str:
    """A hash over every table's rows in a fixed order."""
    digest = hashlib.sha256()
    with connect_read_only(warehouse_dir) as con:
        for table in TABLES:
            for row in con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall():
                digest.update(repr(row).encode())
    return digest.hexdigest()


def test_the_seeds_become_documents_and_sentences(seeds_warehouse: Path) -> None:
    with connect_read_only(seeds_warehouse) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 5
        assert con.execute("SELECT count(*) FROM rejected_documents").fetchone()[0] == 0
        per_doc = con.execute("SELECT doc_id, count(*) FROM sentences GROUP BY ALL").fetchall()
        assert len(per_doc) == 5 and all(count >= 10 for _, count in per_doc)
        dated = con.execute("SELECT seed_file, published_date::VARCHAR FROM documents WHERE published_date IS NOT NULL")
        assert dated.fetchall() == [("003_5ebe1cd72f95d513.txt", "2017-12-21")]


def test_every_sentence_obeys_the_lineage_rule_in_sql_and_python(seeds_warehouse: Path) -> None:
    with connect_read_only(seeds_warehouse) as con:
        rows = con.execute(
            "SELECT substring(d.raw_text, s.char_start + 1, s.char_end - s.char_start), s.text "
            "FROM sentences s JOIN documents d USING (doc_id)"
        ).fetchall()
    assert rows and all(normalize_text(raw_slice) == text for raw_slice, text in rows)


def test_raw_text_is_the_file_decoded_and_nothing_else(seeds_warehouse: Path, seeds_dir: Path) -> None:
    with connect_read_only(seeds_warehouse) as con:
        for seed_file, raw_text, sha in con.execute(
            "SELECT seed_file, raw_text, seed_sha256 FROM documents"
        ).fetchall():
            data = (seeds_dir / seed_file).read_bytes()
            assert raw_text == data.decode("utf-8")
            assert sha == hashlib.sha256(data).hexdigest()


def test_every_blocking_check_ran_and_passed(
    materialize: Materialize, instance: dg.DagsterInstance, seeds_dir: Path, warehouse_dir: Path
) -> None:
    result = materialize(instance, seeds_dir, warehouse_dir)
    evaluations = result.get_asset_check_evaluations()
    assert {e.check_name for e in evaluations} == {
        "sentences_trace_to_raw_text",
        "sentence_keys_are_unique",
        "document_keys_are_unique",
        "documents_have_sentences",
        "rejections_explain_themselves",
        "mentions_trace_to_raw_text",
        "mentions_have_entities",
        "entities_have_mentions",
        "events_trace_to_raw_text",
        "event_types_in_plover",
        "event_actors_have_entities",
        "events_have_actors",
        "duckdb_matches_parquet",
    }
    assert all(e.passed for e in evaluations)


def test_a_rerun_replaces_rows_and_gives_identical_tables(
    materialize: Materialize, instance: dg.DagsterInstance, built_warehouse: Path, seeds_dir: Path
) -> None:
    before = table_fingerprint(built_warehouse)
    assert materialize(instance, seeds_dir, built_warehouse).success
    assert table_fingerprint(built_warehouse) == before


def test_deleting_a_seed_file_removes_its_rows(
    materialize: Materialize, instance: dg.DagsterInstance, built_warehouse: Path, seeds_dir: Path
) -> None:
    (seeds_dir / "002_2b11229bc80b7b43.txt").unlink()
    assert materialize(instance, seeds_dir, built_warehouse).success
    with connect_read_only(built_warehouse) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 4
        orphans = "SELECT count(*) FROM sentences WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
        assert con.execute(orphans).fetchone()[0] == 0
    assert partition_key_for("002_2b11229bc80b7b43.txt") not in instance.get_dynamic_partitions("seed_files")


def test_bad_files_are_rejected_with_reasons_and_the_others_go_on(
    materialize: Materialize, instance: dg.DagsterInstance, seeds_dir: Path, warehouse_dir: Path, tmp_path: Path
) -> None:
    (seeds_dir / "empty.txt").write_bytes(b"")
    (seeds_dir / "blank.txt").write_text("  \n\t\n")
    (seeds_dir / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (seeds_dir / "huge.txt").write_text("Headline\n\n" + "Word. " * 400_000)
    outside = tmp_path / "outside.txt"
    outside.write_text("Secret\n\nNot yours.")
    (seeds_dir / "link.txt").symlink_to(outside)
    nested = seeds_dir / "sub folder" / "ünïcode name.txt"
    nested.parent.mkdir()
    nested.write_bytes("Caf\xe9 talks\n\nDelegates met in the caf\xe9 on Monday.".encode("cp1252"))
    result = materialize(instance, seeds_dir, warehouse_dir, max_file_mb=1.0)
    assert result.success
    with connect_read_only(warehouse_dir) as con:
        rejected = dict(con.execute("SELECT seed_file, rejection_code FROM rejected_documents").fetchall())
        assert rejected == {
            "empty.txt": "empty",
            "blank.txt": "whitespace_only",
            "binary.txt": "binary",
            "huge.txt": "too_large",
            "link.txt": "symlink_outside",
        }
        reasons = [r for (r,) in con.execute("SELECT reason FROM rejected_documents").fetchall()]
        assert all(reason.endswith(".") and len(reason) > 15 for reason in reasons)
        accepted = con.execute("SELECT seed_file, encoding FROM documents ORDER BY seed_file").fetchall()
        assert ("sub folder/ünïcode name.txt", "cp1252") in accepted and len(accepted) == 6


def test_a_reader_holding_the_database_open_neither_fails_the_run_nor_sees_a_partial_state(
    materialize: Materialize, instance: dg.DagsterInstance, built_warehouse: Path, seeds_dir: Path
) -> None:
    reader = subprocess.Popen(
        [sys.executable, "-c", READER_SCRIPT, str(database_path(built_warehouse))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert reader.stdout is not None and reader.stdin is not None
    assert reader.stdout.readline().strip() == "5 116"  # the reader has the database open
    (seeds_dir / "005_new.txt").write_text("New talks\n\nDelegates met in Geneva on Friday. They agreed.")
    assert materialize(instance, seeds_dir, built_warehouse).success
    reader.stdin.write("again\n")
    reader.stdin.flush()
    assert reader.stdout.readline().strip() == "5 116"  # its open connection still sees the old, whole state
    reader.stdin.close()
    assert reader.wait(timeout=30) == 0
    with connect_read_only(built_warehouse) as con:
        counts = con.execute("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM sentences)").fetchone()
    assert counts == (6, 118)


READER_SCRIPT = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
query = "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM sentences)"
print(*con.execute(query).fetchone(), flush=True)
for _ in sys.stdin:
    print(*con.execute(query).fetchone(), flush=True)
"""


@pytest.mark.skipif(not CONTRACT_CHECKER.exists(), reason="the shared contract checker is not beside this checkout")
def test_the_warehouse_keeps_the_contract(seeds_warehouse: Path) -> None:
    checked = subprocess.run(
        [sys.executable, str(CONTRACT_CHECKER), str(seeds_warehouse)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout
    assert "contract kept" in checked.stdout


def test_parquet_is_readable_by_duckdb_like_the_contract_says(seeds_warehouse: Path) -> None:
    for table in TABLES:
        with duckdb.connect() as con:
            glob = f"{seeds_warehouse}/parquet/{table}/**/*.parquet"
            parquet = con.execute("SELECT count(*) FROM read_parquet(?)", [glob]).fetchall()[0][0]
        with connect_read_only(seeds_warehouse) as con:
            assert con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] == parquet


def test_a_failing_blocking_check_keeps_the_previous_database(
    materialize: Materialize, instance: dg.DagsterInstance, built_warehouse: Path, seeds_dir: Path
) -> None:
    before = table_fingerprint(built_warehouse)
    tampered = next(path for path in (built_warehouse / "parquet" / "sentences").iterdir() if path.stem.isalnum())
    sentences = pq.read_table(tampered)
    index = sentences.schema.get_field_index("text")
    pq.write_table(sentences.set_column(index, "text", pa.array(["tampered"] * sentences.num_rows)), tampered)
    selection = dg.AssetSelection.checks_for_assets("sentences") | dg.AssetSelection.assets("news_duckdb")
    result = materialize(instance, seeds_dir, built_warehouse, selection=selection)
    assert not result.success
    failed = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
    assert failed == ["sentences_trace_to_raw_text"]
    assert result.asset_materializations_for_node("news_duckdb") == []
    assert table_fingerprint(built_warehouse) == before


def test_each_materialization_carries_counts_and_a_preview_and_the_corpus_tables_their_schema(
    materialize: Materialize, instance: dg.DagsterInstance, seeds_dir: Path, warehouse_dir: Path
) -> None:
    result = materialize(instance, seeds_dir, warehouse_dir)
    materializations = [event.materialization for event in result.get_asset_materialization_events()]
    by_asset = {m.asset_key.to_user_string(): m.metadata for m in materializations}
    assert by_asset["documents"]["rows_written"].value == 5
    assert by_asset["sentences"]["rows_written"].value == 116
    assert "Astana" in by_asset["documents"]["preview"].value
    # A per-file table's materialization is copied to every partition: its schema stays in the definition.
    assert "dagster/column_schema" not in by_asset["sentences"]
    assert [c.name for c in by_asset["entities"]["dagster/column_schema"].schema.columns][:2] == ["entity_id", "name"]
    assert by_asset["news_duckdb"]["rows_sentences"].value == 116
    assert by_asset["entities"]["dagster/row_count"].value > 50
    assert "Astana" in by_asset["entities"]["top_entities"].value
    assert (
        by_asset["mention_candidates"]["rows_written"].value == by_asset["entity_mentions"]["dagster/row_count"].value
    )
