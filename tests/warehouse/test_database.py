"""news.duckdb: built from Parquet into a new file, or patched in a copy of the live one, and swapped in;
readers never see a partial state."""

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from warehouse.database import (
    DuplicateKeys,
    connect_read_only,
    database_path,
    rebuild_database,
    recorded_seed_states,
    table_counts,
)
from warehouse.parquet import (
    corpus_path,
    partition_ids,
    partition_path,
    read_corpus_table,
    read_partitions,
    replace_corpus_tables,
    write_partition,
)
from warehouse.schema import PARTITIONED_TABLES, TABLES, arrow_table


def document_row(doc_id: str, seed_file: str, text: str = "Title\n\nBody.") -> dict:
    return {
        "doc_id": doc_id, "seed_file": seed_file, "seed_sha256": "0" * 64, "encoding": "utf-8",
        "raw_text": text, "title": "Title", "clean_text": "Body.", "published_date": None,
        "pipeline_version": "test", "n_paragraphs": 1, "n_sentences": 1,
    }  # fmt: skip


def sentence_row(doc_id: str, idx: int = 0) -> dict:
    return {"doc_id": doc_id, "sentence_idx": idx, "char_start": 7, "char_end": 12, "text": "Body.", "paragraph_idx": 0}


def add_document(warehouse_dir: Path, doc_id: str, seed_file: str) -> None:
    write_partition(warehouse_dir, "documents", doc_id, arrow_table("documents", [document_row(doc_id, seed_file)]))
    write_partition(warehouse_dir, "sentences", doc_id, arrow_table("sentences", [sentence_row(doc_id)]))


def test_rebuild_loads_every_partition(warehouse_dir: Path) -> None:
    add_document(warehouse_dir, "d1", "a.txt")
    add_document(warehouse_dir, "d2", "b.txt")
    counts = rebuild_database(warehouse_dir)
    assert {t: counts[t] for t in ("documents", "rejected_documents", "sentences")} == {
        "documents": 2,
        "rejected_documents": 0,
        "sentences": 2,
    }
    with connect_read_only(warehouse_dir) as con:
        assert con.execute("SELECT seed_file FROM documents ORDER BY 1").fetchall() == [("a.txt",), ("b.txt",)]
        comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'documents'").fetchone()[0]
        assert "accepted seed file" in comment


def test_rebuild_prunes_partitions_not_kept(warehouse_dir: Path) -> None:
    add_document(warehouse_dir, "d1", "a.txt")
    add_document(warehouse_dir, "d2", "b.txt")
    assert rebuild_database(warehouse_dir, keep_partitions={"d1"})["documents"] == 1
    assert partition_ids(warehouse_dir, "sentences") == {"d1"}


def test_an_open_reader_keeps_its_snapshot_and_does_not_block_the_swap(warehouse_dir: Path) -> None:
    add_document(warehouse_dir, "d1", "a.txt")
    rebuild_database(warehouse_dir)
    reader = connect_read_only(warehouse_dir)
    try:
        add_document(warehouse_dir, "d2", "b.txt")
        rebuild_database(warehouse_dir)
        assert reader.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        assert count_in_another_process(database_path(warehouse_dir), "documents") == 2
    finally:
        reader.close()
    assert table_counts(warehouse_dir)["documents"] == 2


def count_in_another_process(database: Path, table: str) -> int:
    """What a person opening the file now (the duckdb CLI, a notebook) sees. In one process DuckDB
    shares an open database between connections, so a fresh look needs a fresh process."""
    script = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        f"print(con.execute('SELECT count(*) FROM {table}').fetchone()[0])"
    )
    done = subprocess.run([sys.executable, "-c", script, str(database)], check=True, capture_output=True, text=True)
    return int(done.stdout)


def test_a_failed_build_leaves_the_previous_database_in_place(warehouse_dir: Path) -> None:
    add_document(warehouse_dir, "d1", "a.txt")
    rebuild_database(warehouse_dir)
    duplicate = arrow_table("sentences", [sentence_row("d2"), sentence_row("d2")])
    write_partition(warehouse_dir, "sentences", "d2", duplicate)
    with pytest.raises(DuplicateKeys, match=r"sentences: 1 row\(s\) repeat a key \(doc_id, sentence_idx\)"):
        rebuild_database(warehouse_dir)
    assert table_counts(warehouse_dir)["documents"] == 1
    assert table_counts(warehouse_dir)["sentences"] == 1
    assert sorted(p.name for p in warehouse_dir.iterdir() if p.name.startswith(".news")) == []


def test_abandoned_builds_and_temporary_files_are_cleared(warehouse_dir: Path) -> None:
    add_document(warehouse_dir, "d1", "a.txt")
    (warehouse_dir / ".news.duckdb.dead.building").write_bytes(b"half a database")
    (warehouse_dir / "parquet" / "documents" / "d9.parquet.tmp-dead").write_bytes(b"half a file")
    rebuild_database(warehouse_dir)
    assert not (warehouse_dir / ".news.duckdb.dead.building").exists()
    assert not (warehouse_dir / "parquet" / "documents" / "d9.parquet.tmp-dead").exists()
    assert database_path(warehouse_dir).exists()


def test_recorded_states_cover_accepted_and_rejected_files(warehouse_dir: Path) -> None:
    assert recorded_seed_states(warehouse_dir) == {}
    add_document(warehouse_dir, "d1", "a.txt")
    rejection = {"seed_file": "b.txt", "seed_sha256": "f" * 64, "reason": "empty", "doc_id": "d2",
                 "rejection_code": "empty", "pipeline_version": "test", "seed_size": 0, "seed_mtime_ns": 7}  # fmt: skip
    write_partition(warehouse_dir, "rejected_documents", "d2", arrow_table("rejected_documents", [rejection]))
    rebuild_database(warehouse_dir)
    assert recorded_seed_states(warehouse_dir) == {"a.txt": (None, None, "0" * 64), "b.txt": (0, 7, "f" * 64)}


@pytest.mark.parametrize("old_first", [True, False])
def test_files_written_before_a_column_was_added_still_load(warehouse_dir: Path, old_first: bool) -> None:
    """A partition written by older code lacks a newer column: its rows load with null there, the
    others keep theirs, whichever file is read first."""
    old, new = ("d1", "d2") if old_first else ("d2", "d1")
    newer = arrow_table("documents", [document_row(new, "new.txt") | {"date_anchor": "2017"}])
    write_partition(warehouse_dir, "documents", new, newer)
    older = arrow_table("documents", [document_row(old, "old.txt")]).drop_columns(["date_anchor"])
    pq.write_table(older, partition_path(warehouse_dir, "documents", old))
    rebuild_database(warehouse_dir)
    with connect_read_only(warehouse_dir) as con:
        rows = con.execute("SELECT doc_id, date_anchor FROM documents ORDER BY doc_id").fetchall()
    assert rows == sorted([(old, None), (new, "2017")])


def database_contents(warehouse_dir: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted (a patch stores them in another order), and every view's rows in
    the order the view gives them, but fact_provenance's, which has no order of its own."""
    with connect_read_only(warehouse_dir) as con:
        views = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'")
        contents = {view: con.execute(f"SELECT * FROM {view}").fetchall() for (view,) in views.fetchall()}
        for table in (*TABLES, "fact_provenance"):
            contents[table] = sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
    return contents


def rebuild_afresh(warehouse_dir: Path) -> dict[str, int]:
    """Build news.duckdb from the Parquet files alone, with no live database to patch."""
    database_path(warehouse_dir).unlink(missing_ok=True)
    return rebuild_database(warehouse_dir)


def test_a_patched_database_equals_one_built_afresh(seeds_warehouse: Path, tmp_path: Path) -> None:
    """One document's file replaced, one document gone, one new, a corpus table replaced."""
    warehouse_dir = shutil.copytree(seeds_warehouse, tmp_path / "copy")
    shortened, gone, copied = sorted(partition_ids(warehouse_dir, "documents"))[:3]
    write_partition(warehouse_dir, "sentences", shortened, read_partitions(warehouse_dir, "sentences", [shortened])[1:])
    for table in PARTITIONED_TABLES:
        partition_path(warehouse_dir, table, gone).unlink(missing_ok=True)
    for table in ("documents", "sentences"):
        rows = read_partitions(warehouse_dir, table, [copied])
        renamed = rows.set_column(rows.schema.get_field_index("doc_id"), "doc_id", pa.array(["new"] * rows.num_rows))
        write_partition(warehouse_dir, table, "new", renamed)
    mentions = read_corpus_table(warehouse_dir, "entity_mentions")
    replace_corpus_tables(warehouse_dir, {"entity_mentions": mentions[: mentions.num_rows // 2]})
    patched_counts = rebuild_database(warehouse_dir)
    patched = database_contents(warehouse_dir)
    assert patched_counts == rebuild_afresh(warehouse_dir)
    assert patched == database_contents(warehouse_dir)
    sentences_of = Counter(row[0] for row in database_contents(seeds_warehouse)["sentences"])
    expected = sentences_of.total() - 1 - sentences_of[gone] + sentences_of[copied]
    assert (patched_counts["sentences"], patched_counts["entity_mentions"]) == (expected, mentions.num_rows // 2)


def drop_from_live_database(warehouse_dir: Path, doc_id: str) -> None:
    """Take a document's row out of the live file behind the warehouse's back: only a fresh build,
    which reads every Parquet file, brings it back."""
    with duckdb.connect(str(database_path(warehouse_dir))) as con:
        con.execute("DELETE FROM documents WHERE doc_id = ?", [doc_id])


@pytest.mark.parametrize(("changed", "afresh"), [(1, False), (2, False), (3, True)])
def test_the_live_database_is_patched_unless_many_documents_changed(
    warehouse_dir: Path, changed: int, afresh: bool
) -> None:
    """With ten documents, PATCH_MAX_SHARE lets a patch take two changed ones, not three."""
    for number in range(10):
        add_document(warehouse_dir, f"d{number}", f"{number}.txt")
    rebuild_database(warehouse_dir)
    drop_from_live_database(warehouse_dir, "d9")
    for number in range(changed):
        add_document(warehouse_dir, f"d{number}", f"{number}.txt")
    assert rebuild_database(warehouse_dir)["documents"] == (10 if afresh else 9)


@pytest.mark.parametrize("old_record", ["DROP SCHEMA build CASCADE", "UPDATE build.format SET fingerprint = 'old'"])
def test_a_database_without_a_matching_build_record_is_built_afresh(warehouse_dir: Path, old_record: str) -> None:
    """A file made by older code (no record, another schema or DuckDB version) is never patched."""
    add_document(warehouse_dir, "d1", "a.txt")
    add_document(warehouse_dir, "d2", "b.txt")
    rebuild_database(warehouse_dir)
    drop_from_live_database(warehouse_dir, "d2")
    with duckdb.connect(str(database_path(warehouse_dir))) as con:
        con.execute(old_record)
    add_document(warehouse_dir, "d3", "c.txt")
    assert rebuild_database(warehouse_dir)["documents"] == 3


def test_a_patch_with_a_repeated_key_leaves_the_live_database_as_it_was(warehouse_dir: Path) -> None:
    for number in range(10):
        add_document(warehouse_dir, f"d{number}", f"{number}.txt")
    rebuild_database(warehouse_dir)
    write_partition(warehouse_dir, "documents", "d1", arrow_table("documents", [document_row("d0", "0.txt")]))
    with pytest.raises(DuplicateKeys, match=r"documents: 1 row\(s\) repeat a key \(doc_id\)"):
        rebuild_database(warehouse_dir)
    assert table_counts(warehouse_dir)["documents"] == 10


def patchable_copy(seeds_warehouse: Path, tmp_path: Path) -> Path:
    """A copy of the seeds' warehouse whose live database holds its own files (a copied file is a new
    file to the record), less one mention candidate taken out behind the warehouse's back: a patch
    leaves it out, a fresh build reads it back. No view reads mention candidates."""
    warehouse_dir = shutil.copytree(seeds_warehouse, tmp_path / "copy")
    rebuild_afresh(warehouse_dir)
    with duckdb.connect(str(database_path(warehouse_dir))) as con:
        con.execute(
            "DELETE FROM mention_candidates WHERE mention_id = (SELECT max(mention_id) FROM mention_candidates)"
        )
    return warehouse_dir


def assert_patched_as_built_afresh(warehouse_dir: Path) -> None:
    """Patch the live database, then build one afresh: the same rows, but the candidate the patch left out."""
    rebuild_database(warehouse_dir)
    patched = database_contents(warehouse_dir)
    rebuild_afresh(warehouse_dir)
    fresh = database_contents(warehouse_dir)
    assert len(patched.pop("mention_candidates")) == len(fresh.pop("mention_candidates")) - 1
    assert patched == fresh


def with_column(rows: pa.Table, name: str, values: list) -> pa.Table:
    index = rows.schema.get_field_index(name)
    return rows.set_column(index, rows.schema.field(index), pa.array(values, rows.schema.field(index).type))


def test_corpus_tables_are_patched_by_difference(seeds_warehouse: Path, tmp_path: Path) -> None:
    """Mentions changed, removed and added, an event moved to another cluster and one gone, an entity
    renamed, a corpus file gone: the patch holds the rows and views a fresh build does."""
    warehouse_dir = patchable_copy(seeds_warehouse, tmp_path)
    mentions = read_corpus_table(warehouse_dir, "entity_mentions")
    confidences = mentions["confidence"].to_pylist()
    confidences[:2] = [0.01, 0.02]
    changed = with_column(mentions, "confidence", confidences)
    added = with_column(mentions[10:12], "mention_id", ["added1", "added2"])
    events = read_corpus_table(warehouse_dir, "events")
    moved = with_column(events, "cluster_id", [events["cluster_id"][1].as_py(), *events["cluster_id"].to_pylist()[1:]])
    entities = read_corpus_table(warehouse_dir, "entities")
    renamed = with_column(entities, "name", ["Renamed", *entities["name"].to_pylist()[1:]])
    replace_corpus_tables(warehouse_dir, {
        "entity_mentions": pa.concat_tables([changed[:5], changed[8:], added]),
        "events": moved[:-1],
        "entities": renamed,
        "event_actors": read_corpus_table(warehouse_dir, "event_actors")[:0],
    })  # fmt: skip
    assert_patched_as_built_afresh(warehouse_dir)


@pytest.mark.parametrize(
    ("table", "column", "value"), [("sentences", "text", "Changed."), ("documents", "seed_sha256", "f" * 64)]
)
def test_a_changed_document_has_its_provenance_computed_anew(
    seeds_warehouse: Path, tmp_path: Path, table: str, column: str, value: str
) -> None:
    """fact_provenance keeps the other documents' rows and computes anew those of a document whose
    sentences, or whose row, changed."""
    warehouse_dir = patchable_copy(seeds_warehouse, tmp_path)
    doc_id = min(partition_ids(warehouse_dir, "documents"))
    rows = read_partitions(warehouse_dir, table, [doc_id])
    write_partition(warehouse_dir, table, doc_id, with_column(rows, column, [value] * len(rows)))
    assert_patched_as_built_afresh(warehouse_dir)


def test_a_corpus_file_without_a_newer_column_patches_with_null_there(seeds_warehouse: Path, tmp_path: Path) -> None:
    warehouse_dir = patchable_copy(seeds_warehouse, tmp_path)
    mentions = read_corpus_table(warehouse_dir, "entity_mentions")
    assert mentions["sector"].null_count < len(mentions)
    pq.write_table(mentions.drop_columns(["sector"]), corpus_path(warehouse_dir, "entity_mentions"))
    assert_patched_as_built_afresh(warehouse_dir)
    with connect_read_only(warehouse_dir) as con:
        assert con.execute("SELECT count(sector) FROM entity_mentions").fetchone()[0] == 0


@pytest.mark.parametrize("repeat", ["the same row", "another row"])
def test_a_corpus_file_that_repeats_a_key_fails_the_patch_as_a_fresh_build(
    seeds_warehouse: Path, tmp_path: Path, repeat: str
) -> None:
    """A repeated row may match the one the database holds: the patch still counts it."""
    warehouse_dir = patchable_copy(seeds_warehouse, tmp_path)
    mentions = read_corpus_table(warehouse_dir, "entity_mentions")
    twice = mentions[:1] if repeat == "the same row" else with_column(mentions[:1], "confidence", [0.5])
    replace_corpus_tables(warehouse_dir, {"entity_mentions": pa.concat_tables([mentions, twice])})
    message = r"entity_mentions: 1 row\(s\) repeat a key \(mention_id\)"
    with pytest.raises(DuplicateKeys, match=message):
        rebuild_database(warehouse_dir)
    assert table_counts(warehouse_dir)["entity_mentions"] == len(mentions)
    with pytest.raises(DuplicateKeys, match=message):
        rebuild_afresh(warehouse_dir)
