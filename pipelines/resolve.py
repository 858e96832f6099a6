"""Cross-document resolution: one entity per real-world thing, across every document.

Mentions the gazetteer linked (places, nationalities, known organizations and people) join the
entity of their link. The others are clustered by name: people by surname and given name, compared
across spellings and transliterations (Lavrentiev / Lavrentyev, Hussein / Hossein, Mohamed /
Mohammed) and without "al-" particles; a bare surname joins the person of that surname in its own
document, or the only one in the corpus. Organizations join by their folded name or as the
acronym of one. Entity ids hash what identifies the entity, so the same inputs give the same ids.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from typing import Any

import jellyfish
from anyascii import anyascii

from pipelines.gazetteer import Entry, fold, gazetteer, rules

Row = dict[str, Any]
# Two spellings of a name part are one name at this Jaro-Winkler similarity or above…
SIMILAR_NAME = 0.88
# …or when their consonant skeletons differ by at most this many edits (Gabri / Jaberi).
SKELETON_EDITS = 1
# Name parts that vary freely between transliterations: removed before comparing.
VOWELS = re.compile(r"[aeiouy]")
POSSESSIVE = re.compile("['\u2019]s$")
PHONETIC_PAIRS = (("kh", "h"), ("ph", "f"), ("dh", "d"), ("th", "t"), ("j", "g"), ("q", "k"), ("w", "v"), ("ck", "k"))


@dataclass(frozen=True)
class Resolution:
    entities: list[Row]
    mentions: list[Row]


@dataclass
class _Cluster:
    label: str
    key: str
    entry: Entry | None = None
    mentions: list[Row] = field(default_factory=list)
    given: set[str] = field(default_factory=set)
    surname: str = ""
    documents: set[str] = field(default_factory=set)

    def add(self, mention: Row) -> None:
        self.mentions.append(mention)
        self.documents.add(mention["doc_id"])


class _People:
    """The persons found so far, in the order they were registered (a person registered twice is
    listed twice), indexed by the first letter of the surname and of its skeleton: `_same_name`
    holds only between names that share one of them, so only those are compared. A person's surname
    and given name never change once registered, so each query keeps what it matched and how far it
    has looked (`_Scan`), and later looks only at the persons registered since."""

    def __init__(self) -> None:
        self.count = 0
        self.by_initial: dict[tuple[str, str], list[tuple[int, _Cluster]]] = defaultdict(list)
        self.full_names: dict[tuple[str, str], _Scan] = {}
        self.surnames: dict[str, _Scan] = {}

    def append(self, person: _Cluster) -> None:
        for key in _initials(person.surname):
            self.by_initial[key].append((self.count, person))
        self.count += 1

    def registered_since(self, surname: str, scan: _Scan) -> list[_Cluster]:
        """The persons whose surname may be a spelling of `surname` registered since the scan last
        looked, in order; the scan then covers them."""
        listed: dict[int, _Cluster] = {}
        for key in _initials(surname):
            entries = self.by_initial.get(key, [])
            listed.update(entries[scan.seen.get(key, 0) :])
            scan.seen[key] = len(entries)
        return [listed[k] for k in sorted(listed)]


@dataclass
class _Scan:
    """How far one query has looked through `_People` (a position per initial key), and its matches."""

    seen: dict[tuple[str, str], int] = field(default_factory=dict)
    matches: list[_Cluster] = field(default_factory=list)


def _initials(surname: str) -> tuple[tuple[str, str], tuple[str, str]]:
    return ("name", surname[:1]), ("skeleton", _skeleton(surname)[:1])


def resolve_entities(mentions: Iterable[Row]) -> Resolution:
    """Entities for every non-DATE mention, and the mentions in document order with their
    `entity_id` filled in (the given rows themselves, not copies)."""
    ordered = sorted(mentions, key=lambda m: (m["doc_id"], m["char_start"], m["char_end"]))
    clusters: dict[str, _Cluster] = {}
    people = _People()
    assignment: dict[str, _Cluster] = {}
    surnames_pending: list[Row] = []
    for mention in ordered:
        if mention["label"] == "DATE":
            continue
        if mention["label"] == "PERSON" and len(_name_parts(mention["text"])) == 1 and not mention.get("link"):
            surnames_pending.append(mention)
            continue
        cluster = _cluster_for(mention, clusters, people)
        cluster.add(mention)
        assignment[mention["mention_id"]] = cluster
    for mention in surnames_pending:
        cluster = _person_by_surname(mention, people) or _cluster_for(mention, clusters, people)
        cluster.add(mention)
        assignment[mention["mention_id"]] = cluster
    _merge_acronyms(clusters, assignment)
    entity_rows = {id(c): _entity_row(c) for c in {id(c): c for c in assignment.values()}.values()}
    for mention in ordered:  # in place: a copy of every mention would add half again to the step's memory
        is_date = mention["label"] == "DATE"
        mention["entity_id"] = None if is_date else entity_rows[id(assignment[mention["mention_id"]])]["entity_id"]
    entities = sorted(entity_rows.values(), key=lambda e: e["entity_id"])
    return Resolution(entities, ordered)


def _cluster_for(mention: Row, clusters: dict[str, _Cluster], people: _People) -> _Cluster:
    """The cluster a mention joins by its link, or by its name when it has none."""
    entry = _entry(mention.get("link")) or _entry_named(mention)
    label = entry.label if entry else mention["label"]
    if entry is not None:
        key = entry.link
    elif label == "PERSON":
        return _person_cluster(mention, people, clusters)
    else:
        key = f"{label}:{_organization_key(mention['text'])}"
    if key not in clusters:
        clusters[key] = _Cluster(label, key, entry)
        if label == "PERSON":
            _register_person(clusters[key], mention["text"], people)
    return clusters[key]


def _entry_named(mention: Row) -> Entry | None:
    """The gazetteer record an unlinked place or nationality is named exactly ("Russia's" → Russia)."""
    if mention["label"] not in ("GPE", "LOC", "NORP"):
        return None
    entries = [
        e for e in gazetteer().lookup(POSSESSIVE.sub("", mention["text"]).strip()) if e.label == mention["label"]
    ]
    return entries[0] if len(entries) == 1 else None


def _entry(link: str | None) -> Entry | None:
    return gazetteer().by_link().get(link) if link else None


def _organization_key(text: str) -> str:
    """ "The Kazakh Foreign Ministry" and "Kazakh foreign ministry" fold to one key; "U.N." is "un"."""
    folded = fold(POSSESSIVE.sub("", text).replace(".", ""))
    return folded.removeprefix("the ")


# ---------------------------------------------------------------------------------------- people


@cache
def _name_parts(text: str) -> tuple[str, ...]:
    """The folded words of a person's name without particles and possessives ("al-Assad's" → assad);
    cached, as the same names recur in every document."""
    particles = rules().name_particles
    words = fold(POSSESSIVE.sub("", text)).split()
    return tuple(w for w in words if w not in particles)


def _register_person(cluster: _Cluster, text: str, people: _People) -> None:
    parts = _name_parts(text)
    if parts:
        cluster.surname = parts[-1]
        cluster.given |= set(parts[:1]) if len(parts) > 1 else set()
        people.append(cluster)


def _person_cluster(mention: Row, people: _People, clusters: dict[str, _Cluster]) -> _Cluster:
    """The person this full name is, by surname and given name across spellings; or a new one."""
    parts = _name_parts(mention["text"])
    if parts:
        scan = people.full_names.setdefault((parts[-1], parts[0]), _Scan())
        if not scan.matches:
            candidates = people.registered_since(parts[-1], scan)
            same = (p for p in candidates if _same_name(parts[-1], p.surname) and _compatible_given(parts[0], p.given))
            scan.matches = list(islice(same, 1))
        if scan.matches:
            return scan.matches[0]
    key = "PERSON:" + " ".join(parts)
    cluster = clusters.setdefault(key, _Cluster("PERSON", key))
    _register_person(cluster, mention["text"], people)
    return cluster


def _compatible_given(given: str, known: set[str]) -> bool:
    return not known or any(_same_name(given, other) for other in known)


def _same_name(a: str, b: str) -> bool:
    """One name in two spellings: "lavrentiev"/"lavrentyev", "mohamed"/"mohammed", "gabri"/"jaberi"."""
    if a == b:
        return True
    if a[:1] != b[:1] and _skeleton(a)[:1] != _skeleton(b)[:1]:
        return False
    if jellyfish.jaro_winkler_similarity(a, b) >= SIMILAR_NAME:
        return True
    return jellyfish.levenshtein_distance(_skeleton(a), _skeleton(b)) <= SKELETON_EDITS and min(len(a), len(b)) >= 4


@cache
def _skeleton(name: str) -> str:
    """Consonants after folding sounds that transliterations spell differently, doubled ones once;
    cached, as each name is compared with every person known (a name is a few bytes)."""
    for spelled, sound in PHONETIC_PAIRS:
        name = name.replace(spelled, sound)
    consonants = VOWELS.sub("", name)
    return re.sub(r"(.)\1+", r"\1", consonants)


def _person_by_surname(mention: Row, people: _People) -> _Cluster | None:
    """A bare surname's person: the one of that surname in the same document, else the only one."""
    parts = _name_parts(mention["text"])
    if not parts:
        return None
    surname = parts[-1]
    scan = people.surnames.setdefault(surname, _Scan())
    scan.matches += [p for p in people.registered_since(surname, scan) if p.surname and _same_name(surname, p.surname)]
    in_document = [p for p in scan.matches if mention["doc_id"] in p.documents]
    if len(in_document) == 1:
        return in_document[0]
    return scan.matches[0] if len(scan.matches) == 1 else None


# ----------------------------------------------------------------------------------- organizations


def _merge_acronyms(clusters: dict[str, _Cluster], assignment: dict[str, _Cluster]) -> None:
    """An unlinked all-capitals organization that spells another's initials is that organization."""
    by_initials: dict[str, _Cluster] = {}
    for cluster in clusters.values():
        if cluster.label == "ORG":
            words = [w for w in _display_name(cluster).split() if w[:1].isupper()]
            if len(words) >= 2:
                by_initials.setdefault("".join(w[0] for w in words), cluster)
    for cluster in list(clusters.values()):
        name = _display_name(cluster).replace(".", "") if cluster.mentions else ""
        target = by_initials.get(name)
        if cluster.entry is None and cluster.label == "ORG" and name.isupper() and target not in (None, cluster):
            for mention in cluster.mentions:
                assignment[mention["mention_id"]] = target
            target.mentions += cluster.mentions
            cluster.mentions = []


# ---------------------------------------------------------------------------------------- entities


def _display_name(cluster: _Cluster) -> str:
    """The canonical name: the gazetteer's when it is plain ASCII ("Ar Raqqah" but not "Ḩamāh"),
    else the most used of the longest spellings."""
    if cluster.entry is not None and anyascii(cluster.entry.name) == cluster.entry.name:
        return cluster.entry.name
    forms = Counter(" ".join(m["text"].split()) for m in cluster.mentions)
    longest = max((len(_name_parts(f)) for f in forms), default=0)
    candidates = [f for f in forms if len(_name_parts(f)) == longest] or list(forms)
    return min(candidates, key=lambda f: (-forms[f], POSSESSIVE.sub("", f) != f, f))


def _entity_row(cluster: _Cluster) -> Row:
    entry = cluster.entry
    name = _display_name(cluster)
    identity = entry.link if entry else f"{cluster.label}:{fold(name)}"
    mentions = cluster.mentions
    return {
        "entity_id": "E" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:15],
        "name": name,
        "label": cluster.label,
        "aliases": sorted({" ".join(m["text"].split()) for m in mentions}),
        "country_iso3": (entry.country_iso3 if entry else None)
        or _most_common(m.get("country_iso3") for m in mentions),
        "geonames_id": entry.geonames_id if entry else None,
        "latitude": entry.latitude if entry else None,
        "longitude": entry.longitude if entry else None,
        "sector": (entry.sector if entry else None) or _most_common(m.get("sector") for m in mentions),
        "n_mentions": len(mentions),
        "n_documents": len({m["doc_id"] for m in mentions}),
        "link": entry.link if entry else None,
        "capital_of": entry.capital_of if entry else None,
        "subdivision_code": entry.subdivision if entry else None,
    }


def _most_common(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    return min(counts, key=lambda v: (-counts[v], v)) if counts else None
