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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.gazetteer import gazetteer

Row = dict[str, Any]
# Participants being coded: (event position, entity_id, role) → (first mention_id, sector).
Actors = dict[tuple[int, str, str], tuple[str, str | None]]
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
# Events in document, then text order; the id breaks ties, so the order never depends on the input's.
EVENT_ORDER = ("doc_id", "trigger_char_start", "trigger_char_end", "event_id")
ARGUMENT_COLUMNS = ("event_id", "mention_id", "role", "sector")
ACTOR_COLUMNS = ("event_id", "entity_id", "role", "mention_id", "sector")
ENTITY_COLUMNS = ("entity_id", "label", "link", "country_iso3", "capital_of", "sector")
# The roles events count their participants in, and the events column of each count.
ROLES = {"actor": "n_actors", "recipient": "n_recipients"}


@dataclass(frozen=True)
class CodedEvents:
    """The rows of `events` and `event_actors`, and how many arguments had no entity to code."""

    events: list[Row]
    actors: list[Row]
    dropped_arguments: int = 0


@dataclass(frozen=True)
class CodedTables:
    """`events` (the candidates' columns, then location_entity_id, cluster_id, n_actors and
    n_recipients) and `event_actors` as Arrow tables, and how many arguments had no entity to code."""

    events: pa.Table
    actors: pa.Table
    dropped_arguments: int = 0


@dataclass(frozen=True)
class Reports:
    """What clustering reads of each event, in event order: lists indexed by the event's position."""

    event_ids: list[str]
    kinds: list[tuple[str, bool]]  # (event type, negated)
    dates: list[str | None]
    docs: list[str]
    places: list[str | None]
    # Each event's participants, sorted; tuples, which the cyclic garbage collector stops tracking
    # (60,000 sets at 10,000 articles made it scan the whole heap once more).
    participants: list[tuple[str, ...]]


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
    """`code_event_tables` over rows, for callers that hold their rows in memory (the evaluation)."""
    coded = code_event_tables(
        _table(candidates, CANDIDATE_COLUMNS),
        _table(arguments, ARGUMENT_COLUMNS),
        _table(mentions, ("mention_id", "entity_id")),
        _table(entities, ENTITY_COLUMNS),
        countries,
    )
    return CodedEvents(coded.events.to_pylist(), coded.actors.to_pylist(), coded.dropped_arguments)


def _table(rows: list[Row], columns: Sequence[str]) -> pa.Table:
    """The rows' given columns as an Arrow table: a missing key is null, and a column of nulls only
    is typed as strings (Arrow cannot tell its type from no values)."""
    arrays = {column: pa.array([row.get(column) for row in rows]) for column in columns}
    return pa.table({name: a.cast(pa.string()) if a.type == pa.null() else a for name, a in arrays.items()})


def code_event_tables(
    candidates: pa.Table,
    arguments: pa.Table,
    mentions: pa.Table,
    entities: pa.Table,
    countries: Mapping[str, str] | None = None,
) -> CodedTables:
    """Code event candidates at the corpus level: participants and places as entities, then clusters.
    The candidates' columns are carried over as Arrow columns; only what coding reads becomes Python."""
    events = candidates.sort_by([(column, "ascending") for column in EVENT_ORDER]).select(CANDIDATE_COLUMNS)
    arguments = _in_event_order(arguments, events["event_id"])
    location_mentions = events["location_mention_id"]
    entity_of = _entity_of(
        mentions, pa.chunked_array([*arguments["mention_id"].chunks, *location_mentions.chunks], pa.string())
    )
    rows = entities.select(ENTITY_COLUMNS).to_pylist()
    states = _state_entities(rows, country_links() if countries is None else countries)
    participants, dropped = _code_arguments(arguments, entity_of, {e["entity_id"]: e for e in rows}, states)
    places = [entity_of.get(mention_id) for mention_id in location_mentions.to_pylist()]
    reports = _reports(events, places, participants)
    actors = _actor_table(participants, reports.event_ids)
    coded = {
        "location_entity_id": pa.array(places, pa.string()),
        "cluster_id": pa.array(cluster_events(reports), pa.string()),
        **_role_counts(actors, events["event_id"]),
    }
    for column, values in coded.items():
        events = events.append_column(column, values)
    return CodedTables(events, actors, dropped)


def _reports(events: pa.Table, places: list[str | None], actors: Actors) -> Reports:
    """What clustering reads of the events (in their order), with their places as entities."""
    entity_ids: defaultdict[int, set[str]] = defaultdict(set)
    for position, entity_id, _ in actors:
        entity_ids[position].add(entity_id)
    participants = {position: tuple(sorted(ids)) for position, ids in entity_ids.items()}
    types, modalities = events["event_type"].to_pylist(), events["modality"].to_pylist()
    return Reports(
        event_ids=events["event_id"].to_pylist(),
        kinds=[(kind, modality == "negated") for kind, modality in zip(types, modalities, strict=True)],
        dates=events["event_date"].to_pylist(),
        docs=events["doc_id"].to_pylist(),
        places=places,
        participants=[participants.get(position, ()) for position in range(events.num_rows)],
    )


def _role_counts(actors: pa.Table, event_ids: pa.ChunkedArray) -> dict[str, pa.Array]:
    """n_actors and n_recipients: how many participants each event has in each role."""
    counts = {}
    for role, column in ROLES.items():
        in_role = actors.filter(pc.equal(actors["role"], role)).group_by("event_id").aggregate([("role", "count")])
        found = pc.take(in_role["role_count"], pc.index_in(event_ids, value_set=in_role["event_id"].combine_chunks()))
        counts[column] = pc.fill_null(found, 0).cast(pa.int32())
    return counts


def _in_event_order(arguments: pa.Table, event_ids: pa.ChunkedArray) -> pa.Table:
    """The arguments of the given events with their event's position, ordered by it and then actors
    before recipients, each group in input order (the sort is stable)."""
    position = pc.index_in(arguments["event_id"], value_set=event_ids.combine_chunks())
    ordered = arguments.select(ARGUMENT_COLUMNS).append_column("position", position)
    ordered = ordered.append_column("not_actor", pc.not_equal(arguments["role"], "actor"))
    ordered = ordered.filter(pc.is_valid(ordered["position"]))
    return ordered.sort_by([("position", "ascending"), ("not_actor", "ascending")])


def _entity_of(mentions: pa.Table, wanted: pa.ChunkedArray) -> dict[str, str]:
    """mention_id → entity_id of the wanted mentions that have an entity: only those become Python,
    never the whole corpus's mentions."""
    named = pc.is_in(mentions["mention_id"], value_set=wanted.combine_chunks())
    found = mentions.filter(pc.and_(named, pc.is_valid(mentions["entity_id"])))
    return dict(zip(found["mention_id"].to_pylist(), found["entity_id"].to_pylist(), strict=True))


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
    arguments: pa.Table, entity_of: Mapping[str, str], by_id: Mapping[str, Row], state_of: Mapping[str, str]
) -> tuple[Actors, int]:
    """(event position, entity_id, role) → (first mention_id, sector): one participant per event,
    entity and role, in the arguments' order; and the count of arguments without an entity."""
    actors: Actors = {}
    # (mentioned entity, the role noun's sector) → (participant, sector): few pairs, many arguments.
    coded: dict[tuple[str, str | None], tuple[str, str | None]] = {}
    dropped = 0
    columns = (arguments[column].to_pylist() for column in ("position", "mention_id", "role", "sector"))
    for position, mention_id, role, sector in zip(*columns, strict=True):
        mentioned = entity_of.get(mention_id)
        if mentioned is None:
            dropped += 1
            continue
        if (mentioned, sector) not in coded:
            coded[(mentioned, sector)] = _participant(mentioned, sector, by_id.get(mentioned), state_of)
        entity_id, participant_sector = coded[(mentioned, sector)]
        if (position, entity_id, role) not in actors:
            actors[(position, entity_id, role)] = (mention_id, participant_sector)
    return actors, dropped


def _participant(
    mentioned: str, sector: str | None, entity: Row | None, state_of: Mapping[str, str]
) -> tuple[str, str | None]:
    """What an argument naming entity `mentioned`, with its role noun's `sector`, codes as: the entity,
    or its country's when it stands for its state; and the participant's sector, the role noun's else
    the entity's."""
    entity_id = state_of.get(mentioned, mentioned) if _stands_for_state(sector, entity) else mentioned
    return entity_id, sector or (entity or {}).get("sector")


def _actor_table(actors: Actors, event_ids: list[str]) -> pa.Table:
    """event_actors rows, in the order of the participants given."""
    columns = {
        "event_id": [event_ids[position] for position, _, _ in actors],
        "entity_id": [entity_id for _, entity_id, _ in actors],
        "role": [role for _, _, role in actors],
        "mention_id": [mention_id for mention_id, _ in actors.values()],
        "sector": [sector for _, sector in actors.values()],
    }
    return pa.table({column: pa.array(columns[column], pa.string()) for column in ACTOR_COLUMNS})


def _stands_for_state(sector: str | None, entity: Row | None) -> bool:
    """A nationality in any but an opposition role is its state, and so is a named state army; a
    person or another organization only as the head of a government phrase ("the Bashar Assad
    regime", "the Baath regime"). `sector` is the argument's (its role noun's)."""
    if entity is not None and (
        entity.get("capital_of") or (entity["label"] == "ORG" and entity.get("sector") == "MIL")
    ):
        return sector not in NON_STATE_SECTORS  # a seat of government ("the Kremlin") or a state army
    if entity is not None and entity["label"] in {"PERSON", "ORG"}:
        return sector in STATE_SECTORS
    return sector not in NON_STATE_SECTORS


def cluster_events(reports: Reports) -> list[str]:
    """Each event's cluster_id, by the rule of the module docstring."""
    parent = list(range(len(reports.event_ids)))
    # Per cluster root: its one known place, and its finest date (every other date is a prefix of it).
    place, date = list(reports.places), list(reports.dates)

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for first, others in _candidate_pairs(reports):
        root_a = find(first)  # every join below is into first's cluster, whose root it then is
        for second in others:
            root_b = parent[second]  # most events are a root or a root's child: no call for them
            if parent[root_b] != root_b:
                root_b = find(root_b)
            if root_a == root_b or not _same_happening(first, second, reports):
                continue
            if _compatible_places(place[root_a], place[root_b]) and _compatible_dates(date[root_a], date[root_b]):
                root, other = min(root_a, root_b), max(root_a, root_b)
                parent[other] = root
                place[root] = place[root] or place[other]
                date[root] = max(date[root] or "", date[other] or "", key=len) or None
                root_a = root
    roots = [find(index) for index in parent]
    smallest: dict[int, str] = {}
    for root, event_id in zip(roots, reports.event_ids, strict=True):
        smallest[root] = min(smallest.get(root, event_id), event_id)
    cluster_ids = {root: _cluster_id(event_id) for root, event_id in smallest.items()}
    return [cluster_ids[root] for root in roots]


def _candidate_pairs(reports: Reports) -> Iterator[tuple[int, Sequence[int]]]:
    """Pairs of one type and polarity with compatible dates that share a participant, or a known
    place and date (the only way an event without participants joins another): each event with the
    events it meets, in pair order (one item per event, not per pair, since there are many)."""
    buckets: dict[tuple, list[int]] = defaultdict(list)
    events = zip(reports.kinds, reports.places, reports.dates, reports.participants, strict=True)
    for index, (kind, place, date, participants) in enumerate(events):
        for entity_id in participants:
            buckets[(*kind, "participant", entity_id)].append(index)
        if place is not None and date is not None:
            buckets[(*kind, "place", place, date)].append(index)
    for members in buckets.values():
        if len(members) > 1:  # a lone event meets nobody
            yield from _date_compatible_pairs(members, reports)


def _date_compatible_pairs(events: list[int], reports: Reports) -> Iterator[tuple[int, Sequence[int]]]:
    """The pairs whose dates are equal or one a coarser form of the other ("2017-01" of "2017-01-23"),
    or unknown: each event meets only the events dated with its own date or one of its prefixes. An
    undated event meets only the events of its own document, the only ones `_same_happening` can join
    it with, so the many undated reports of a type are never paired across the corpus."""
    dates, docs = reports.dates, reports.docs
    by_date: dict[str | None, list[int]] = defaultdict(list)
    undated_in: dict[str, list[int]] = defaultdict(list)
    for event in events:
        by_date[dates[event]].append(event)
        if dates[event] is None:
            undated_in[docs[event]].append(event)
    for date, same_date in by_date.items():
        if date is None:
            yield from _undated_pairs(same_date, undated_in, docs)
            continue
        coarser = [other for prefix in _coarser_dates(date) for other in by_date.get(prefix, ())]
        for index, event in enumerate(same_date):
            if others := [*same_date[index + 1 :], *undated_in.get(docs[event], ()), *coarser]:
                yield event, others


def _undated_pairs(
    undated: list[int], undated_in: Mapping[str, list[int]], docs: list[str]
) -> Iterator[tuple[int, Sequence[int]]]:
    """Each undated event with the later undated events of its own document, in order."""
    met: Counter[str] = Counter()
    for event in undated:
        met[docs[event]] += 1
        if later := undated_in[docs[event]][met[docs[event]] :]:
            yield event, later


def _coarser_dates(date: str) -> list[str]:
    """The known dates a date is compatible with besides itself: its year and month."""
    return [date[:length] for length in DATE_LENGTHS.values() if length < len(date)]


def _same_happening(first: int, second: int, reports: Reports) -> bool:
    """Whether two events of one type and polarity, whose dates are compatible, report the same
    happening: they share a participant, or (one without any) they share a known place and date.
    Across documents both must be dated: two articles' undated "meeting of Russia and Turkey" are
    as likely two rounds of talks as one."""
    first_parties, second_parties = reports.participants[first], reports.participants[second]
    first_date, second_date = reports.dates[first], reports.dates[second]
    if (first_date is None or second_date is None) and reports.docs[first] != reports.docs[second]:
        return False
    if first_parties and second_parties:
        return not set(first_parties).isdisjoint(second_parties)
    place = reports.places[first]
    return (
        place is not None and place == reports.places[second] and first_date is not None and first_date == second_date
    )


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
