"""The event tables round-trip through Parquet into news.duckdb; event_timeline reads them as a story, and
entity_network, actor_dyads and fact_provenance as a network, dyads and lineage."""

from pathlib import Path

from warehouse.database import connect_read_only, rebuild_database
from warehouse.parquet import partition_ids, replace_corpus_tables, replace_document
from warehouse.schema import arrow_table, views_sql

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
    store_corpus(warehouse_dir, events, actors)


def store_corpus(
    warehouse_dir: Path, events: list[dict], actors: list[dict], mentions: list[dict] | None = None
) -> None:
    """The corpus tables: ENTITIES, and these events, participants and mentions."""
    data = {"entities": ENTITIES, "events": events, "event_actors": actors, "entity_mentions": mentions or []}
    replace_corpus_tables(warehouse_dir, {table: arrow_table(table, table_rows) for table, table_rows in data.items()})


def rows(warehouse_dir: Path, sql: str) -> list[dict]:
    with connect_read_only(warehouse_dir) as con:
        cursor = con.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def timeline(warehouse_dir: Path) -> list[dict]:
    return rows(warehouse_dir, "SELECT * FROM event_timeline")


# Where each entity is named in RAW: (entity_id, sentence_idx, char_start, char_end).
NAMED = [("rus", 0, 7, 13), ("tur", 0, 18, 24), ("ast", 0, 35, 41), ("rus", 1, 43, 49), ("tur", 1, 54, 60)]


def build_with_mentions(warehouse_dir: Path) -> None:
    """`build`, plus the mentions of both documents and a meeting where Russia is also its own recipient."""
    build(warehouse_dir)
    mentions = [
        {"mention_id": f"{doc_id}-{start}", "doc_id": doc_id, "sentence_idx": idx, "char_start": start,
         "char_end": end, "text": RAW[start:end], "label": "GPE", "entity_id": entity_id, "confidence": 0.9,
         "method": "test"}
        for doc_id in ("d1", "d2") for entity_id, idx, start, end in NAMED
    ] + [{"mention_id": "d1-0", "doc_id": "d1", "sentence_idx": None, "char_start": 0, "char_end": 5,
          "text": "Talks", "label": "DATE", "confidence": 0.5, "method": "test"}]  # fmt: skip
    events = [
        event("d1-e1", "d1", "K1", "AGREE", "2017-01", "month", location_entity_id="ast", location_mention_id="d1-35"),
        event("d2-e3", "d2", "K2", "CONSULT", None, "none", sentence_idx=1, char_start=43, char_end=61,
              trigger="met", trigger_char_start=50, trigger_char_end=53),
    ]  # fmt: skip
    actors = [
        {"event_id": "d1-e1", "entity_id": "tur", "role": "actor", "mention_id": "d1-18"},
        {"event_id": "d1-e1", "entity_id": "rus", "role": "actor", "mention_id": "d1-7"},
        {"event_id": "d2-e3", "entity_id": "rus", "role": "actor", "mention_id": "d2-43"},
        {"event_id": "d2-e3", "entity_id": "rus", "role": "recipient", "mention_id": "d2-43"},
        {"event_id": "d2-e3", "entity_id": "tur", "role": "recipient", "mention_id": "d2-54"},
    ]
    store_corpus(warehouse_dir, events, actors, mentions)
    rebuild_database(warehouse_dir)


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


def test_the_timeline_of_an_empty_warehouse_is_empty(warehouse_dir: Path) -> None:
    rebuild_database(warehouse_dir)
    assert timeline(warehouse_dir) == []


def test_pruning_a_document_removes_its_event_candidates(warehouse_dir: Path) -> None:
    build(warehouse_dir)
    rebuild_database(warehouse_dir, keep_partitions={"d1"})
    assert partition_ids(warehouse_dir, "event_candidates") == {"d1"}


def test_the_network_has_each_unordered_pair_of_entities_named_in_a_sentence_once(warehouse_dir: Path) -> None:
    build_with_mentions(warehouse_dir)
    edges = rows(warehouse_dir, "SELECT * FROM entity_network")
    assert [(e["name_a"], e["name_b"], e["n_sentences"], e["n_documents"]) for e in edges] == [
        ("Russia", "Turkey", 4, 2),  # both sentences of both documents
        ("Astana", "Russia", 2, 2),
        ("Astana", "Turkey", 2, 2),
    ]
    assert all(e["entity_a"] < e["entity_b"] for e in edges)
    assert edges[0]["documents"] == ["a.txt", "b.txt"]
    assert (edges[0]["label_a"], edges[0]["label_b"]) == ("GPE", "GPE")


def test_dyads_count_actor_to_recipient_by_type_and_skip_an_entity_facing_itself(warehouse_dir: Path) -> None:
    build_with_mentions(warehouse_dir)
    dyads = rows(warehouse_dir, "SELECT * FROM actor_dyads")
    assert [(d["actor"], d["event_type"], d["recipient"], d["n_events"], d["n_clusters"]) for d in dyads] == [
        ("Russia", "CONSULT", "Turkey", 1, 1)
    ]
    assert (dyads[0]["documents"], dyads[0]["event_ids"]) == (["b.txt"], ["d2-e3"])


def test_provenance_has_every_mention_and_event_with_its_exact_raw_slice_and_sentence(warehouse_dir: Path) -> None:
    build_with_mentions(warehouse_dir)
    facts = {f["id"]: f for f in rows(warehouse_dir, "SELECT * FROM fact_provenance")}
    assert len(facts) == 11 + 2  # 11 mentions, 2 events
    meeting = facts["d2-e3"]
    assert (meeting["kind"], meeting["label"], meeting["seed_file"], meeting["seed_sha256"]) == (
        "event", "CONSULT", "b.txt", "0" * 64,
    )  # fmt: skip
    assert meeting["raw_slice"] == RAW[43:61] == "Russia met Turkey."
    assert (meeting["trigger"], meeting["sentence_text"]) == ("met", "Russia met Turkey.")
    assert (meeting["sentence_char_start"], meeting["sentence_char_end"]) == (43, 61)
    astana = facts["d1-35"]
    assert (astana["kind"], astana["raw_slice"], astana["entity_id"], astana["label"]) == (
        "mention",
        "Astana",
        "ast",
        "GPE",
    )
    headline = facts["d1-0"]
    assert headline["sentence_idx"] is None and headline["sentence_text"] is None and headline["raw_slice"] == "Talks"


def test_every_view_and_its_columns_are_described(warehouse_dir: Path) -> None:
    rebuild_database(warehouse_dir)
    with connect_read_only(warehouse_dir) as con:
        views = con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall()
        undescribed = con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() c "
            "JOIN duckdb_views() v ON v.schema_name = c.schema_name AND v.view_name = c.table_name "
            "WHERE NOT v.internal AND c.comment IS NULL"
        ).fetchall()
    assert {name for name, _ in views} == {"event_timeline", "entity_network", "actor_dyads", "fact_provenance"}
    assert all(comment for _, comment in views)
    assert "One row per real-world event" in dict(views)["event_timeline"]
    assert undescribed == []


def test_the_seeds_network_joins_russia_iran_and_turkey_in_every_article(seeds_warehouse: Path) -> None:
    """Each of the five articles names the three guarantors of the Astana talks in one sentence."""
    edges = rows(seeds_warehouse, "SELECT * FROM entity_network")
    pairs = {frozenset((e["name_a"], e["name_b"])): e for e in edges}
    assert len(pairs) == len(edges)  # each unordered pair once
    for pair in ({"Russia", "Iran"}, {"Russia", "Turkey"}, {"Iran", "Turkey"}):
        assert pairs[frozenset(pair)]["n_documents"] == 5
    assert frozenset({"Russia", "Iran"}) in {frozenset((e["name_a"], e["name_b"])) for e in edges[:5]}


def test_the_seeds_provenance_slices_are_the_raw_text_and_every_fact_is_there(seeds_warehouse: Path) -> None:
    facts = rows(
        seeds_warehouse, "SELECT kind, id, doc_id, char_start, char_end, raw_slice, seed_sha256 FROM fact_provenance"
    )
    documents = {d["doc_id"]: d for d in rows(seeds_warehouse, "SELECT doc_id, raw_text, seed_sha256 FROM documents")}
    [counts] = rows(
        seeds_warehouse, "SELECT (SELECT count(*) FROM entity_mentions) AS m, (SELECT count(*) FROM events) AS e"
    )
    n_mentions, n_events = counts["m"], counts["e"]
    assert sum(f["kind"] == "mention" for f in facts) == n_mentions
    assert sum(f["kind"] == "event" for f in facts) == n_events > 0
    for fact in facts:
        document = documents[fact["doc_id"]]
        assert fact["raw_slice"] == document["raw_text"][fact["char_start"] : fact["char_end"]], fact["id"]
        assert fact["seed_sha256"] == document["seed_sha256"]


def test_the_provenance_table_has_the_types_of_the_rows_it_is_filled_with(seeds_warehouse: Path) -> None:
    """Its table is declared column by column (to store `id` uncompressed), so a type changed in
    schema.sql must not be cast away on the way in: the declared columns are those of its query."""
    query = views_sql().split("INSERT INTO materialized.fact_provenance", 1)[1].split(";", 1)[0]
    inferred = [(row["column_name"], row["column_type"]) for row in rows(seeds_warehouse, f"DESCRIBE {query}")]
    declared = rows(
        seeds_warehouse,
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE schema_name = 'materialized' AND table_name = 'fact_provenance' ORDER BY column_index",
    )
    assert [(row["column_name"], row["data_type"]) for row in declared] == inferred
