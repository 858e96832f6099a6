"""Per-document tables' snapshots: reads through them give exactly what reading every file gives,
whatever changed since, whatever state the snapshot is in."""

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from warehouse import parquet
from warehouse.database import connect_read_only, database_path, rebuild_database
from warehouse.parquet import (
    parquet_row_count,
    partition_ids,
    partition_path,
    read_partitions,
    snapshot_path,
    write_partition,
)
from warehouse.schema import arrow_table, tables


def sentence_rows(doc_id: str, n: int, word: str = "s") -> list[dict]:
    """n sentences in reverse order, so that a file's row order is not the sorted one."""
    return [
        {"doc_id": doc_id, "sentence_idx": i, "char_start": i * 10, "char_end": i * 10 + 5, "text": f"{word}{i}",
         "paragraph_idx": 0}
        for i in reversed(range(n))
    ]  # fmt: skip


def write_sentences(warehouse_dir: Path, doc_id: str, n: int, word: str = "s") -> None:
    write_partition(warehouse_dir, "sentences", doc_id, arrow_table("sentences", sentence_rows(doc_id, n, word)))


def direct_read(warehouse_dir: Path, table: str, ids: set[str] | None = None) -> pa.Table:
    """What the files hold, each read on its own, ids in order."""
    wanted = partition_ids(warehouse_dir, table) if ids is None else ids
    paths = [partition_path(warehouse_dir, table, pid) for pid in sorted(wanted)]
    schema = tables()[table].arrow_schema
    return pa.concat_tables(
        [schema.empty_table()] + [pq.read_table(path).cast(schema) for path in paths if path.exists()]
    )


def held_ids(warehouse_dir: Path, table: str) -> list[str]:
    return [pid for pid, *_ in parquet._open_snapshot(warehouse_dir, table).held.items()]


@pytest.fixture
def refresh_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every read goes through the snapshot, however few files it wants, and every read that finds a
    changed file writes the snapshot anew, however few files changed."""
    monkeypatch.setattr(parquet, "FEW_FILES", 0)
    monkeypatch.setattr(parquet, "SNAPSHOT_SLACK", 0)


@pytest.fixture
def five_documents(warehouse_dir: Path, refresh_always: None) -> Path:
    """Five documents' sentences, and a snapshot holding all of them."""
    for number, doc_id in enumerate(["e5", "a1", "c3", "b2", "d4"]):
        write_sentences(warehouse_dir, doc_id, number + 1)
    read_partitions(warehouse_dir, "sentences")
    assert held_ids(warehouse_dir, "sentences") == ["a1", "b2", "c3", "d4", "e5"]
    return warehouse_dir


def change_files(warehouse_dir: Path) -> None:
    """Replace one file with rows of the same size, one with more rows, delete one, add one."""
    write_sentences(warehouse_dir, "b2", 4, word="t")
    write_sentences(warehouse_dir, "c3", 7)
    partition_path(warehouse_dir, "sentences", "d4").unlink()
    write_sentences(warehouse_dir, "c9", 2)


def test_a_snapshot_read_equals_reading_every_file(five_documents: Path) -> None:
    assert read_partitions(five_documents, "sentences").equals(direct_read(five_documents, "sentences"))


def test_added_replaced_and_deleted_files_are_read_as_they_are_now(
    five_documents: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    change_files(five_documents)
    monkeypatch.setattr(parquet, "SNAPSHOT_SLACK", 100)
    assert read_partitions(five_documents, "sentences").equals(direct_read(five_documents, "sentences"))
    assert held_ids(five_documents, "sentences") == ["a1", "b2", "c3", "d4", "e5"]  # stale, not rewritten
    monkeypatch.setattr(parquet, "SNAPSHOT_SLACK", 0)
    assert read_partitions(five_documents, "sentences").equals(direct_read(five_documents, "sentences"))
    assert held_ids(five_documents, "sentences") == ["a1", "b2", "c3", "c9", "e5"]
    assert read_partitions(five_documents, "sentences").equals(direct_read(five_documents, "sentences"))


def test_row_counts_take_unchanged_files_from_the_snapshot_and_the_others_from_their_footers(
    five_documents: Path,
) -> None:
    assert parquet_row_count(five_documents, "sentences") == 15
    change_files(five_documents)
    assert parquet_row_count(five_documents, "sentences") == direct_read(five_documents, "sentences").num_rows == 16


def test_a_partial_read_gives_the_wanted_files_and_keeps_the_others_in_the_snapshot(five_documents: Path) -> None:
    change_files(five_documents)
    wanted = {"c3", "a1", "d4", "missing"}
    read = read_partitions(five_documents, "sentences", wanted)
    assert read.equals(direct_read(five_documents, "sentences", wanted))
    assert held_ids(five_documents, "sentences") == ["a1", "b2", "c3", "e5"]
    assert read_partitions(five_documents, "sentences", {"b2", "c9"}).equals(
        direct_read(five_documents, "sentences", {"b2", "c9"})
    )
    assert read_partitions(five_documents, "sentences").equals(direct_read(five_documents, "sentences"))


def test_a_read_of_a_few_documents_decodes_only_their_row_groups(
    warehouse_dir: Path, refresh_always: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parquet, "SNAPSHOT_GROUP_BYTES", 1)
    for number in range(20):
        write_sentences(warehouse_dir, f"d{number:02d}", number % 4 + 1)
    read_partitions(warehouse_dir, "sentences")
    assert pq.ParquetFile(snapshot_path(warehouse_dir, "sentences")).metadata.num_row_groups > 20
    for wanted in ({"d03"}, {"d00", "d07", "d19"}, {f"d{number:02d}" for number in range(5, 12)}):
        assert read_partitions(warehouse_dir, "sentences", wanted).equals(
            direct_read(warehouse_dir, "sentences", wanted)
        )


def test_an_older_snapshot_written_last_by_a_slower_reader_is_still_read_correctly(five_documents: Path) -> None:
    older = snapshot_path(five_documents, "sentences").read_bytes()
    change_files(five_documents)
    read_partitions(five_documents, "sentences")
    snapshot_path(five_documents, "sentences").write_bytes(older)
    assert read_partitions(five_documents, "sentences").equals(direct_read(five_documents, "sentences"))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "no_stamps", "missing_column", "wrong_row_count"])
def test_a_damaged_or_foreign_snapshot_is_ignored_and_written_anew(five_documents: Path, damage: str) -> None:
    path = snapshot_path(five_documents, "sentences")
    rows = pq.read_table(path)
    stamps = pq.ParquetFile(path).metadata.metadata[parquet.SNAPSHOT_KEY.encode()].decode()
    damages = {
        "garbage": lambda: path.write_bytes(b"not a parquet file"),
        "truncated": lambda: path.write_bytes(path.read_bytes()[:-100]),
        "no_stamps": lambda: pq.write_table(rows, path),
        "missing_column": lambda: write_with_stamps(path, rows.drop_columns(["paragraph_idx"]), stamps),
        "wrong_row_count": lambda: write_with_stamps(path, rows.slice(1), stamps),
    }
    damages[damage]()
    assert read_partitions(five_documents, "sentences").equals(direct_read(five_documents, "sentences"))
    assert held_ids(five_documents, "sentences") == ["a1", "b2", "c3", "d4", "e5"]


def write_with_stamps(path: Path, rows: pa.Table, stamps: str) -> None:
    with pq.ParquetWriter(path, rows.schema) as writer:
        writer.write_table(rows)
        writer.add_key_value_metadata({parquet.SNAPSHOT_KEY: stamps})


def test_a_snapshot_that_cannot_be_written_only_costs_speed(five_documents: Path) -> None:
    shutil.rmtree(snapshot_path(five_documents, "sentences").parent)
    snapshot_path(five_documents, "sentences").parent.write_text("a file where the folder should be")
    change_files(five_documents)
    assert read_partitions(five_documents, "sentences").equals(direct_read(five_documents, "sentences"))


def database_rows(warehouse_dir: Path) -> dict[str, list[tuple]]:
    """Every table of news.duckdb (the views' materialized ones too, not the record of its build),
    rows in stored order."""
    with connect_read_only(warehouse_dir) as con:
        names = con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE schema_name <> 'build' ORDER BY ALL"
        ).fetchall()
        return {name: con.execute(f"SELECT * FROM {name}").fetchall() for (name,) in names}


def rebuild_afresh(warehouse_dir: Path) -> None:
    """Build news.duckdb from the Parquet files alone, not by patching the live one."""
    database_path(warehouse_dir).unlink(missing_ok=True)
    rebuild_database(warehouse_dir)


def test_the_rebuild_is_the_same_with_and_without_a_snapshot(
    seeds_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse_dir = shutil.copytree(seeds_warehouse, tmp_path / "copy")
    shutil.rmtree(warehouse_dir / parquet.SNAPSHOTS_DIR, ignore_errors=True)
    rebuild_afresh(warehouse_dir)
    without = database_rows(warehouse_dir)
    assert not (warehouse_dir / parquet.SNAPSHOTS_DIR).exists()  # too few files to be worth one
    monkeypatch.setattr(parquet, "FEW_FILES", 0)
    monkeypatch.setattr(parquet, "SNAPSHOT_SLACK", 0)
    rebuild_afresh(warehouse_dir)
    assert all(snapshot_path(warehouse_dir, table).exists() for table in ("documents", "sentences"))
    assert database_rows(warehouse_dir) == without
    doc_id = sorted(partition_ids(warehouse_dir, "sentences"))[0]
    sentences = pq.read_table(partition_path(warehouse_dir, "sentences", doc_id))
    write_partition(warehouse_dir, "sentences", doc_id, sentences)  # the same rows, a new file
    monkeypatch.setattr(parquet, "SNAPSHOT_SLACK", 100)
    rebuild_afresh(warehouse_dir)
    assert database_rows(warehouse_dir) == without
    assert held_ids(warehouse_dir, "sentences") == sorted(partition_ids(warehouse_dir, "sentences"))


def test_the_rebuild_clears_temporary_snapshots(five_documents: Path) -> None:
    leftover = snapshot_path(five_documents, "sentences").with_name("sentences.parquet.tmp-dead")
    leftover.write_bytes(b"half a snapshot")
    rebuild_database(five_documents)
    assert not leftover.exists()
    with duckdb.connect(str(five_documents / "news.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM sentences").fetchone() == (15,)


def sentences(doc_id: str, n: int) -> pa.Table:
    return arrow_table("sentences", sentence_rows(doc_id, n, word="r"))


def store_in_batches(warehouse_dir: Path, batches: list[list[tuple[str, int]]], fail_after: int | None = None) -> None:
    """Store documents' sentences (doc id, sentence count) batch by batch as a run does, streaming
    the snapshots; raise after `fail_after` batches."""
    with parquet.SnapshotStream(warehouse_dir) as snapshots:
        for number, batch in enumerate(batches):
            if number == fail_after:
                raise RuntimeError("the run failed")
            documents = {
                doc_id: {"sentences": arrow_table("sentences", sentence_rows(doc_id, n, word="r"))}
                for doc_id, n in batch
            }
            snapshots.add(documents, parquet.replace_documents(warehouse_dir, documents))


@pytest.fixture
def small_slack(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run of more than two documents streams its snapshots, and every read goes through them."""
    monkeypatch.setattr(parquet, "FEW_FILES", 0)
    monkeypatch.setattr(parquet, "SNAPSHOT_SLACK", 2)


@pytest.fixture
def no_small_file_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading any per-document file fails the test: every row must come from the snapshot."""

    def refuse(paths: list[str], schema: pa.Schema) -> tuple[pa.Table, list[int]]:
        if paths:
            raise AssertionError(f"read {len(paths)} files instead of the snapshot")
        return schema.empty_table(), []

    return lambda: monkeypatch.setattr(parquet, "_read_files", refuse)


def test_a_run_storing_many_documents_leaves_a_snapshot_that_holds_them(
    warehouse_dir: Path, small_slack: None, no_small_file_reads
) -> None:
    store_in_batches(warehouse_dir, [[("z9", 2), ("b2", 3)], [("m5", 1)], [("a1", 4), ("q7", 0)]])
    assert sorted(held_ids(warehouse_dir, "sentences")) == ["a1", "b2", "m5", "z9"]  # q7 has no rows, no file
    expected = direct_read(warehouse_dir, "sentences")
    no_small_file_reads()
    assert read_partitions(warehouse_dir, "sentences").equals(expected)
    assert read_partitions(warehouse_dir, "sentences", {"m5", "z9"}).equals(
        direct_read(warehouse_dir, "sentences", {"m5", "z9"})
    )
    assert parquet_row_count(warehouse_dir, "sentences") == 10


def test_a_streamed_snapshot_keeps_the_unchanged_files_the_old_one_held(
    five_documents: Path, small_slack: None, no_small_file_reads
) -> None:
    partition_path(five_documents, "sentences", "d4").unlink()
    store_in_batches(five_documents, [[("b2", 1), ("x8", 2)], [("y9", 3)]])
    assert sorted(held_ids(five_documents, "sentences")) == ["a1", "b2", "c3", "e5", "x8", "y9"]
    expected = direct_read(five_documents, "sentences")
    no_small_file_reads()
    assert read_partitions(five_documents, "sentences").equals(expected)


def test_a_run_of_few_documents_or_one_that_fails_leaves_the_snapshot_as_it_was(
    five_documents: Path, small_slack: None
) -> None:
    before = snapshot_path(five_documents, "sentences").read_bytes()
    store_in_batches(five_documents, [[("b2", 1), ("x8", 2)]])
    with pytest.raises(RuntimeError, match="the run failed"):
        store_in_batches(five_documents, [[("c3", 1), ("x8", 1), ("y9", 3)], [("z9", 1)]], fail_after=1)
    assert snapshot_path(five_documents, "sentences").read_bytes() == before
    assert not [path for path in snapshot_path(five_documents, "sentences").parent.iterdir() if ".tmp-" in path.name]
    assert read_partitions(five_documents, "sentences").equals(direct_read(five_documents, "sentences"))


def test_snapshots_that_cannot_be_streamed_only_cost_speed(five_documents: Path, small_slack: None) -> None:
    shutil.rmtree(snapshot_path(five_documents, "sentences").parent)
    snapshot_path(five_documents, "sentences").parent.write_text("a file where the folder should be")
    store_in_batches(five_documents, [[("b2", 1), ("x8", 2), ("y9", 3)], [("z9", 1)]])
    assert sorted(partition_ids(five_documents, "sentences")) == ["a1", "b2", "c3", "d4", "e5", "x8", "y9", "z9"]
    assert read_partitions(five_documents, "sentences").equals(direct_read(five_documents, "sentences"))


def test_a_read_of_a_few_files_takes_them_from_their_folder_not_the_snapshot(
    five_documents: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parquet, "FEW_FILES", 2)
    change_files(five_documents)
    monkeypatch.setattr(parquet, "_open_snapshot", lambda *_: pytest.fail("opened the snapshot"))
    for wanted in ({"b2"}, {"c3", "d4"}, {"c9", "a1"}, set()):
        assert read_partitions(five_documents, "sentences", wanted).equals(
            direct_read(five_documents, "sentences", wanted)
        )


@pytest.mark.parametrize("few_files", [0, 32], ids=["one scan", "file by file"])
def test_a_file_written_before_a_column_was_added_reads_with_null_there(
    warehouse_dir: Path, monkeypatch: pytest.MonkeyPatch, few_files: int
) -> None:
    monkeypatch.setattr(parquet, "FEW_FILES", few_files)
    write_sentences(warehouse_dir, "a1", 2)
    older = arrow_table("sentences", sentence_rows("b2", 3)).drop_columns(["paragraph_idx"])
    pq.write_table(older, partition_path(warehouse_dir, "sentences", "b2"))
    rows = read_partitions(warehouse_dir, "sentences", {"a1", "b2"})
    assert rows.schema.equals(tables()["sentences"].arrow_schema)
    assert rows["paragraph_idx"].to_pylist() == [0, 0, None, None, None]
    assert rows["doc_id"].to_pylist() == ["a1", "a1", "b2", "b2", "b2"]
