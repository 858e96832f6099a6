"""Corpus-level event coding: participants at state level, places as entities, and clusters of reports."""

import hashlib
import random
import time

import pyarrow as pa

from pipelines.clusters import CANDIDATE_COLUMNS, code_event_tables, code_events, country_links
from warehouse.schema import arrow_table, tables

COUNTRIES = {"RUS": "geonames:2017370", "TUR": "geonames:298795", "SYR": "geonames:163843"}
ENTITIES = [
    {"entity_id": "russia", "name": "Russia", "label": "GPE", "country_iso3": "RUS", "link": "geonames:2017370"},
    {"entity_id": "turkey", "name": "Turkey", "label": "GPE", "country_iso3": "TUR", "link": "geonames:298795"},
    {"entity_id": "moscow", "name": "Moscow", "label": "GPE", "country_iso3": "RUS", "link": "geonames:524901",
     "capital_of": "RUS"},
    {"entity_id": "damascus", "name": "Damascus", "label": "GPE", "country_iso3": "SYR", "link": "geonames:170654",
     "capital_of": "SYR"},
    {"entity_id": "sochi", "name": "Sochi", "label": "GPE", "country_iso3": "RUS", "link": "geonames:491422"},
    {"entity_id": "astana", "name": "Astana", "label": "GPE", "country_iso3": "KAZ", "link": "geonames:1526273",
     "capital_of": "KAZ"},
    {"entity_id": "geneva", "name": "Geneva", "label": "GPE", "country_iso3": "CHE", "link": "geonames:2660646"},
    {"entity_id": "turks", "name": "Turks", "label": "NORP", "country_iso3": "TUR", "link": "norp:turks"},
    {"entity_id": "syrians", "name": "Syrians", "label": "NORP", "country_iso3": "SYR", "link": "norp:syrians"},
    {"entity_id": "kurds", "name": "Kurds", "label": "NORP", "country_iso3": None, "link": "norp:kurds"},
    {"entity_id": "kremlin", "name": "Kremlin", "label": "ORG", "country_iso3": "RUS", "link": "org:kremlin",
     "sector": "GOV", "capital_of": "RUS"},
    {"entity_id": "un", "name": "United Nations", "label": "ORG", "sector": "IGO", "link": "org:un"},
    {"entity_id": "rebels", "name": "Free Syrian Army", "label": "ORG", "sector": "REB"},
    {"entity_id": "putin", "name": "Vladimir Putin", "label": "PERSON", "country_iso3": "RUS", "sector": "GOV"},
    {"entity_id": "turkish-army", "name": "Turkish Army", "label": "ORG", "country_iso3": "TUR", "sector": "MIL"},
]  # fmt: skip
# Each test mention is named after its entity: mention "m-russia" resolved to entity "russia".
MENTIONS = [{"mention_id": f"m-{e['entity_id']}", "entity_id": e["entity_id"]} for e in ENTITIES]
MENTIONS += [{"mention_id": "m-russia-2", "entity_id": "russia"}, {"mention_id": "m-monday", "entity_id": None}]


def event(event_id: str, event_type: str = "AGREE", date: str | None = None, **columns) -> dict:
    """An event_candidates row; the date's precision follows from its length."""
    precision = {None: "none", 4: "year", 7: "month", 10: "day"}[len(date) if date else None]
    return {
        "event_id": event_id, "doc_id": columns.pop("doc_id", "d1"), "sentence_idx": 0, "char_start": 0,
        "char_end": 40, "trigger": "agreed", "trigger_char_start": 0, "trigger_char_end": 6,
        "event_type": event_type, "mode": None, "cameo_root": None, "modality": "asserted", "event_date": date,
        "date_precision": precision, "date_method": "explicit", "date_mention_id": None,
        "location_mention_id": None, "confidence": 0.8, "method": "verb", **columns,
    }  # fmt: skip


def argument(event_id: str, mention_id: str, role: str = "actor", sector: str | None = None) -> dict:
    return {"event_id": event_id, "doc_id": "d1", "mention_id": mention_id, "role": role, "sector": sector}


def code(candidates: list[dict], arguments: list[dict]):
    return code_events(candidates, arguments, MENTIONS, ENTITIES, countries=COUNTRIES)


def participants(coded) -> set[tuple[str, str, str]]:
    return {(a["event_id"], a["entity_id"], a["role"]) for a in coded.actors}


def clusters(coded) -> dict[str, str]:
    return {e["event_id"]: e["cluster_id"] for e in coded.events}


# State-level coding of participants


def test_a_capital_standing_for_its_government_is_its_country() -> None:
    coded = code([event("e1")], [argument("e1", "m-moscow")])
    assert participants(coded) == {("e1", "russia", "actor")}
    assert coded.actors[0]["mention_id"] == "m-moscow"


def test_a_seat_of_government_is_its_country() -> None:
    coded = code([event("e1")], [argument("e1", "m-kremlin")])
    assert participants(coded) == {("e1", "russia", "actor")}


def test_a_capital_stays_when_the_corpus_has_no_entity_for_its_country() -> None:
    coded = code([event("e1")], [argument("e1", "m-damascus", "recipient")])
    assert participants(coded) == {("e1", "damascus", "recipient")}


def test_a_nationality_is_its_country_with_the_role_nouns_sector() -> None:
    coded = code([event("e1")], [argument("e1", "m-turks", sector="GOV")])
    assert participants(coded) == {("e1", "turkey", "actor")}
    assert coded.actors[0]["sector"] == "GOV"


def test_an_opposition_or_rebel_nationality_is_not_its_state() -> None:
    coded = code([event("e1")], [argument("e1", "m-turks", sector="OPP"), argument("e1", "m-turks", sector="REB")])
    assert participants(coded) == {("e1", "turks", "actor")}
    assert coded.actors[0]["sector"] == "OPP"


def test_a_nationality_stays_when_its_country_is_absent_or_unknown() -> None:
    coded = code([event("e1")], [argument("e1", "m-syrians"), argument("e1", "m-kurds")])
    assert participants(coded) == {("e1", "syrians", "actor"), ("e1", "kurds", "actor")}


def test_a_person_heading_a_government_phrase_is_the_state_and_named_alone_stays() -> None:
    regime = argument("e1", "m-putin", sector="GOV")  # "the Putin government"
    coded = code([event("e1"), event("e2")], [regime, argument("e2", "m-putin")])
    assert participants(coded) == {("e1", "russia", "actor"), ("e2", "putin", "actor")}


def test_a_named_state_army_is_its_state() -> None:
    coded = code([event("e1")], [argument("e1", "m-turkish-army")])
    assert participants(coded) == {("e1", "turkey", "actor")}


def test_a_city_that_is_not_a_capital_and_an_organization_stay_themselves() -> None:
    coded = code([event("e1")], [argument("e1", "m-sochi"), argument("e1", "m-un", "recipient")])
    assert participants(coded) == {("e1", "sochi", "actor"), ("e1", "un", "recipient")}
    assert {a["entity_id"]: a["sector"] for a in coded.actors}["un"] == "IGO"


def test_one_participant_named_twice_is_one_row_with_the_first_mention() -> None:
    arguments = [argument("e1", "m-moscow"), argument("e1", "m-russia"), argument("e1", "m-russia-2")]
    coded = code([event("e1")], [*arguments, argument("e1", "m-russia", "recipient")])
    assert participants(coded) == {("e1", "russia", "actor"), ("e1", "russia", "recipient")}
    assert [a["mention_id"] for a in coded.actors] == ["m-moscow", "m-russia"]
    assert (coded.events[0]["n_actors"], coded.events[0]["n_recipients"]) == (1, 1)


def test_an_argument_without_an_entity_is_dropped_and_counted() -> None:
    coded = code([event("e1")], [argument("e1", "m-monday"), argument("e1", "m-unknown"), argument("e1", "m-turkey")])
    assert participants(coded) == {("e1", "turkey", "actor")}
    assert coded.dropped_arguments == 2


def test_arguments_of_events_not_given_are_ignored() -> None:
    coded = code([event("e1")], [argument("e1", "m-turkey"), argument("gone", "m-russia")])
    assert participants(coded) == {("e1", "turkey", "actor")}


def test_the_place_mention_becomes_the_place_entity() -> None:
    coded = code([event("e1", location_mention_id="m-astana"), event("e2"), event("e3", location_mention_id="m-x")], [])
    assert {e["event_id"]: e["location_entity_id"] for e in coded.events} == {"e1": "astana", "e2": None, "e3": None}


def test_the_countries_are_the_gazetteers_country_records() -> None:
    links = country_links()
    assert links["RUS"] == "geonames:2017370" and links["TUR"] == "geonames:298795"
    coded = code_events([event("e1")], [argument("e1", "m-moscow")], MENTIONS, ENTITIES)
    assert participants(coded) == {("e1", "russia", "actor")}


def test_rows_are_ordered_and_carry_every_column() -> None:
    candidates = [
        event("e3", doc_id="d2", trigger_char_start=30),
        event("e2", doc_id="d1", trigger_char_start=20),
        event("e1", doc_id="d2", trigger_char_start=10),
    ]
    coded = code(candidates, [argument("e1", "m-turkey", "recipient"), argument("e1", "m-russia")])
    assert [e["event_id"] for e in coded.events] == ["e2", "e1", "e3"]
    assert [a["role"] for a in coded.actors] == ["actor", "recipient"]
    assert {"event_id", "trigger", "location_entity_id", "cluster_id", "n_actors", "method"} <= set(coded.events[0])


# Clusters


def test_same_type_overlapping_actors_and_compatible_dates_are_one_cluster() -> None:
    candidates = [
        event("a", date="2017-01-23"),
        event("b", date="2017-01", doc_id="d2"),
        event("c", location_mention_id="m-astana"),
    ]
    arguments = [
        argument("a", "m-russia"), argument("a", "m-turkey"),
        argument("b", "m-moscow"), argument("b", "m-un", "recipient"),
        argument("c", "m-turks", "recipient"),
    ]  # fmt: skip
    coded = code(candidates, arguments)
    assert len(set(clusters(coded).values())) == 1


def test_an_undated_report_joins_only_reports_of_its_own_document() -> None:
    candidates = [event("a", date="2017-01-23"), event("b", doc_id="d2"), event("c")]
    arguments = [argument(e, "m-russia") for e in ("a", "b", "c")]
    found = clusters(code(candidates, arguments))
    assert found["a"] == found["c"] != found["b"]


def test_different_dates_are_two_clusters() -> None:
    candidates = [event("a", date="2017-01-23"), event("b", date="2017-01-24"), event("c", date="2016")]
    coded = code(candidates, [argument(e, "m-russia") for e in "abc"])
    assert len(set(clusters(coded).values())) == 3


def test_different_types_are_two_clusters() -> None:
    coded = code([event("a"), event("b", "CONSULT")], [argument("a", "m-russia"), argument("b", "m-russia")])
    assert len(set(clusters(coded).values())) == 2


def test_disjoint_participants_are_two_clusters() -> None:
    coded = code([event("a"), event("b")], [argument("a", "m-russia"), argument("b", "m-turkey")])
    assert len(set(clusters(coded).values())) == 2


def test_different_places_are_two_clusters_and_an_unknown_place_joins() -> None:
    candidates = [
        event("a", location_mention_id="m-astana"),
        event("b", location_mention_id="m-geneva"),
        event("c"),
    ]
    coded = code(candidates, [argument(e, "m-russia") for e in "abc"])
    found = clusters(coded)
    assert found["a"] == found["c"] != found["b"]  # the unplaced report joins the first, and never chains the two


def test_a_negated_report_does_not_join_an_asserted_one() -> None:
    candidates = [event("a"), event("b", modality="negated"), event("c", modality="future")]
    coded = code(candidates, [argument(e, "m-russia") for e in "abc"])
    found = clusters(coded)
    assert found["a"] == found["c"] != found["b"]


def test_an_event_without_participants_joins_only_on_the_same_place_and_date() -> None:
    candidates = [
        event("a", "ASSAULT", "2017-01-23", location_mention_id="m-sochi"),
        event("b", "ASSAULT", "2017-01-23", location_mention_id="m-sochi"),
        event("c", "ASSAULT", "2017-01-24", location_mention_id="m-sochi"),
        event("d", "ASSAULT", "2017-01-23"),
        event("e", "ASSAULT", "2017-01", location_mention_id="m-sochi"),
    ]
    coded = code(candidates, [argument("a", "m-rebels", "recipient")])
    found = clusters(coded)
    assert found["a"] == found["b"]
    assert len({found["a"], found["c"], found["d"], found["e"]}) == 4


def test_two_events_without_participants_or_place_stay_apart() -> None:
    coded = code([event("a", "PROTEST", "2017-01-23"), event("b", "PROTEST", "2017-01-23")], [])
    assert len(set(clusters(coded).values())) == 2


def test_a_chain_of_compatible_reports_is_one_cluster() -> None:
    candidates = [event("a", date="2017-01-23"), event("b"), event("c", date="2017")]
    arguments = [argument("a", "m-russia"), argument("b", "m-russia"), argument("b", "m-turkey")]
    coded = code(candidates, [*arguments, argument("c", "m-turkey")])
    assert len(set(clusters(coded).values())) == 1


def test_the_cluster_id_hashes_the_smallest_event_id_whatever_the_input_order() -> None:
    candidates = [event("b-2"), event("a-1"), event("c-3", "CONSULT")]
    arguments = [argument(e, "m-russia") for e in ("a-1", "b-2", "c-3")]
    coded = code(candidates, arguments)
    expected = "K" + hashlib.sha256(b"a-1").hexdigest()[:15]
    assert clusters(coded)["a-1"] == clusters(coded)["b-2"] == expected
    assert clusters(coded)["c-3"] == "K" + hashlib.sha256(b"c-3").hexdigest()[:15]
    assert code(list(reversed(candidates)), list(reversed(arguments))) == coded


def test_ten_thousand_documents_worth_of_events_code_in_seconds() -> None:
    rng = random.Random(4)
    types, participants = ["AGREE", "CONSULT", "ASSAULT", "ACCUSE"], [f"x{n}" for n in range(2_000)]
    mentions = [{"mention_id": f"m{i}", "entity_id": rng.choice(participants)} for i in range(60_000)]
    candidates = [
        event(
            f"e-{i}", rng.choice(types), rng.choice([None, "2017", f"2017-0{rng.randint(1, 9)}"]), doc_id=f"d{i // 3}"
        )
        for i in range(30_000)
    ]
    arguments = [argument(f"e-{i}", f"m{2 * i + k}", ("actor", "recipient")[k]) for i in range(30_000) for k in (0, 1)]
    started = time.monotonic()
    coded = code_events(candidates, arguments, mentions, ENTITIES, countries=COUNTRIES)
    assert len(coded.events) == 30_000
    assert time.monotonic() - started < 20


def test_a_coarse_date_never_chains_two_different_days() -> None:
    candidates = [event("a", date="2017-01-23"), event("b", date="2017"), event("c", date="2017-01-24")]
    arguments = [argument("a", "m-russia"), argument("b", "m-russia"), argument("b", "m-turkey")]
    coded = code(candidates, [*arguments, argument("c", "m-turkey")])
    found = clusters(coded)
    assert found["a"] == found["b"] != found["c"]


# Arrow tables in, Arrow tables out (what the asset uses)


def warehouse_tables(candidates: list[dict], arguments: list[dict]) -> tuple[pa.Table, ...]:
    """The inputs as the warehouse stores them: its Arrow schemas, mentions and entities included."""
    return (
        arrow_table("event_candidates", candidates),
        arrow_table("event_arguments", arguments),
        arrow_table("entity_mentions", [{**m, "doc_id": "d1", "char_start": 0, "char_end": 1} for m in MENTIONS]),
        arrow_table("entities", [{"aliases": [], "n_mentions": 1, "n_documents": 1, **e} for e in ENTITIES]),
    )


def test_the_tables_are_the_rows_and_store_in_the_warehouse_schema() -> None:
    candidates = [
        event("b", date="2017-01", doc_id="d2", location_mention_id="m-astana"),
        event("a", date="2017-01-23"),
        event("c", "CONSULT", modality="negated"),
    ]
    arguments = [
        argument("a", "m-russia", "recipient"), argument("a", "m-moscow"), argument("a", "m-turks", sector="GOV"),
        argument("b", "m-russia-2"), argument("b", "m-monday"), argument("c", "m-un"), argument("gone", "m-un"),
    ]  # fmt: skip
    coded = code_event_tables(*warehouse_tables(candidates, arguments), countries=COUNTRIES)
    rows = code(candidates, arguments)
    assert coded.events.column_names == [
        *CANDIDATE_COLUMNS,
        "location_entity_id",
        "cluster_id",
        "n_actors",
        "n_recipients",
    ]
    assert coded.events.to_pylist() == rows.events and coded.actors.to_pylist() == rows.actors
    assert coded.dropped_arguments == rows.dropped_arguments == 1
    for table, data in (("events", coded.events), ("event_actors", coded.actors)):
        schema = tables()[table].arrow_schema
        assert data.select(schema.names).cast(schema).num_rows == data.num_rows


def test_participants_are_counted_per_role_actors_first_in_argument_order() -> None:
    arguments = [
        argument("e1", "m-un", "recipient"), argument("e1", "m-sochi"), argument("e1", "m-turkey", "recipient"),
        argument("e1", "m-russia"), argument("e1", "m-moscow"), argument("e2", "m-geneva", "recipient"),
    ]  # fmt: skip
    coded = code_event_tables(*warehouse_tables([event("e2", doc_id="d2"), event("e1")], arguments), COUNTRIES)
    assert [(a["event_id"], a["entity_id"]) for a in coded.actors.to_pylist()] == [
        ("e1", "sochi"), ("e1", "russia"), ("e1", "un"), ("e1", "turkey"), ("e2", "geneva"),
    ]  # fmt: skip
    assert coded.events.select(["event_id", "n_actors", "n_recipients"]).to_pylist() == [
        {"event_id": "e1", "n_actors": 2, "n_recipients": 2},
        {"event_id": "e2", "n_actors": 0, "n_recipients": 1},
    ]


def test_no_candidates_code_to_empty_tables() -> None:
    coded = code_event_tables(*warehouse_tables([], [argument("gone", "m-russia")]), countries=COUNTRIES)
    assert (coded.events.num_rows, coded.actors.num_rows, coded.dropped_arguments) == (0, 0, 0)
