"""Blocking checks on every run's partitions: a failure stops `news_duckdb` from being rebuilt,
so readers keep the last good database.

The checks run in three steps, each reading every table it needs once: the per-file checks after the
files are processed, the entity checks after resolution, the event checks after coding
(`duckdb_matches_parquet` is a step of its own, after the rebuild). As a step each, the eight
per-file checks read `documents` six times and `sentences` five times: 34 s of steps at 10,000
files, against 10 s in one step. In that step, the checks themselves now take 3.3 s of CPU (8.5 s
when `normalize_text` ran on every sentence): a sentence whose raw slice already is its text, and
that text printable ASCII words one space apart (all but 6%), needs no normalizing, and mentions and
events find their sentences' spans by a sort and binary searches in numpy, not a dict of all
sentences. The rest is reading: from the tables' snapshots, which a run storing many files writes as
it stores them, or, for a run of a few files, from those files alone. Python loops over the few
columns a check compares; counts, lookups and repeats over whole corpus tables stay in Arrow. A step
with a failed check stops everything downstream of any asset it checks, so a failed per-file check
also skips resolution and coding, whose tables the database would not get anyway.

The per-file checks read every row of the run's partitions, but are not themselves partitioned: a
partitioned check records a row per partition in the instance, each holding the run's whole
partition set, which grows with the square of the files in a run (gigabytes at 10,000 files), and
Dagster leaves those rows "planned" when one result covers the range. One result per check and run
says the same thing once."""

import inspect
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import NamedTuple

import dagster as dg
import numpy
import pyarrow as pa
import pyarrow.compute as pc

from assets.partitions import doc_id_for_key, run_partition_keys, seed_file_for
from assets.resources import Warehouse
from pipelines.events import ACTOR_OPTIONAL_TYPES, CAMEO_ROOTS, MODALITIES, PLOVER_TYPES, ROLES
from pipelines.ingest import REJECTION_CODES
from pipelines.text import NORMAL_ASCII_TEXT, span_traces
from warehouse.database import database_path
from warehouse.schema import TABLES

MAX_LISTED = 20
# CAMEO's root codes: a mode may take its type to another root (aerial ASSAULT is 19, FIGHT).
CAMEO_ROOT_CODES = frozenset(f"{code:02d}" for code in range(1, 21))
LINEAGE_COLUMNS = ("doc_id", "char_start", "char_end", "text")
# The columns of each corpus table that its checks compare, the only ones read: all 13 columns of
# 729,000 entity mentions take four times as long to read as these four.
CHECKED_COLUMNS: dict[str, list[str]] = {
    "entity_mentions": ["mention_id", "doc_id", "label", "entity_id"],
    "entities": ["entity_id", "name", "n_mentions", "n_documents"],
    "events": ["event_id", "event_type", "trigger"],
    "event_actors": ["event_id", "entity_id", "role"],
}


class Verdict(NamedTuple):
    """A check's problems, one line each, and how many rows of what it checked."""

    problems: list[str]
    checked: int
    what: str


class Rows:
    """The tables one step's checks read, each read once: the run's partitions of a per-document
    table (doc_id → seed file of each), or a whole corpus table's CHECKED_COLUMNS."""

    def __init__(self, warehouse: Warehouse, partitions: dict[str, str] | None = None) -> None:
        self.warehouse = warehouse
        self.partitions = partitions or {}
        self._tables: dict[str, pa.Table] = {}

    def __getitem__(self, table: str) -> pa.Table:
        """A table's rows, read on first use."""
        if table not in self._tables:
            self._tables[table] = self.warehouse.read(table, set(self.partitions), CHECKED_COLUMNS.get(table))
        return self._tables[table]

    def values(self, table: str, *names: str) -> Iterator[tuple]:
        """Each row's values of some columns, as Python objects: what a check loops over, and no more."""
        return zip(*(self[table].column(name).to_pylist() for name in names), strict=True)

    @cached_property
    def raw_texts(self) -> dict[str, str]:
        """doc_id → raw_text of the run's documents."""
        return dict(self.values("documents", "doc_id", "raw_text"))

    @cached_property
    def sentence_spans(self) -> dict[tuple[str, int], tuple[int, int]]:
        """(doc_id, sentence_idx) → the sentence's span in raw_text, for the run's documents."""
        rows = self.values("sentences", "doc_id", "sentence_idx", "char_start", "char_end")
        return {(doc_id, index): (start, end) for doc_id, index, start, end in rows}

    def sentence_at(self, doc_id: str, index: int) -> tuple[int, int] | None:
        """A sentence's span, the last row's of its key: built for all sentences on first use only,
        by the rows `_inside_sentences` leaves unsettled (none in a sound warehouse)."""
        return self.sentence_spans.get((doc_id, index))


def _run_doc_ids(context: dg.AssetCheckExecutionContext) -> dict[str, str]:
    """doc_id → seed file for the partitions this run materialized (its partition or range)."""
    keys = run_partition_keys(context.instance, context.run.tags)
    return {doc_id_for_key(key): seed_file_for(key) for key in keys}


def _result(asset: str, check: str, verdict: Verdict) -> dg.AssetCheckResult:
    """A check's result: passed without problems, with the first problems listed for the UI."""
    problems = verdict.problems
    return dg.AssetCheckResult(
        asset_key=asset,
        check_name=check,
        passed=not problems,
        metadata={
            f"{verdict.what}_checked": verdict.checked,
            "violations": len(problems),
            "first_violations": dg.MetadataValue.md("\n".join(f"- {p}" for p in problems[:MAX_LISTED]) or "none"),
        },
    )


def sentences_trace_to_raw_text(rows: Rows) -> Verdict:
    """The lineage rule: each sentence's raw slice, normalized, equals its text."""
    sentences, raw_texts = rows["sentences"], rows.raw_texts
    doc_ids, starts, ends, texts = (sentences[name].to_pylist() for name in LINEAGE_COLUMNS)
    normal = pc.match_substring_regex(sentences["text"], f"^(?:{NORMAL_ASCII_TEXT})$").to_pylist()
    broken = [
        row
        for row, (doc_id, start, end, text, is_normal) in enumerate(
            zip(doc_ids, starts, ends, texts, normal, strict=True)
        )
        if not span_traces(raw_texts.get(doc_id, ""), start, end, text, is_normal)
    ]
    first_rows = {doc_id: rank for rank, doc_id in enumerate(dict.fromkeys(doc_ids))}
    problems = [
        f"{doc_ids[row]} [{starts[row]}:{ends[row]}] {texts[row][:60]!r}"
        for row in sorted(broken, key=lambda row: first_rows[doc_ids[row]])  # by document, as they were
    ]
    return Verdict(problems, sentences.num_rows, "sentences")


def sentence_keys_are_unique(rows: Rows) -> Verdict:
    """(doc_id, sentence_idx) is unique, and each document's sentences are numbered 0..n-1."""
    by_doc: dict[str, list[int]] = defaultdict(list)
    for doc_id, index in rows.values("sentences", "doc_id", "sentence_idx"):
        by_doc[doc_id].append(index)
    problems = [
        f"{doc_id}: sentence_idx values are not 0..{len(indices) - 1} without repeats"
        for doc_id, indices in by_doc.items()
        if sorted(indices) != list(range(len(indices)))
    ]
    return Verdict(problems, rows["sentences"].num_rows, "sentences")


def document_keys_are_unique(rows: Rows) -> Verdict:
    """One row per seed file, with the doc_id and seed_file of its partition. Partition files are
    named by doc_id, so this also makes doc_id unique across the whole table."""
    problems = [f"{doc_id}: {n} rows" for (doc_id,), n in _repeated(rows["documents"], "doc_id")]
    problems += [
        f"{doc_id}: seed_file {seed_file!r} is not its partition's {rows.partitions.get(doc_id)!r}"
        for doc_id, seed_file in rows.values("documents", "doc_id", "seed_file")
        if rows.partitions.get(doc_id) != seed_file
    ]
    return Verdict(problems, rows["documents"].num_rows, "documents")


def documents_have_sentences(rows: Rows) -> Verdict:
    """Every accepted document has at least one sentence, and as many as its n_sentences says."""
    counted = rows["sentences"].group_by("doc_id", use_threads=False).aggregate([([], "count_all")])
    found = dict(zip(counted["doc_id"].to_pylist(), counted["count_all"].to_pylist(), strict=True))
    problems = [
        f"{doc_id}: {sentences} sentences, n_sentences says {n_sentences}"
        for doc_id, n_sentences in rows.values("documents", "doc_id", "n_sentences")
        for sentences in [found.get(doc_id, 0)]
        if sentences == 0 or sentences != n_sentences
    ]
    return Verdict(problems, rows["documents"].num_rows, "documents")


def rejections_explain_themselves(rows: Rows) -> Verdict:
    """Every rejected file has a reason a person can read and a known rejection code, and is not
    also an accepted document."""
    rejected = rows["rejected_documents"].to_pylist()
    accepted = set(rows["documents"].column("doc_id").to_pylist())
    problems = [f"{row['seed_file']}: no reason given" for row in rejected if len(row["reason"].strip()) < 10]
    problems += [
        f"{row['seed_file']}: unknown code {row['rejection_code']!r}"
        for row in rejected
        if row["rejection_code"] not in REJECTION_CODES
    ]
    problems += [f"{row['seed_file']}: both rejected and accepted" for row in rejected if row["doc_id"] in accepted]
    return Verdict(problems, len(rejected), "rejections")


def mentions_trace_to_raw_text(rows: Rows) -> Verdict:
    """The lineage rule for mentions: each mention's text is exactly its raw slice, inside its
    sentence (or the headline)."""
    raw_texts, mentions = rows.raw_texts, rows["mention_candidates"]
    columns = [mentions[name].to_pylist() for name in ("doc_id", "sentence_idx", "char_start", "char_end", "text")]
    columns += _inside_sentences(rows, mentions, ("char_start", "char_end"))
    broken = pa.array(
        [
            raw_texts.get(doc_id, "")[start:end] != text
            or (index is not None and not (inside or _inside(rows.sentence_at(doc_id, index), start, end)))
            for doc_id, index, start, end, text, inside in zip(*columns, strict=True)  # index None: headline
        ],
        pa.bool_(),
    )
    problems = [f"{m['mention_id']} {m['text'][:60]!r}" for m in _listed(mentions, broken, "mention_id", "text")]
    return Verdict(problems, mentions.num_rows, "mentions")


def _inside(sentence: tuple[int, int] | None, start: int, end: int) -> bool:
    """Whether the span is non-empty and lies inside the sentence's span."""
    return sentence is not None and sentence[0] <= start < end <= sentence[1]


def _inside_sentences(rows: Rows, table: pa.Table, *spans: tuple[str, str]) -> list[list[bool]]:
    """For each span's columns, whether each row's span is non-empty and inside its sentence, where
    Arrow can tell: in a sentence whose (doc_id, sentence_idx) no other sentence has. False elsewhere
    (a repeated or missing key, nulls), for `_inside` to tell from `Rows.sentence_at`, as it always did."""
    sentences = rows["sentences"]
    doc_ids = pc.unique(sentences["doc_id"])
    keys = _sentence_keys(sentences, doc_ids, missing=-1)
    order = numpy.argsort(keys, kind="stable")
    wanted = _sentence_keys(table, doc_ids, missing=-2)
    ordered = keys[order]
    low, high = numpy.searchsorted(ordered, wanted, "left"), numpy.searchsorted(ordered, wanted, "right")
    found = pa.array(numpy.append(order, 0)[low], mask=high - low != 1)  # the key's one sentence, if one
    first, last = sentences["char_start"].take(found), sentences["char_end"].take(found)
    return [
        pc.fill_null(
            pc.and_(
                pc.and_(pc.less_equal(first, table[start]), pc.less(table[start], table[end])),
                pc.less_equal(table[end], last),
            ),
            False,
        ).to_pylist()
        for start, end in spans
    ]


def _sentence_keys(table: pa.Table, doc_ids: pa.Array, missing: int) -> numpy.ndarray:
    """(doc_id, sentence_idx) of each row as one int64, distinct for distinct pairs: the document's
    place in `doc_ids` above, its sentence_idx (an int32, shifted to be non-negative) below; `missing`
    where either is null or the document has no sentence."""
    document = pc.cast(pc.index_in(table["doc_id"], value_set=doc_ids, skip_nulls=True), pa.int64())
    index = pc.add(pc.cast(table["sentence_idx"], pa.int64()), 2**31)
    return pc.fill_null(pc.add(pc.multiply(document, 2**32), index), missing).to_numpy()


def events_trace_to_raw_text(rows: Rows) -> Verdict:
    """The lineage rule for events: the trigger is exactly its raw slice, and it and the evidence lie
    inside the event's sentence."""
    raw_texts, events = rows.raw_texts, rows["event_candidates"]
    spans = ("char_start", "char_end"), ("trigger_char_start", "trigger_char_end")
    columns = [events[name].to_pylist() for name in ("doc_id", "sentence_idx", "trigger", *spans[0], *spans[1])]
    columns += _inside_sentences(rows, events, *spans)
    broken = pa.array(
        [
            raw_texts.get(doc_id, "")[trigger_start:trigger_end] != text
            or not (evidence_inside or _inside(rows.sentence_at(doc_id, index), start, end))
            or not (trigger_inside or _inside(rows.sentence_at(doc_id, index), trigger_start, trigger_end))
            for doc_id, index, text, start, end, trigger_start, trigger_end, evidence_inside, trigger_inside in zip(
                *columns, strict=True
            )
        ],
        pa.bool_(),
    )
    problems = [f"{e['event_id']} {e['trigger'][:60]!r}" for e in _listed(events, broken, "event_id", "trigger")]
    return Verdict(problems, events.num_rows, "events")


def event_types_in_plover(rows: Rows) -> Verdict:
    """Every event has one of PLOVER's 16 types, a known modality and the CAMEO root of its type
    (or, with a mode, another CAMEO root the mode gives)."""
    events = rows["event_candidates"].select(["event_id", "event_type", "modality", "cameo_root", "mode"]).to_pylist()
    problems = [f"{e['event_id']}: type {e['event_type']!r}" for e in events if e["event_type"] not in PLOVER_TYPES]
    problems += [f"{e['event_id']}: modality {e['modality']!r}" for e in events if e["modality"] not in MODALITIES]
    problems += [
        f"{e['event_id']}: CAMEO root {e['cameo_root']!r} for {e['event_type']} (mode {e['mode']!r})"
        for e in events
        if e["cameo_root"] is not None
        and e["cameo_root"] != CAMEO_ROOTS.get(e["event_type"])
        and (e["mode"] is None or e["cameo_root"] not in CAMEO_ROOT_CODES)
    ]
    return Verdict(problems, len(events), "events")


def mentions_have_entities(rows: Rows) -> Verdict:
    """Every mention but a DATE has an entity that exists; mention ids are unique."""
    mentions = rows["entity_mentions"]
    named = pc.fill_null(pc.not_equal(mentions["label"], "DATE"), True)
    orphan = pc.and_(named, _not_in(mentions["entity_id"], rows["entities"]["entity_id"].combine_chunks()))
    problems = [
        f"{m['mention_id']} ({m['label']}): entity {m['entity_id']!r}"
        for m in _listed(mentions, orphan, "mention_id", "label", "entity_id")
    ]
    problems += [f"{mention_id}: {n} rows" for (mention_id,), n in _repeated(mentions, "mention_id")]
    return Verdict(problems, mentions.num_rows, "mentions")


def entities_have_mentions(rows: Rows) -> Verdict:
    """Every entity has the mentions its n_mentions and n_documents say, and a unique id."""
    counted = (
        rows["entity_mentions"]
        .group_by("entity_id", use_threads=False)
        .aggregate([([], "count_all"), ("doc_id", "count_distinct", pc.CountOptions(mode="all"))])
    )
    columns = (counted[name].to_pylist() for name in ("entity_id", "count_all", "doc_id_count_distinct"))
    found = {entity_id: (n, documents) for entity_id, n, documents in zip(*columns, strict=True)}
    entities = rows["entities"].select(["entity_id", "name", "n_mentions", "n_documents"]).to_pylist()
    problems = [
        f"{e['entity_id']} {e['name']!r}: {mentions} mentions in {documents} documents, "
        f"the row says {e['n_mentions']} in {e['n_documents']}"
        for e in entities
        for mentions, documents in [found.get(e["entity_id"], (0, 0))]
        if mentions == 0 or (mentions, documents) != (e["n_mentions"], e["n_documents"])
    ]
    problems += [f"{entity_id}: {n} rows" for (entity_id,), n in _repeated(rows["entities"], "entity_id")]
    return Verdict(problems, len(entities), "entities")


def event_actors_have_entities(rows: Rows) -> Verdict:
    """Every participant is an existing entity of an existing event, in a known role, once."""
    actors = rows["event_actors"]
    no_entity = _not_in(actors["entity_id"], rows["entities"]["entity_id"].combine_chunks())
    no_event = _not_in(actors["event_id"], rows["events"]["event_id"].combine_chunks())
    problems = [
        f"{a['event_id']}: entity {a['entity_id']!r}" for a in _listed(actors, no_entity, "event_id", "entity_id")
    ]
    problems += [f"{a['event_id']}: no such event" for a in _listed(actors, no_event, "event_id")]
    problems += [
        f"{a['event_id']}: role {a['role']!r}"
        for a in _listed(actors, _not_in(actors["role"], pa.array(ROLES)), "event_id", "role")
    ]
    problems += [f"{key}: {n} rows" for key, n in _repeated(actors, "event_id", "entity_id", "role")]
    return Verdict(problems, actors.num_rows, "event_actors")


def events_have_actors(rows: Rows) -> Verdict:
    """Every event has an actor, unless its type is one news reports with the doer unstated
    (pipelines.events.ACTOR_OPTIONAL_TYPES)."""
    actors, events = rows["event_actors"], rows["events"]
    with_actor = actors.filter(pc.equal(actors["role"], "actor"))["event_id"].combine_chunks()
    needs_actor = _not_in(events["event_type"], pa.array(sorted(ACTOR_OPTIONAL_TYPES)))
    lacking = pc.and_(_not_in(events["event_id"], with_actor), needs_actor)
    problems = [
        f"{e['event_id']} {e['event_type']} {e['trigger']!r}: no actor"
        for e in _listed(events, lacking, "event_id", "event_type", "trigger")
    ]
    return Verdict(problems, events.num_rows, "events")


def _not_in(values: pa.ChunkedArray, known: pa.Array) -> pa.ChunkedArray:
    """Whether each value is not one of the known ones, as Python's `not in` says (None too)."""
    return pc.invert(pc.is_in(values, value_set=known))


def _listed(table: pa.Table, where: pa.Array | pa.ChunkedArray, *names: str) -> list[dict]:
    """Some columns of the rows where `where` holds, in order: only those rows become Python objects."""
    return table.filter(where).select(list(names)).to_pylist()


def _repeated(table: pa.Table, *keys: str) -> list[tuple[tuple, int]]:
    """The keys (None too) of more than one row and their counts, in the order `Counter` lists them.
    Arrow tells whether any key repeats, so that only a table with repeats becomes Python objects."""
    if table.group_by(list(keys), use_threads=False).aggregate([]).num_rows == table.num_rows:
        return []
    counts = Counter(zip(*(table[key].to_pylist() for key in keys), strict=True))
    return [(key, n) for key, n in counts.items() if n > 1]


# Each step's checks, by the asset each one checks, in the order they run.
Check = Callable[[Rows], Verdict]
PER_FILE_CHECKS: tuple[tuple[str, Check], ...] = (
    ("sentences", sentences_trace_to_raw_text),
    ("sentences", sentence_keys_are_unique),
    ("documents", document_keys_are_unique),
    ("documents", documents_have_sentences),
    ("rejected_documents", rejections_explain_themselves),
    ("mention_candidates", mentions_trace_to_raw_text),
    ("event_candidates", events_trace_to_raw_text),
    ("event_candidates", event_types_in_plover),
)
ENTITY_CHECKS: tuple[tuple[str, Check], ...] = (
    ("entity_mentions", mentions_have_entities),
    ("entities", entities_have_mentions),
)
EVENT_CHECKS: tuple[tuple[str, Check], ...] = (
    ("event_actors", event_actors_have_entities),
    ("events", events_have_actors),
)


def _specs(checks: tuple[tuple[str, Check], ...]) -> list[dg.AssetCheckSpec]:
    """Blocking specs of the checks, named and described by their functions."""
    return [
        dg.AssetCheckSpec(check.__name__, asset=asset, blocking=True, description=inspect.getdoc(check))
        for asset, check in checks
    ]


def _selected_results(
    context: dg.AssetCheckExecutionContext, checks: tuple[tuple[str, Check], ...], rows: Rows
) -> Iterator[dg.AssetCheckResult]:
    """The result of each check the run selected, as each one finishes. A check that raises (rows
    it cannot even read) leaves the others to give their results, and then fails the step."""
    errors: list[Exception] = []
    for asset, check in checks:
        if dg.AssetCheckKey(dg.AssetKey(asset), check.__name__) in context.selected_asset_check_keys:
            try:
                verdict = check(rows)
            except Exception as error:
                errors.append(error)
            else:
                yield _result(asset, check.__name__, verdict)
    if errors:
        raise ExceptionGroup("checks that could not run", errors)


@dg.multi_asset_check(specs=_specs(PER_FILE_CHECKS), can_subset=True)
def per_file_checks(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> Iterator[dg.AssetCheckResult]:
    """The checks of the run's partitions of the per-file tables."""
    yield from _selected_results(context, PER_FILE_CHECKS, Rows(warehouse, _run_doc_ids(context)))


@dg.multi_asset_check(specs=_specs(ENTITY_CHECKS), can_subset=True)
def entity_checks(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> Iterator[dg.AssetCheckResult]:
    """The checks of the resolved entities and their mentions."""
    yield from _selected_results(context, ENTITY_CHECKS, Rows(warehouse))


@dg.multi_asset_check(specs=_specs(EVENT_CHECKS), can_subset=True)
def event_checks(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> Iterator[dg.AssetCheckResult]:
    """The checks of the coded events and their participants."""
    yield from _selected_results(context, EVENT_CHECKS, Rows(warehouse))


@dg.asset_check(asset="news_duckdb", blocking=True)
def duckdb_matches_parquet(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every table in news.duckdb holds exactly the rows of its Parquet partitions; if not, the
    briefing is not rendered from it."""
    in_duckdb = warehouse.counts()
    in_parquet = warehouse.parquet_counts()
    problems = [
        f"{table}: {in_duckdb.get(table)} rows in DuckDB, {in_parquet[table]} in Parquet"
        for table in TABLES
        if in_duckdb.get(table) != in_parquet[table]
    ]
    return dg.AssetCheckResult(
        passed=not problems,
        metadata={"database": dg.MetadataValue.path(str(database_path(warehouse.root))), "problems": len(problems)},
    )
