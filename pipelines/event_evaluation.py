"""Event coding measured against hand gold; `make eval` prints it after the entity figures.

Gold (see tests/gold/README.md): `seeds_events.jsonl` codes every event of the seeds' sentences;
`gum_events.jsonl` codes every event of a run of GUM news sentences that the rules were never
developed against. Each gold event names its type, actors, recipients, modality and date.

The system runs as the warehouse does: recognition and extraction per file, entities resolved and
events coded (state-level actors, clusters) across the files together. Scoring, per sentence:
- A predicted event matches a gold event of its sentence when the types are equal and the actors
  agree: they share an entity, or neither names one. Pairs are matched one to one, in gold order.
  Precision is matched predicted events over predicted events in the gold's sentences; recall is
  matched gold events over gold events.
- Exact: the type, the actor set and the recipient set all equal (for information).
- Modality and date accuracy are over the matched pairs (a date is right when its ISO text, or
  its absence, is the gold's). Gold dates marked `"date_basis": "judgment"` (fixed by reasoning
  across articles, not by the article's own text) are left out of date accuracy.
- A gold name names a predicted entity when it folds (case, accents, punctuation, a leading "the")
  to the entity's name or one of its aliases, or is the name of the country the entity is coded as
  (a GPE or NORP entity's country_iso3). An actor coded with an opposition or rebel sector is named
  by those names and the sector's noun ("Syrian opposition"), as CAMEO and PLOVER actor codes are.
Targets, for --check: seeds precision and recall >= 0.85, modality accuracy >= 0.90.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anyascii import anyascii

from pipelines.clusters import code_events, country_links
from pipelines.documents import AcceptedDocument, process_seed_bytes
from pipelines.gazetteer import gazetteer
from pipelines.gum import GumArticle
from pipelines.resolve import resolve_entities

Row = dict[str, Any]
MIN_PRECISION = MIN_RECALL = 0.85
MIN_MODALITY_ACCURACY = 0.90
# Sectors that make a nationality a group of its own, named as CAMEO and PLOVER actor codes do
# (SYROPP: "Syrian opposition"). The gold names armed groups without a name of their own the
# opposition too (tests/gold/README.md), so a rebel actor answers to both nouns.
GROUP_SECTORS = {"OPP": ("opposition",), "REB": ("rebels", "opposition")}


@dataclass(frozen=True)
class CodedEvent:
    """An event reduced to what is scored: where, what, who, how sure and when."""

    where: tuple[str, int]  # (file, sentence number; or the gold sentence's start, for GUM)
    event_type: str
    actors: frozenset[str]
    recipients: frozenset[str]
    modality: str
    date: str | None
    trigger: str
    date_scored: bool = True


@dataclass
class EventScore:
    """Counts of one corpus's comparison, and the figures they give."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    exact: int = 0
    modality_right: int = 0
    date_right: int = 0
    dates_scored: int = 0
    by_type: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def modality_accuracy(self) -> float:
        return self.modality_right / self.matched if self.matched else 1.0

    @property
    def date_accuracy(self) -> float:
        return self.date_right / self.dates_scored if self.dates_scored else 1.0


def fold(name: str) -> str:
    """A name for comparison: ASCII, lower case, punctuation as spaces, no leading article."""
    words = re.sub(r"[^a-z0-9]+", " ", anyascii(name).lower()).split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


# ------------------------------------------------------------------------------------------ system
@dataclass(frozen=True)
class SystemRun:
    """The pipeline's events for some files, with each participant entity's comparable names."""

    events: list[CodedEvent]
    names: dict[str, frozenset[str]]
    documents: dict[str, AcceptedDocument]


def run_system(files: dict[str, bytes], where=None) -> SystemRun:
    """Process, resolve and code the files together, as the warehouse does."""
    documents = {}
    for name, data in files.items():
        outcome = process_seed_bytes(name, data)
        if isinstance(outcome, AcceptedDocument):
            documents[name] = outcome
    resolution = resolve_entities([m for d in documents.values() for m in d.mentions])
    coded = code_events(
        [e for d in documents.values() for e in d.events],
        [a for d in documents.values() for a in d.event_arguments],
        resolution.mentions,
        resolution.entities,
    )
    file_of = {d.doc_id: name for name, d in documents.items()}
    roles: dict[str, dict[str, set[str]]] = {}
    for actor in coded.actors:
        roles.setdefault(actor["event_id"], {"actor": set(), "recipient": set()})[actor["role"]].add(_actor_key(actor))
    events = []
    for row in coded.events:
        found = roles.get(row["event_id"], {"actor": set(), "recipient": set()})
        name = file_of[row["doc_id"]]
        events.append(
            CodedEvent(
                where=where(name, row) if where else (name, row["sentence_idx"]),
                event_type=row["event_type"],
                actors=frozenset(found["actor"]),
                recipients=frozenset(found["recipient"]),
                modality=row["modality"],
                date=row["event_date"],
                trigger=row["trigger"],
            )
        )
    names = entity_names(resolution.entities)
    for actor in coded.actors:
        key = _actor_key(actor)
        if key != actor["entity_id"]:
            nouns = GROUP_SECTORS[actor["sector"]]
            names[key] = frozenset(f"{name} {noun}" for name in names.get(actor["entity_id"], ()) for noun in nouns)
    return SystemRun(events, names, documents)


def _actor_key(actor: Row) -> str:
    """An actor as coded: its entity, qualified by an opposition or rebel sector ("Syrian opposition")."""
    sector = actor.get("sector")
    return f"{actor['entity_id']}|{sector}" if sector in GROUP_SECTORS else actor["entity_id"]


def entity_names(entities: list[Row]) -> dict[str, frozenset[str]]:
    """entity_id → every folded name a gold coder could use for it (for states, the country's name)."""
    by_link = gazetteer().by_link()
    countries = country_links()
    names = {}
    for entity in entities:
        forms = {fold(entity["name"]), *(fold(alias) for alias in entity["aliases"])}
        iso3 = entity.get("capital_of") or (entity["country_iso3"] if entity["label"] in {"GPE", "NORP"} else None)
        if iso3 in countries and countries[iso3] in by_link:
            forms.add(fold(by_link[countries[iso3]].name))
        names[entity["entity_id"]] = frozenset(forms)
    return names


# ------------------------------------------------------------------------------------------ gold
def gold_event(where: tuple[str, int], row: Row) -> tuple[CodedEvent, frozenset[str], frozenset[str]]:
    """A gold event, with its actors' and recipients' folded names."""
    event = CodedEvent(
        where=where,
        event_type=row["event_type"],
        actors=frozenset(),
        recipients=frozenset(),
        modality=row["modality"],
        date=row.get("date"),
        trigger=row["trigger"],
        date_scored=row.get("date_basis") != "judgment",
    )
    return event, frozenset(map(fold, row["actors"])), frozenset(map(fold, row["recipients"]))


# ------------------------------------------------------------------------------------------ scoring
def score(
    gold: list[tuple[CodedEvent, frozenset[str], frozenset[str]]], system: SystemRun, in_scope: set[tuple[str, int]]
) -> EventScore:
    """Match gold and predicted events sentence by sentence (see the module docstring)."""
    result = EventScore(gold=len(gold))
    predicted = [e for e in system.events if e.where in in_scope]
    result.predicted = len(predicted)
    unmatched = list(predicted)
    for event, actors, recipients in gold:
        names = system.names
        match = next(
            (
                p
                for p in unmatched
                if p.where == event.where and p.event_type == event.event_type and _agree(actors, p.actors, names)
            ),
            None,
        )
        if match is None:
            result.by_type[(event.event_type, "missed")] += 1
            result.errors.append(f"missed {event.where} {event.event_type} {event.trigger!r} actors={sorted(actors)}")
            continue
        unmatched.remove(match)
        result.matched += 1
        result.by_type[(event.event_type, "matched")] += 1
        result.exact += _same(actors, match.actors, names) and _same(recipients, match.recipients, names)
        result.modality_right += match.modality == event.modality
        result.dates_scored += event.date_scored
        result.date_right += event.date_scored and match.date == event.date
        if match.modality != event.modality:
            result.errors.append(f"modality {event.where} {event.trigger!r}: {match.modality} for {event.modality}")
    for p in unmatched:
        result.by_type[(p.event_type, "spurious")] += 1
        actors = sorted(min(system.names.get(a, {a})) for a in p.actors)
        result.errors.append(f"spurious {p.where} {p.event_type} {p.trigger!r} actors={actors}")
    return result


def _names_entity(name: str, entity_id: str, names: dict[str, frozenset[str]]) -> bool:
    return name in names.get(entity_id, frozenset())


def _agree(gold: frozenset[str], predicted: frozenset[str], names: dict[str, frozenset[str]]) -> bool:
    """The actors share an entity, or neither side names one."""
    if not gold and not predicted:
        return True
    return any(_names_entity(name, entity, names) for name in gold for entity in predicted)


def _same(gold: frozenset[str], predicted: frozenset[str], names: dict[str, frozenset[str]]) -> bool:
    """Every gold name names a predicted entity and every predicted entity is named."""
    return all(any(_names_entity(n, e, names) for e in predicted) for n in gold) and all(
        any(_names_entity(n, e, names) for n in gold) for e in predicted
    )


# ------------------------------------------------------------------------------------------ corpora
def evaluate_seed_events(seeds_dir: Path, gold_path: Path) -> EventScore:
    """Every event of the seed files the gold names."""
    rows = read_jsonl(gold_path)
    files = {name: (seeds_dir / name).read_bytes() for name in sorted({row["seed_file"] for row in rows})}
    system = run_system(files)
    scope = {(name, sentence["sentence_idx"]) for name, doc in system.documents.items() for sentence in doc.sentences}
    gold = [gold_event((row["seed_file"], row["sentence_idx"]), row) for row in rows]
    return score(gold, system, scope)


def evaluate_gum_events(articles: list[GumArticle], gold_path: Path) -> EventScore:
    """Every event of the annotated GUM sentences; an event belongs to the gold sentence holding its trigger."""
    rows = read_jsonl(gold_path)
    wanted = {f"{row['gum_doc']}.txt" for row in rows}
    chosen = {a.name: a for a in articles if a.name in wanted}
    starts = {
        (article.name, sentence.text): (sentence.start, sentence.end)
        for article in chosen.values()
        for sentence in article.sentences
    }
    spans = {(f"{row['gum_doc']}.txt", *starts[(f"{row['gum_doc']}.txt", row["sentence"])]) for row in rows}

    def where(name: str, event: Row) -> tuple[str, int]:
        start = event["trigger_char_start"]
        return next(((n, s) for n, s, e in spans if n == name and s <= start < e), (name, -1))

    system = run_system({name: a.text.encode("utf-8") for name, a in chosen.items()}, where)
    gold = [
        gold_event((f"{row['gum_doc']}.txt", starts[(f"{row['gum_doc']}.txt", row["sentence"])][0]), event)
        for row in rows
        for event in row["events"]
    ]
    return score(gold, system, {(n, s) for n, s, _ in spans})


def read_jsonl(path: Path) -> list[Row]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ------------------------------------------------------------------------------------------ report
def print_event_report(title: str, result: EventScore, errors: int) -> None:
    print(f"\n{title}: {result.gold} gold events, {result.predicted} predicted")
    print(f"  type + actors   precision {result.precision:.3f}  recall {result.recall:.3f}  ({result.matched} matched)")
    exact = result.exact / result.gold if result.gold else 1.0
    print(f"  exact (type, actors and recipients) over gold: {exact:.3f}")
    print(
        f"  modality accuracy {result.modality_accuracy:.3f}   "
        f"date accuracy {result.date_accuracy:.3f} ({result.dates_scored} matched events with a scored date)"
    )
    types = sorted({t for t, _ in result.by_type})
    print("  " + "  ".join(f"{t} {_type_counts(result.by_type, t)}" for t in types))
    for line in result.errors[:errors]:
        print("   ", line)


def _type_counts(counts: Counter[tuple[str, str]], event_type: str) -> str:
    return "/".join(str(counts[(event_type, kind)]) for kind in ("matched", "missed", "spurious"))


def event_misses(result: EventScore) -> Iterable[str]:
    """The seed figures below their targets."""
    if result.precision < MIN_PRECISION:
        yield f"Seed events precision {result.precision:.3f} < {MIN_PRECISION}"
    if result.recall < MIN_RECALL:
        yield f"Seed events recall {result.recall:.3f} < {MIN_RECALL}"
    if result.modality_accuracy < MIN_MODALITY_ACCURACY:
        yield f"Seed events modality accuracy {result.modality_accuracy:.3f} < {MIN_MODALITY_ACCURACY}"
