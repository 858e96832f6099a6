"""The event tables round-trip through Parquet into news.duckdb, and event_timeline reads them as a story."""

from pathlib import Path

from warehouse.database import connect_read_only, rebuild_database
from warehouse.parquet import partition_ids, replace_corpus_tables, replace_document
from warehouse.schema import arrow_table

RAW = "Talks\n\nRussia and Turkey agreed in Astana. Russia met Turkey."


def document(doc_id: str, seed_file: str) -> dict:
    return {
        "doc_id": doc_id, "seed_file": seed_file, "seed_sha256": "0" * 64, "encoding": "utf-8", "raw_text": RAW,
        "title": "Talks", "clean_text": RAW[7:], "pipeline_version": "test", "n_paragraphs": 1, "n_sentences": 2,
        "date_anchor": "2017-01-23", "date_anchor_method": "date_line",
    }  # fmt: skip


def sentences(doc_id: str) -> list[dict]:
    return [
        {"doc_id": doc_id, "sentence_idx": 0, "char_start": 7, "char_end": 42, "text": RAW[7:42], "paragraph_idx": 0},
        {"doc_id": doc_id, "sentence_idx": 1, "char_start": 43, "char_end": 61, "text": RAW[43:61],
         "paragraph_idx": 0},
    ]  # fmt: skip


def event(event_id: str, doc_id: str, cluster_id: str, event_type: str, date: str | None, precision: str, **extra):
    """An events row; the evidence and trigger spans are those of the first sentence unless given."""
    return {
        "event_id": event_id, "doc_id": doc_id, "sentence_idx": 0, "char_start": 7, "char_end": 42,
        "trigger": "agreed", "trigger_char_start": 25, "trigger_char_end": 31, "event_type": event_type,
        "modality": "asserted", "event_date": date, "date_precision": precision, "cluster_id": cluster_id,
        "confidence": 0.9, "method": "verb", "n_actors": 2, "n_recipients": 0, **extra,
    }  # fmt: skip


ENTITIES = [
    {"entity_id": eid, "name": name, "label": "GPE", "aliases": [name], "n_mentions": 1, "n_documents": 1}
    for eid, name in (("rus", "Russia"), ("tur", "Turkey"), ("ast", "Astana"))
]


def build(warehouse_dir: Path) -> None:
    """Two documents reporting one agreement (K1, at two precisions) and a meeting (K2) with no date."""
    for doc_id, seed_file in (("d1", "a.txt"), ("d2", "b.txt")):
        replace_document(
            warehouse_dir,
            doc_id,
            {
                "documents": arrow_table("documents", [document(doc_id, seed_file)]),
                "sentences": arrow_table("sentences", sentences(doc_id)),
                "event_candidates": arrow_table("event_candidates", [event(f"{doc_id}-e", doc_id, "K1", "AGREE",
                                                                           None, "none")]),
            },
        )  # fmt: skip
    events = [
        event("d1-e1", "d1", "K1", "AGREE", "2017-01", "month", location_entity_id="ast", mode="treaty"),
        event("d2-e1", "d2", "K1", "AGREE", "2017-01-23", "day"),
        event("d2-e2", "d2", "K1", "AGREE", "2017-01-24", "day", sentence_idx=1),
        event("d2-e3", "d2", "K2", "CONSULT", None, "none", sentence_idx=1, char_start=43, char_end=61),
    ]
    actors = [
        {"event_id": "d1-e1", "entity_id": "tur", "role": "actor", "mention_id": "m1"},
        {"event_id": "d1-e1", "entity_id": "rus", "role": "actor", "mention_id": "m2"},
        {"event_id": "d2-e3", "entity_id": "rus", "role": "actor", "mention_id": "m3"},
        {"event_id": "d2-e3", "entity_id": "tur", "role": "recipient", "mention_id": "m4"},
    ]
    replace_corpus_tables(
        warehouse_dir,
        {
            "entities": arrow_table("entities", ENTITIES),
            "events": arrow_table("events", events),
            "event_actors": arrow_table("event_actors", actors),
        },
    )


def timeline(warehouse_dir: Path) -> list[dict]:
    with connect_read_only(warehouse_dir) as con:
        cursor = con.execute("SELECT * FROM event_timeline")
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_the_event_tables_load_into_duckdb(warehouse_dir: Path) -> None:
    build(warehouse_dir)
    counts = rebuild_database(warehouse_dir)
    assert {t: counts[t] for t in ("event_candidates", "event_arguments", "events", "event_actors")} == {
        "event_candidates": 2,
        "event_arguments": 0,
        "events": 4,
        "event_actors": 4,
    }
    with connect_read_only(warehouse_dir) as con:
        anchors = con.execute("SELECT DISTINCT date_anchor, date_anchor_method FROM documents").fetchall()
    assert anchors == [("2017-01-23", "date_line")]


def test_the_timeline_has_one_row_per_cluster_in_date_order_with_undated_last(warehouse_dir: Path) -> None:
    build(warehouse_dir)
    rebuild_database(warehouse_dir)
    agreement, meeting = timeline(warehouse_dir)
    assert (agreement["cluster_id"], meeting["cluster_id"]) == ("K1", "K2")
    assert (agreement["event_date"], agreement["date_precision"]) == ("2017-01-23", "day")  # most precise, earliest
    assert (meeting["event_date"], meeting["date_precision"]) == (None, "none")
    assert agreement["event_type"] == "AGREE" and agreement["mode"] == "treaty"
    assert agreement["actors"] == ["Russia", "Turkey"] and agreement["recipients"] == []
    assert agreement["place"] == "Astana" and meeting["place"] is None
    assert (agreement["n_reports"], agreement["n_documents"]) == (3, 2)
    assert agreement["documents"] == ["a.txt", "b.txt"]
    assert agreement["sentences"] == ["a.txt#0", "b.txt#0", "b.txt#1"]
    assert agreement["first_sentence"] == "Russia and Turkey agreed in Astana."
    assert agreement["event_ids"] == ["d1-e1", "d2-e1", "d2-e2"]
    assert (meeting["actors"], meeting["recipients"]) == (["Russia"], ["Turkey"])
    assert meeting["first_sentence"] == "Russia met Turkey."


def test_the_timeline_and_its_columns_are_described(warehouse_dir: Path) -> None:
    build(warehouse_dir)
    rebuild_database(warehouse_dir)
    with connect_read_only(warehouse_dir) as con:
        [(comment,)] = con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'event_timeline'").fetchall()
        undescribed = con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'event_timeline' AND comment IS NULL"
        ).fetchall()
    assert "One row per real-world event" in comment
    assert undescribed == []


def test_the_timeline_of_an_empty_warehouse_is_empty(warehouse_dir: Path) -> None:
    rebuild_database(warehouse_dir)
    assert timeline(warehouse_dir) == []


def test_pruning_a_document_removes_its_event_candidates(warehouse_dir: Path) -> None:
    build(warehouse_dir)
    rebuild_database(warehouse_dir, keep_partitions={"d1"})
    assert partition_ids(warehouse_dir, "event_candidates") == {"d1"}
