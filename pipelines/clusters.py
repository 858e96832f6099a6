"""Events across the corpus: participants and places coded as entities, and reports of one happening clustered.

**State-level coding.** Each argument's mention becomes its entity. A national capital or a seat
of government standing for its government ("Moscow said", "the Kremlin said") becomes its
country's entity, and a nationality ("the Turkish delegation") its country's, whenever the corpus
has that country as an entity (the GPE whose link is the country's GeoNames record); otherwise the
capital or nationality stays. A nationality with an opposition or rebel role ("the Syrian
opposition delegation") is not its state: it stays the nationality, and its sector says which
group it is. A named state army ("the Syrian Army") is its state, and so is a person heading a
government phrase ("the Bashar Assad regime"); a person named on their own stays the person.
An argument whose mention has no entity (a DATE, or a mention resolution did not keep) is dropped
and counted.
The same participant named twice in one role is one row.

**Clusters.** Two event mentions report the same real-world happening when they have the same
type, the same polarity (a negated event joins only negated ones), compatible dates (equal at the
coarser of the two precisions, or one unknown within one document; across documents both must be
dated), compatible places (the same entity, or one unknown), and overlapping participants (actors
and recipients together share an entity). An event without participants joins one of its type only
when both have the same known place and the same known date. Reports are joined (union-find) pair
by pair in text order, and only while the two clusters as wholes stay compatible: a cluster has at
most one known place, and its dates are all coarser forms of its finest one, so an undated,
unplaced report never chains "in Astana" to "in Geneva"; participants do chain (A-B, then B-C).
Candidates are found per type through an index of participants (and of place and date, for events
without any), and within it each event meets only the events of its own date or a coarser form of
it, never every pair of events. A cluster's id is "K" and the first 15 hex digits of the SHA-256
of its smallest event_id: the same inputs give the same ids.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pipelines.gazetteer import gazetteer

Row = dict[str, Any]
# Characters of an ISO date at each precision: 2017, 2017-01, 2017-01-23.
DATE_LENGTHS = {"year": 4, "month": 7, "day": 10}
CLUSTER_PREFIX = "K"
# Roles that set a nationality against its state: such an actor is never coded as the country.
NON_STATE_SECTORS = frozenset({"OPP", "REB"})
# Roles that make a person's phrase their government's ("the Assad regime"), coded as the country.
STATE_SECTORS = frozenset({"GOV", "MIL"})
# Entities that can stand for their country's state (_stands_for_state says when): nationalities,
# state armies, and people and organizations heading a government phrase.
STATE_STANDINS = frozenset({"NORP", "PERSON", "ORG"})
CLUSTER_HEX_DIGITS = 15
# The columns events carry over from event_candidates unchanged.
CANDIDATE_COLUMNS = (
    "event_id", "doc_id", "sentence_idx", "char_start", "char_end", "trigger", "event_type", "mode", "cameo_root",
    "modality", "event_date", "date_precision", "confidence", "trigger_char_start", "trigger_char_end",
    "date_method", "date_mention_id", "location_mention_id", "method",
)  # fmt: skip


@dataclass(frozen=True)
class CodedEvents:
    """The rows of `events` and `event_actors`, and how many arguments had no entity to code."""

    events: list[Row]
    actors: list[Row]
    dropped_arguments: int = 0


@cache
def country_links() -> dict[str, str]:
    """ISO3 → the gazetteer link of the country's own record (not its capital's or a region's)."""
    return {e.country_iso3: e.link for e in gazetteer().by_link().values() if e.kind == "country" and e.country_iso3}


def code_events(
    candidates: list[Row],
    arguments: list[Row],
    mentions: list[Row],
    entities: list[Row],
    countries: Mapping[str, str] | None = None,
) -> CodedEvents:
    """Code event candidates at the corpus level: participants and places as entities, then clusters."""
    entity_of = {m["mention_id"]: m["entity_id"] for m in mentions if m["entity_id"] is not None}
    state_of = _state_entities(entities, country_links() if countries is None else countries)
    events = [_event_row(candidate, entity_of) for candidate in sorted(candidates, key=_event_order)]
    order = {event["event_id"]: index for index, event in enumerate(events)}
    known = [argument for argument in arguments if argument["event_id"] in order]
    actors, dropped = _code_arguments(known, entity_of, {e["entity_id"]: e for e in entities}, state_of)
    actors.sort(key=lambda actor: (order[actor["event_id"]], actor["role"] != "actor"))
    participants: dict[str, set[str]] = defaultdict(set)
    for actor in actors:
        participants[actor["event_id"]].add(actor["entity_id"])
    roles = Counter((actor["event_id"], actor["role"]) for actor in actors)
    clusters = cluster_events(events, participants)
    for event in events:
        event["n_actors"], event["n_recipients"] = (
            roles[(event["event_id"], "actor")],
            roles[(event["event_id"], "recipient")],
        )
        event["cluster_id"] = clusters[event["event_id"]]
    return CodedEvents(events, actors, dropped)


def _event_order(candidate: Row) -> tuple:
    """Document, then text order; the id breaks ties, so the order never depends on the input's."""
    return candidate["doc_id"], candidate["trigger_char_start"], candidate["trigger_char_end"], candidate["event_id"]


def _event_row(candidate: Row, entity_of: Mapping[str, str]) -> Row:
    """An events row: the candidate's columns and its place as an entity (cluster and counts follow)."""
    row = {column: candidate.get(column) for column in CANDIDATE_COLUMNS}
    row["location_entity_id"] = entity_of.get(candidate.get("location_mention_id") or "")
    return row


def _state_entities(entities: list[Row], countries: Mapping[str, str]) -> dict[str, str]:
    """entity_id → its country's entity_id, for capitals and nationalities whose country the corpus has."""
    country_entity = {
        e["country_iso3"]: e["entity_id"]
        for e in entities
        if e["label"] == "GPE" and e.get("link") and countries.get(e["country_iso3"]) == e["link"]
    }
    states: dict[str, str] = {}
    for entity in entities:
        iso3 = entity.get("capital_of")
        if entity["label"] in STATE_STANDINS:
            iso3 = entity.get("country_iso3")
        if iso3 in country_entity:
            states[entity["entity_id"]] = country_entity[iso3]
    return states


def _code_arguments(
    arguments: list[Row], entity_of: Mapping[str, str], by_id: Mapping[str, Row], state_of: Mapping[str, str]
) -> tuple[list[Row], int]:
    """event_actors rows, one per (event, entity, role), and the count of arguments without an entity."""
    rows: dict[tuple[str, str, str], Row] = {}
    dropped = 0
    for argument in arguments:
        mentioned = entity_of.get(argument["mention_id"])
        if mentioned is None:
            dropped += 1
            continue
        as_state = _stands_for_state(argument, by_id.get(mentioned))
        entity_id = state_of.get(mentioned, mentioned) if as_state else mentioned
        key = (argument["event_id"], entity_id, argument["role"])
        if key not in rows:
            rows[key] = {
                "event_id": argument["event_id"],
                "entity_id": entity_id,
                "role": argument["role"],
                "mention_id": argument["mention_id"],
                "sector": argument.get("sector") or by_id.get(mentioned, {}).get("sector"),
            }
    return list(rows.values()), dropped


def _stands_for_state(argument: Row, entity: Row | None) -> bool:
    """A nationality in any but an opposition role is its state, and so is a named state army; a
    person or another organization only as the head of a government phrase ("the Bashar Assad
    regime", "the Baath regime")."""
    sector = argument.get("sector")
    if entity is not None and (
        entity.get("capital_of") or (entity["label"] == "ORG" and entity.get("sector") == "MIL")
    ):
        return sector not in NON_STATE_SECTORS  # a seat of government ("the Kremlin") or a state army
    if entity is not None and entity["label"] in {"PERSON", "ORG"}:
        return sector in STATE_SECTORS
    return sector not in NON_STATE_SECTORS


def cluster_events(events: list[Row], participants: Mapping[str, set[str]]) -> dict[str, str]:
    """event_id → cluster_id, by the rule of the module docstring."""
    parent = {event["event_id"]: event["event_id"] for event in events}
    # Per cluster root: its one known place, and its finest date (every other date is a prefix of it).
    place = {event["event_id"]: event["location_entity_id"] for event in events}
    date = {event["event_id"]: event["event_date"] for event in events}

    def find(event_id: str) -> str:
        while parent[event_id] != event_id:
            parent[event_id] = parent[parent[event_id]]
            event_id = parent[event_id]
        return event_id

    for first, second in _candidate_pairs(events, participants):
        root_a, root_b = find(first["event_id"]), find(second["event_id"])
        if root_a == root_b or not _same_happening(first, second, participants):
            continue
        if _compatible_places(place[root_a], place[root_b]) and _compatible_dates(date[root_a], date[root_b]):
            root, other = min(root_a, root_b), max(root_a, root_b)
            parent[other] = root
            place[root] = place[root] or place[other]
            date[root] = max(date[root] or "", date[other] or "", key=len) or None
    return {event_id: _cluster_id(find(event_id)) for event_id in parent}


def _candidate_pairs(events: list[Row], participants: Mapping[str, set[str]]) -> Iterator[tuple[Row, Row]]:
    """Pairs of one type and polarity with compatible dates that share a participant, or a known
    place and date (the only way an event without participants joins another)."""
    buckets: dict[tuple, list[Row]] = defaultdict(list)
    for event in events:
        kind = (event["event_type"], event["modality"] == "negated")
        for entity_id in sorted(participants.get(event["event_id"], ())):
            buckets[(*kind, "participant", entity_id)].append(event)
        if event["location_entity_id"] is not None and event["event_date"] is not None:
            buckets[(*kind, "place", event["location_entity_id"], event["event_date"])].append(event)
    for members in buckets.values():
        yield from _date_compatible_pairs(members)


def _date_compatible_pairs(events: list[Row]) -> Iterator[tuple[Row, Row]]:
    """The pairs whose dates are equal or one a coarser form of the other ("2017-01" of "2017-01-23"),
    or unknown: each event meets only the events dated with its own date or one of its prefixes. An
    undated event meets only the events of its own document, the only ones `_same_happening` can join
    it with, so the many undated reports of a type are never paired across the corpus."""
    by_date: dict[str | None, list[Row]] = defaultdict(list)
    undated_in: dict[str, list[Row]] = defaultdict(list)
    for event in events:
        by_date[event["event_date"]].append(event)
        if event["event_date"] is None:
            undated_in[event["doc_id"]].append(event)
    for date, same_date in by_date.items():
        if date is None:
            yield from _undated_pairs(same_date, undated_in)
            continue
        for index, event in enumerate(same_date):
            yield from ((event, other) for other in same_date[index + 1 :])
            for coarser in _coarser_dates(date):
                others = undated_in.get(event["doc_id"], ()) if coarser is None else by_date.get(coarser, ())
                yield from ((event, other) for other in others)


def _undated_pairs(undated: list[Row], undated_in: Mapping[str, list[Row]]) -> Iterator[tuple[Row, Row]]:
    """Each undated event with the later undated events of its own document, in order."""
    met: Counter[str] = Counter()
    for event in undated:
        met[event["doc_id"]] += 1
        yield from ((event, other) for other in undated_in[event["doc_id"]][met[event["doc_id"]] :])


def _coarser_dates(date: str) -> list[str | None]:
    """The dates a date is compatible with besides itself: unknown, and its year and month."""
    return [None, *(date[:length] for length in DATE_LENGTHS.values() if length < len(date))]


def _same_happening(first: Row, second: Row, participants: Mapping[str, set[str]]) -> bool:
    """Whether two events of one type and polarity, whose dates are compatible, report the same
    happening: they share a participant, or (one without any) they share a known place and date.
    Across documents both must be dated: two articles' undated "meeting of Russia and Turkey" are
    as likely two rounds of talks as one."""
    first_set, second_set = participants.get(first["event_id"], set()), participants.get(second["event_id"], set())
    undated = first["event_date"] is None or second["event_date"] is None
    if undated and first["doc_id"] != second["doc_id"]:
        return False
    if not first_set or not second_set:
        return (
            first["location_entity_id"] is not None
            and first["location_entity_id"] == second["location_entity_id"]
            and first["event_date"] is not None
            and first["event_date"] == second["event_date"]
        )
    return bool(first_set & second_set)


def _compatible_dates(first: str | None, second: str | None) -> bool:
    """Equal at the coarser of the two precisions, or one unknown."""
    if first is None or second is None:
        return True
    length = min(len(first), len(second))
    return first[:length] == second[:length]


def _compatible_places(first: str | None, second: str | None) -> bool:
    return first is None or second is None or first == second


def _cluster_id(smallest_event_id: str) -> str:
    return CLUSTER_PREFIX + hashlib.sha256(smallest_event_id.encode()).hexdigest()[:CLUSTER_HEX_DIGITS]
