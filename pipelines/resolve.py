"""Cross-document resolution: one entity per real-world thing, across every document.

Mentions the gazetteer linked (places, nationalities, known organizations and people) join the
entity of their link. The others are clustered by name: people by surname and given name, compared
across spellings and transliterations (Lavrentiev / Lavrentyev, Hussein / Hossein, Mohamed /
Mohammed) and without "al-" particles; a bare surname joins the person of that surname in its own
document, or the only one in the corpus. Organizations join by their folded name or as the
acronym of one. Entity ids hash what identifies the entity, so the same inputs give the same ids.

Mentions are read in document order, and what a name joins depends only on its label, link and text
and on the names read before it, so each distinct (label, link, text) is resolved once, where it
first appears, and its mentions follow it; bare surnames, which also depend on the document and on
the persons found so far, are resolved one mention at a time (a run of one in a document once).
Counts come from Arrow columns, so no mention becomes a Python dict.
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
import numpy
import pyarrow as pa
import pyarrow.compute as pc
from anyascii import anyascii

from pipelines.caching import no_cycle_collection
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
# The order mentions are read in: what a name joins can depend on the names read before it.
DOCUMENT_ORDER = [("doc_id", "ascending"), ("char_start", "ascending"), ("char_end", "ascending")]
# The columns resolution reads, with their warehouse types.
CANDIDATE_COLUMNS = pa.schema(
    [
        ("doc_id", pa.string()), ("char_start", pa.int32()), ("char_end", pa.int32()), ("text", pa.string()),
        ("label", pa.string()), ("link", pa.string()), ("country_iso3", pa.string()), ("sector", pa.string()),
    ]
)  # fmt: skip


@dataclass(frozen=True)
class Resolution:
    entities: list[Row]
    mentions: list[Row]


@dataclass(frozen=True)
class TableResolution:
    """The entities, and the candidates in document order with an `entity_id` column appended."""

    entities: list[Row]
    mentions: pa.Table


@dataclass(frozen=True, slots=True)
class _Name:
    label: str
    link: str | None
    text: str


@dataclass
class _Cluster:
    """One entity in the making: the mention groups it holds (`_Groups` member ids) and their
    texts, whitespace collapsed, counted; for a person, its name and the documents naming it."""

    label: str
    key: str
    entry: Entry | None = None
    members: list[int] = field(default_factory=list)
    forms: Counter[str] = field(default_factory=Counter)
    given: set[str] = field(default_factory=set)
    surname: str = ""
    documents: set[int] = field(default_factory=set)

    def add(self, member: int, form: str, mentions: int) -> None:
        self.members.append(member)
        self.forms[form] += mentions

    def take(self, other: _Cluster) -> None:
        """Hold every mention `other` holds, which then holds none."""
        self.members += other.members
        self.forms.update(other.forms)
        other.members, other.forms = [], Counter()


@dataclass(frozen=True)
class _Groups:
    """Mentions in document order grouped by name: each row's group (in order of first mention)
    and document (an index); each group's name, form and number of mentions. A group's id is its
    member id in clusters; a run of a bare surname's mentions (`_resolve_surnames`) is a member of
    its own, numbered after them."""

    row_group: numpy.ndarray
    row_document: numpy.ndarray
    n_documents: int
    names: list[_Name]
    forms: list[str]
    sizes: list[int]


class _People:
    """The persons found so far, in the order they were registered (a person registered twice is
    listed twice), indexed by the first letter of the surname and of its skeleton: `_same_name`
    holds only between names that share one of them, so only those are compared. A person's surname
    and given name never change once registered, so each query keeps what it matched and how far it
    has looked (`_Scan`), and later looks only at the persons registered since."""

    def __init__(self) -> None:
        self.count = 0
        self.by_initial: dict[tuple[str, str], list[tuple[int, _Cluster]]] = defaultdict(list)
        self.full_names: defaultdict[tuple[str, str], _Scan] = defaultdict(_Scan)
        self.surnames: defaultdict[str, _Scan] = defaultdict(_Scan)

    def append(self, person: _Cluster) -> None:
        for key in _initials(person.surname):
            self.by_initial[key].append((self.count, person))
        self.count += 1

    def registered_since(self, surname: str, scan: _Scan) -> list[_Cluster]:
        """The persons whose surname may be a spelling of `surname` registered since the scan last
        looked, in order; the scan then covers them. None were when no one was registered since."""
        if scan.registered == self.count:
            return []
        scan.registered = self.count
        listed: dict[int, _Cluster] = {}
        for key in _initials(surname):
            entries = self.by_initial.get(key, [])
            listed.update(entries[scan.seen.get(key, 0) :])
            scan.seen[key] = len(entries)
        return [listed[k] for k in sorted(listed)]


@dataclass
class _Scan:
    """How far one query has looked through `_People` (a position per initial key, and how many
    persons were registered then), and its matches."""

    seen: dict[tuple[str, str], int] = field(default_factory=dict)
    registered: int = -1
    matches: list[_Cluster] = field(default_factory=list)


def _initials(surname: str) -> tuple[tuple[str, str], tuple[str, str]]:
    return ("name", surname[:1]), ("skeleton", _skeleton(surname)[:1])


def resolve_entities(mentions: Iterable[Row]) -> Resolution:
    """Entities for every non-DATE mention, and the mentions in document order with their
    `entity_id` filled in (the given rows themselves, not copies)."""
    ordered = sorted(mentions, key=lambda m: (m["doc_id"], m["char_start"], m["char_end"]))
    columns = {column: [m.get(column) for m in ordered] for column in CANDIDATE_COLUMNS.names}
    resolved = resolve_table(pa.table(columns, schema=CANDIDATE_COLUMNS))
    for mention, entity_id in zip(ordered, resolved.mentions["entity_id"].to_pylist(), strict=True):
        mention["entity_id"] = entity_id
    return Resolution(resolved.entities, ordered)


def resolve_table(candidates: pa.Table) -> TableResolution:
    """Entities for every non-DATE candidate, and the candidates sorted in document order with
    their `entity_id` (null for a DATE): one pass per distinct name, not per mention."""
    # Resolution keeps every name, scan and cluster it makes to the end: without the pause, full
    # collections of the whole heap took a tenth of its time over 10,000 articles.
    with no_cycle_collection():
        ordered = _document_order(candidates)
        groups = _group(ordered)
        entities, row_entity = _entities(groups)
        tallies = _tallies(ordered, groups, row_entity, len(entities))
        rows = [_entity_row(cluster, tally) for cluster, tally in zip(entities, tallies, strict=True)]
    entity_ids = pa.array([row["entity_id"] for row in rows], pa.string())
    mentions = ordered.append_column("entity_id", entity_ids.take(pa.array(row_entity, mask=row_entity < 0)))
    return TableResolution(sorted(rows, key=lambda e: e["entity_id"]), mentions)


def _entities(groups: _Groups) -> tuple[list[_Cluster], numpy.ndarray]:
    """The clusters holding mentions in the end, in the order of their first mention (as a tie
    between entity ids leaves them), and each row's cluster among them (-1 for a date)."""
    clusters: dict[str, _Cluster] = {}
    people = _People()
    surname_rows = _resolve_names(groups, clusters, people)
    surname_runs = _resolve_surnames(groups, surname_rows, clusters, people)
    _merge_acronyms(clusters)
    entities = sorted((c for c in clusters.values() if c.members), key=lambda c: min(c.members))
    member_entity = numpy.full(len(groups.names) + len(surname_rows), -1)
    for index, cluster in enumerate(entities):
        member_entity[cluster.members] = index
    row_member = groups.row_group.copy()
    row_member[surname_rows] = len(groups.names) + surname_runs
    return entities, member_entity[row_member]


def _document_order(candidates: pa.Table) -> pa.Table:
    """The candidates sorted in document order: the table itself when it already is (as the
    warehouse reads it), neither sorted again nor copied."""
    if _in_document_order(candidates):
        return candidates
    return candidates.take(pc.sort_indices(candidates, sort_keys=DOCUMENT_ORDER))


def _in_document_order(candidates: pa.Table) -> bool:
    """Whether each row comes after the one before it in document order (or ties with it)."""
    before, after = candidates.slice(0, max(len(candidates) - 1, 0)), candidates.slice(1)
    [(doc_before, doc_after), (start_before, start_after), (end_before, end_after)] = [
        (before[column], after[column]) for column, _ in DOCUMENT_ORDER
    ]
    same_start = pc.and_(pc.equal(start_before, start_after), pc.less_equal(end_before, end_after))
    same_document = pc.and_(pc.equal(doc_before, doc_after), pc.or_(pc.less(start_before, start_after), same_start))
    return pc.all(pc.or_(pc.less(doc_before, doc_after), same_document)).as_py() is not False


def _distinct(column: pa.ChunkedArray) -> tuple[numpy.ndarray, list[Any]]:
    """Each row's index into the column's distinct values (null among them), and those values in
    order of first appearance."""
    encoded = pc.dictionary_encode(column.combine_chunks(), null_encoding="encode")
    return encoded.indices.to_numpy().astype(numpy.int64), encoded.dictionary.to_pylist()


def _counted(values: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The distinct non-negative integers, sorted, and how often each occurs: by a sort, as hashing
    hundreds of thousands of distinct keys (numpy.unique, Arrow's unique) takes forty times as long."""
    ordered = numpy.sort(values)
    starts = numpy.flatnonzero(numpy.diff(ordered, prepend=-1))
    return ordered[starts], numpy.diff(starts, append=len(ordered))


def _group(ordered: pa.Table) -> _Groups:
    """The rows grouped by (label, link, text), groups numbered in order of first mention."""
    texts, text_values = _distinct(ordered["text"])
    links, link_values = _distinct(ordered["link"])
    labels, label_values = _distinct(ordered["label"])
    key = (texts * len(link_values) + links) * len(label_values) + labels
    row_group, _ = _distinct(pa.chunked_array([key], pa.int64()))
    seen = numpy.maximum.accumulate(row_group)
    first = numpy.flatnonzero(row_group > numpy.concatenate(([-1], seen[:-1])))
    names = [
        _Name(label_values[label], link_values[link], text_values[text])
        for label, link, text in zip(labels[first].tolist(), links[first].tolist(), texts[first].tolist(), strict=True)
    ]
    documents, document_values = _distinct(ordered["doc_id"])
    return _Groups(
        row_group=row_group,
        row_document=documents,
        n_documents=len(document_values),
        names=names,
        forms=[" ".join(name.text.split()) for name in names],
        sizes=numpy.bincount(row_group, minlength=len(names)).tolist(),
    )


def _is_bare_surname(name: _Name) -> bool:
    """A one-word person name without a link: what it joins depends on its document."""
    return name.label == "PERSON" and len(_name_parts(name.text)) == 1 and not name.link


def _resolve_names(groups: _Groups, clusters: dict[str, _Cluster], people: _People) -> numpy.ndarray:
    """Put every group but dates and bare surnames in its cluster, in order of first mention, and
    note the documents of each person found; the rows of bare surnames, in order."""
    by_group: list[_Cluster | None] = [None] * len(groups.names)
    for group, name in enumerate(groups.names):
        if name.label != "DATE" and not _is_bare_surname(name):
            by_group[group] = cluster = _cluster_for(name, clusters, people)
            cluster.add(group, groups.forms[group], groups.sizes[group])
    person = numpy.array([bool(c and c.surname) for c in by_group], dtype=bool)
    person_rows = numpy.flatnonzero(person[groups.row_group])
    pairs, _ = _counted(groups.row_group[person_rows] * groups.n_documents + groups.row_document[person_rows])
    for group, document in zip(*(part.tolist() for part in numpy.divmod(pairs, groups.n_documents)), strict=True):
        by_group[group].documents.add(document)
    bare = numpy.array([_is_bare_surname(name) for name in groups.names], dtype=bool)
    return numpy.flatnonzero(bare[groups.row_group])


def _resolve_surnames(
    groups: _Groups, rows: numpy.ndarray, clusters: dict[str, _Cluster], people: _People
) -> numpy.ndarray:
    """Put each bare surname's mention, in document order, in its person's cluster, and give each
    row's run. What one joins depends on its document and on the persons found so far, which the
    ones before it change; but a run of one surname in one document, no other bare surname between,
    all join the person the first joins: it can only have made that person the answer."""
    key = groups.row_group[rows] * groups.n_documents + groups.row_document[rows]
    starts = numpy.flatnonzero(numpy.diff(key, prepend=-1))
    sizes = numpy.diff(starts, append=len(rows))
    member = len(groups.names)
    firsts = rows[starts]
    for group, document, size in zip(
        groups.row_group[firsts].tolist(), groups.row_document[firsts].tolist(), sizes.tolist(), strict=True
    ):
        name = groups.names[group]
        cluster = _person_by_surname(name.text, document, people) or _cluster_for(name, clusters, people)
        cluster.add(member, groups.forms[group], size)
        cluster.documents.add(document)
        member += 1
    return numpy.repeat(numpy.arange(len(starts)), sizes)


def _cluster_for(name: _Name, clusters: dict[str, _Cluster], people: _People) -> _Cluster:
    """The cluster a name joins by its link, or by its name when it has none."""
    entry = _entry(name.link) or _entry_named(name)
    label = entry.label if entry else name.label
    if entry is not None:
        key = entry.link
    elif label == "PERSON":
        return _person_cluster(name.text, people, clusters)
    else:
        key = f"{label}:{_organization_key(name.text)}"
    if key not in clusters:
        clusters[key] = _Cluster(label, key, entry)
        if label == "PERSON":
            _register_person(clusters[key], name.text, people)
    return clusters[key]


def _entry_named(name: _Name) -> Entry | None:
    """The gazetteer record an unlinked place or nationality is named exactly ("Russia's" → Russia)."""
    if name.label not in ("GPE", "LOC", "NORP"):
        return None
    entries = [e for e in gazetteer().lookup(POSSESSIVE.sub("", name.text).strip()) if e.label == name.label]
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


def _person_cluster(text: str, people: _People, clusters: dict[str, _Cluster]) -> _Cluster:
    """The person this full name is, by surname and given name across spellings; or a new one."""
    parts = _name_parts(text)
    if parts:
        scan = people.full_names[parts[-1], parts[0]]
        if not scan.matches:
            candidates = people.registered_since(parts[-1], scan)
            same = (p for p in candidates if _same_name(parts[-1], p.surname) and _compatible_given(parts[0], p.given))
            scan.matches = list(islice(same, 1))
        if scan.matches:
            return scan.matches[0]
    key = "PERSON:" + " ".join(parts)
    cluster = clusters.setdefault(key, _Cluster("PERSON", key))
    _register_person(cluster, text, people)
    return cluster


def _compatible_given(given: str, known: set[str]) -> bool:
    return not known or any(_same_name(given, other) for other in known)


@cache
def _same_name(a: str, b: str) -> bool:
    """One name in two spellings: "lavrentiev"/"lavrentyev", "mohamed"/"mohammed", "gabri"/"jaberi";
    cached, as each new name is compared with every person of its initial (a sixth of the pairs differ)."""
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


def _person_by_surname(text: str, document: int, people: _People) -> _Cluster | None:
    """A bare surname's person: the one of that surname in the same document, else the only one."""
    parts = _name_parts(text)
    if not parts:
        return None
    surname = parts[-1]
    scan = people.surnames[surname]
    scan.matches += [p for p in people.registered_since(surname, scan) if p.surname and _same_name(surname, p.surname)]
    in_document = [p for p in scan.matches if document in p.documents]
    if len(in_document) == 1:
        return in_document[0]
    return scan.matches[0] if len(scan.matches) == 1 else None


# ----------------------------------------------------------------------------------- organizations


def _merge_acronyms(clusters: dict[str, _Cluster]) -> None:
    """An unlinked all-capitals organization that spells another's initials is that organization."""
    by_initials: dict[str, _Cluster] = {}
    for cluster in clusters.values():
        if cluster.label == "ORG":
            words = [w for w in _display_name(cluster).split() if w[:1].isupper()]
            if len(words) >= 2:
                by_initials.setdefault("".join(w[0] for w in words), cluster)
    for cluster in list(clusters.values()):
        name = _display_name(cluster).replace(".", "") if cluster.members else ""
        target = by_initials.get(name)
        if cluster.entry is None and cluster.label == "ORG" and name.isupper() and target not in (None, cluster):
            target.take(cluster)


# ---------------------------------------------------------------------------------------- entities


@dataclass(frozen=True)
class _Tally:
    """What an entity's mentions say: in how many documents they are, and the country and sector
    they give most often."""

    documents: int
    country_iso3: str | None
    sector: str | None


def _tallies(ordered: pa.Table, groups: _Groups, row_entity: numpy.ndarray, n_entities: int) -> list[_Tally]:
    """Each entity's tally, from its rows (`row_entity`: each row's entity, -1 for none)."""
    resolved = row_entity >= 0
    pairs, _ = _counted(row_entity[resolved] * groups.n_documents + groups.row_document[resolved])
    documents = numpy.bincount(pairs // groups.n_documents, minlength=n_entities).tolist()
    countries = _most_common(ordered["country_iso3"], row_entity, n_entities)
    sectors = _most_common(ordered["sector"], row_entity, n_entities)
    return [_Tally(*tally) for tally in zip(documents, countries, sectors, strict=True)]


def _most_common(column: pa.ChunkedArray, row_entity: numpy.ndarray, n_entities: int) -> list[str | None]:
    """Each entity's most frequent value of the column in its rows, the first in sort order of those
    tied; None when its rows give none (nulls and empty strings do not count)."""
    codes, values = _distinct(column)
    order = sorted(range(len(values)), key=lambda code: values[code] or "")
    rank = numpy.empty(len(values), dtype=numpy.int64)
    rank[order] = numpy.arange(len(values))
    kept = (row_entity >= 0) & numpy.array([bool(v) for v in values], dtype=bool)[codes]
    pairs, counts = _counted(row_entity[kept] * len(values) + rank[codes[kept]])
    entities, ranks = numpy.divmod(pairs, len(values))
    best = numpy.lexsort((ranks, -counts, entities))
    firsts = best[numpy.flatnonzero(numpy.diff(entities[best], prepend=-1))]
    most_common: list[str | None] = [None] * n_entities
    for entity, value_rank in zip(entities[firsts].tolist(), ranks[firsts].tolist(), strict=True):
        most_common[entity] = values[order[value_rank]]
    return most_common


def _display_name(cluster: _Cluster) -> str:
    """The canonical name: the gazetteer's when it is plain ASCII ("Ar Raqqah" but not "Ḩamāh"),
    else the most used of the longest spellings."""
    if cluster.entry is not None and anyascii(cluster.entry.name) == cluster.entry.name:
        return cluster.entry.name
    forms = cluster.forms
    longest = max((len(_name_parts(f)) for f in forms), default=0)
    candidates = [f for f in forms if len(_name_parts(f)) == longest] or list(forms)
    return min(candidates, key=lambda f: (-forms[f], POSSESSIVE.sub("", f) != f, f))


def _entity_row(cluster: _Cluster, tally: _Tally) -> Row:
    entry = cluster.entry
    name = _display_name(cluster)
    identity = entry.link if entry else f"{cluster.label}:{fold(name)}"
    return {
        "entity_id": "E" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:15],
        "name": name,
        "label": cluster.label,
        "aliases": sorted(cluster.forms),
        "country_iso3": (entry.country_iso3 if entry else None) or tally.country_iso3,
        "geonames_id": entry.geonames_id if entry else None,
        "latitude": entry.latitude if entry else None,
        "longitude": entry.longitude if entry else None,
        "sector": (entry.sector if entry else None) or tally.sector,
        "n_mentions": sum(cluster.forms.values()),
        "n_documents": tally.documents,
        "link": entry.link if entry else None,
        "capital_of": entry.capital_of if entry else None,
        "subdivision_code": entry.subdivision if entry else None,
    }
