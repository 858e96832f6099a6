"""The entity tables of a warehouse built from the seeds by real Dagster materialization, queried with SQL.
(The shared contract checker, which also covers these tables, runs in test_materialize.py.)"""

from collections.abc import Callable
from pathlib import Path

import dagster as dg

from warehouse.database import connect_read_only

Materialize = Callable[..., dg.ExecuteInProcessResult]


def query(warehouse_dir: Path, sql: str) -> list[tuple]:
    with connect_read_only(warehouse_dir) as con:
        return con.execute(sql).fetchall()


def test_the_seeds_give_entities_and_their_mentions(seeds_warehouse: Path) -> None:
    [(mentions, entities)] = query(
        seeds_warehouse, "SELECT (SELECT count(*) FROM entity_mentions), (SELECT count(*) FROM entities)"
    )
    assert mentions > 100 and 20 < entities < mentions
    labels = {label for (label,) in query(seeds_warehouse, "SELECT DISTINCT label FROM entity_mentions")}
    assert {"PERSON", "ORG", "GPE", "NORP", "DATE"} <= labels
    per_doc = query(seeds_warehouse, "SELECT count(DISTINCT doc_id) FROM entity_mentions")
    assert per_doc == [(5,)]


def test_every_non_date_mention_has_an_existing_entity_and_dates_have_none(seeds_warehouse: Path) -> None:
    orphans = query(
        seeds_warehouse,
        "SELECT m.text, m.label FROM entity_mentions m LEFT JOIN entities e USING (entity_id) "
        "WHERE m.label <> 'DATE' AND e.entity_id IS NULL",
    )
    assert orphans == []
    dated = "SELECT count(*) FROM entity_mentions WHERE label = 'DATE' AND entity_id IS NOT NULL"
    assert query(seeds_warehouse, dated) == [(0,)]


def test_every_mention_text_is_its_raw_slice(seeds_warehouse: Path) -> None:
    rows = query(
        seeds_warehouse,
        "SELECT m.text, substring(d.raw_text, m.char_start + 1, m.char_end - m.char_start), d.raw_text, "
        "m.char_start, m.char_end FROM entity_mentions m JOIN documents d USING (doc_id)",
    )
    assert rows
    for text, sql_slice, raw_text, start, end in rows:
        assert text == sql_slice == raw_text[start:end]


def test_every_candidate_is_resolved_once(seeds_warehouse: Path) -> None:
    [(candidates, mentions)] = query(
        seeds_warehouse, "SELECT (SELECT count(*) FROM mention_candidates), (SELECT count(*) FROM entity_mentions)"
    )
    assert candidates == mentions
    unmatched = (
        "SELECT mention_id, text, label FROM mention_candidates "
        "EXCEPT SELECT mention_id, text, label FROM entity_mentions"
    )
    assert query(seeds_warehouse, unmatched) == []


def test_entity_counts_match_their_mentions(seeds_warehouse: Path) -> None:
    mismatched = query(
        seeds_warehouse,
        "SELECT e.name, e.n_mentions, count(m.mention_id), e.n_documents, count(DISTINCT m.doc_id) "
        "FROM entities e LEFT JOIN entity_mentions m USING (entity_id) GROUP BY ALL "
        "HAVING e.n_mentions <> count(m.mention_id) OR e.n_documents <> count(DISTINCT m.doc_id)",
    )
    assert mismatched == []


def test_one_envoy_across_documents_and_spellings(seeds_warehouse: Path) -> None:
    envoy = query(
        seeds_warehouse,
        "SELECT label, n_documents FROM entities "
        "WHERE list_contains(aliases, 'Alexander Lavrentiev') AND list_contains(aliases, 'Lavrentyev')",
    )
    assert len(envoy) == 1 and envoy[0][0] == "PERSON" and envoy[0][1] >= 2


def test_astana_is_the_kazakh_capital_on_the_map(seeds_warehouse: Path) -> None:
    rows = query(
        seeds_warehouse,
        "SELECT label, country_iso3, geonames_id, latitude IS NOT NULL, longitude IS NOT NULL, n_documents "
        "FROM entities WHERE list_contains(aliases, 'Astana')",
    )
    assert rows == [("GPE", "KAZ", 1526273, True, True, 5)]


def entity_snapshot(warehouse_dir: Path) -> tuple[list[tuple], list[tuple]]:
    entities = query(warehouse_dir, "SELECT entity_id, name, label, aliases, n_mentions FROM entities ORDER BY ALL")
    mentions = query(warehouse_dir, "SELECT mention_id, entity_id FROM entity_mentions ORDER BY ALL")
    return entities, mentions


def test_entity_ids_are_identical_across_two_materializations(
    materialize: Materialize, built_warehouse: Path, seeds_dir: Path, tmp_path: Path
) -> None:
    second = tmp_path / "second_warehouse"
    with dg.instance_for_test() as other_instance:
        assert materialize(other_instance, seeds_dir, second).success
    first_entities, first_mentions = entity_snapshot(built_warehouse)
    second_entities, second_mentions = entity_snapshot(second)
    assert first_entities and first_mentions
    assert second_entities == first_entities
    assert second_mentions == first_mentions
