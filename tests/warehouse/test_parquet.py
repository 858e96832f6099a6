"""Parquet partition files: atomic replacement, deletion, pruning and the schema files."""

import os
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from warehouse.parquet import (
    SCHEMA_FILE,
    file_stamps,
    parquet_row_count,
    partition_ids,
    partition_path,
    prune_partitions,
    read_partitions,
    replace_corpus_tables,
    replace_document,
    write_partition,
    write_schema_files,
)
from warehouse.schema import TABLES, arrow_table, tables


def sentence_rows(doc_id: str, n: int) -> list[dict]:
    return [
        {"doc_id": doc_id, "sentence_idx": i, "char_start": i * 10, "char_end": i * 10 + 5, "text": f"s{i}",
         "paragraph_idx": 0}
        for i in range(n)
    ]  # fmt: skip


def test_write_partition_replaces_rows_and_leaves_no_temporary_file(warehouse_dir: Path) -> None:
    write_partition(warehouse_dir, "sentences", "abc123", arrow_table("sentences", sentence_rows("abc123", 3)))
    write_partition(warehouse_dir, "sentences", "abc123", arrow_table("sentences", sentence_rows("abc123", 2)))
    assert read_partitions(warehouse_dir, "sentences").num_rows == 2
    assert [p.name for p in partition_path(warehouse_dir, "sentences", "abc123").parent.iterdir()] == ["abc123.parquet"]


def test_an_empty_table_deletes_the_partition(warehouse_dir: Path) -> None:
    write_partition(warehouse_dir, "sentences", "abc123", arrow_table("sentences", sentence_rows("abc123", 1)))
    write_partition(warehouse_dir, "sentences", "abc123", arrow_table("sentences", []))
    assert not partition_path(warehouse_dir, "sentences", "abc123").exists()


def test_replace_document_empties_the_tables_it_is_not_given(warehouse_dir: Path) -> None:
    replace_document(warehouse_dir, "d1", {"sentences": arrow_table("sentences", sentence_rows("d1", 2))})
    rejection = {"seed_file": "a.txt", "seed_sha256": None, "reason": "r", "doc_id": "d1", "rejection_code": "empty",
                 "pipeline_version": "0"}  # fmt: skip
    replace_document(warehouse_dir, "d1", {"rejected_documents": arrow_table("rejected_documents", [rejection])})
    assert partition_ids(warehouse_dir, "sentences") == set()
    assert partition_ids(warehouse_dir, "rejected_documents") == {"d1"}


def test_partition_ids_must_be_alphanumeric(warehouse_dir: Path) -> None:
    with pytest.raises(ValueError, match="alphanumeric"):
        partition_path(warehouse_dir, "documents", "../escape")


def test_prune_removes_partitions_not_kept_in_every_table(warehouse_dir: Path) -> None:
    for doc_id in ("keep1", "drop1"):
        write_partition(warehouse_dir, "sentences", doc_id, arrow_table("sentences", sentence_rows(doc_id, 1)))
    assert prune_partitions(warehouse_dir, {"keep1"}) == ["drop1"]
    assert partition_ids(warehouse_dir, "sentences") == {"keep1"}


def test_schema_files_make_empty_tables_readable_with_their_columns(warehouse_dir: Path) -> None:
    write_schema_files(warehouse_dir)
    for table in TABLES:
        folder = partition_path(warehouse_dir, table, "x").parent
        assert (folder / SCHEMA_FILE).exists()
        with duckdb.connect() as con:
            result = con.execute("SELECT * FROM read_parquet(?)", [f"{folder}/*.parquet"])
            assert [column[0] for column in result.description] == [c.name for c in tables()[table].columns]
            assert result.fetchall() == []
    assert partition_ids(warehouse_dir, "documents") == set()


def test_row_count_comes_from_the_footers(warehouse_dir: Path) -> None:
    write_partition(warehouse_dir, "sentences", "a1", arrow_table("sentences", sentence_rows("a1", 4)))
    write_partition(warehouse_dir, "sentences", "b2", arrow_table("sentences", sentence_rows("b2", 3)))
    assert parquet_row_count(warehouse_dir, "sentences") == 7


def test_file_stamps_are_each_partition_files_size_mtime_and_inode_in_id_order(warehouse_dir: Path) -> None:
    for doc_id in ("b2", "a1", "c3"):
        write_partition(warehouse_dir, "sentences", doc_id, arrow_table("sentences", sentence_rows(doc_id, 2)))
    write_schema_files(warehouse_dir)
    folder = partition_path(warehouse_dir, "sentences", "a1").parent
    (folder / "d4.parquet.tmp-0f").write_bytes(b"")  # a killed writer's, and a file of no partition
    (folder / "notes.txt").write_text("not a partition")
    stamps = file_stamps(warehouse_dir, "sentences")
    assert list(stamps) == ["a1", "b2", "c3"] == sorted(partition_ids(warehouse_dir, "sentences"))
    for doc_id, stamp in stamps.items():
        status = os.stat(partition_path(warehouse_dir, "sentences", doc_id))
        assert stamp == (status.st_size, status.st_mtime_ns, status.st_ino)


def test_file_stamps_of_a_corpus_table_and_of_missing_folders(warehouse_dir: Path) -> None:
    assert file_stamps(warehouse_dir, "sentences") == file_stamps(warehouse_dir, "entities") == {}
    replace_corpus_tables(warehouse_dir, {"entities": arrow_table("entities", [])})  # no rows: no file
    assert file_stamps(warehouse_dir, "entities") == {}
    rows = [{"entity_id": "E1", "name": "Aleppo", "label": "GPE", "n_mentions": 1, "n_documents": 1}]
    replace_corpus_tables(warehouse_dir, {"entities": arrow_table("entities", rows)})
    status = os.stat(warehouse_dir / "parquet" / "entities" / "corpus.parquet")
    assert file_stamps(warehouse_dir, "entities") == {"corpus": (status.st_size, status.st_mtime_ns, status.st_ino)}


def test_read_partitions_gives_the_wanted_files_in_id_order_and_each_file_in_its_row_order(warehouse_dir: Path) -> None:
    for doc_id, n in (("c3", 2), ("a1", 3), ("b2", 1)):
        rows = list(reversed(sentence_rows(doc_id, n)))
        write_partition(warehouse_dir, "sentences", doc_id, arrow_table("sentences", rows))
    read = read_partitions(warehouse_dir, "sentences", {"c3", "a1", "missing"})
    assert read.schema == tables()["sentences"].arrow_schema
    assert list(zip(read.column("doc_id").to_pylist(), read.column("sentence_idx").to_pylist(), strict=True)) == [
        ("a1", 2), ("a1", 1), ("a1", 0), ("c3", 1), ("c3", 0),
    ]  # fmt: skip


def test_a_document_file_has_no_statistics_dictionary_or_arrow_schema_yet_reads_back_the_same(
    warehouse_dir: Path,
) -> None:
    rows = arrow_table("sentences", sentence_rows("a1", 3))
    replace_document(warehouse_dir, "a1", {"sentences": rows})
    path = partition_path(warehouse_dir, "sentences", "a1")
    metadata = pq.ParquetFile(path).metadata
    columns = [metadata.row_group(0).column(index) for index in range(metadata.num_columns)]
    assert metadata.metadata is None
    assert not any(column.is_stats_set or column.has_dictionary_page for column in columns)
    assert pq.read_table(path).equals(rows)
    assert read_partitions(warehouse_dir, "sentences").equals(rows)
