"""Blocking checks on every run's partitions: a failure stops `news_duckdb` from being rebuilt,
so readers keep the last good database.

The per-file checks read every row of the run's partitions, but are not themselves partitioned: a
partitioned check records a row per partition in the instance, each holding the run's whole
partition set, which grows with the square of the files in a run (gigabytes at 10,000 files), and
Dagster leaves those rows "planned" when one result covers the range. One result per check and run
says the same thing once."""

from collections import Counter, defaultdict

import dagster as dg

from assets.partitions import doc_id_for_key, run_partition_keys, seed_file_for
from assets.resources import Warehouse
from pipelines.events import ACTOR_OPTIONAL_TYPES, CAMEO_ROOTS, MODALITIES, PLOVER_TYPES, ROLES
from pipelines.ingest import REJECTION_CODES
from pipelines.text import lineage_violations
from warehouse.database import database_path
from warehouse.schema import TABLES

MAX_LISTED = 20
# CAMEO's root codes: a mode may take its type to another root (aerial ASSAULT is 19, FIGHT).
CAMEO_ROOT_CODES = frozenset(f"{code:02d}" for code in range(1, 21))


def _run_doc_ids(context: dg.AssetCheckExecutionContext) -> dict[str, str]:
    """doc_id → seed file for the partitions this run materialized (its partition or range)."""
    keys = run_partition_keys(context.instance, context.run.tags)
    return {doc_id_for_key(key): seed_file_for(key) for key in keys}


def _result(problems: list[str], checked: int, what: str) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=not problems,
        metadata={
            f"{what}_checked": checked,
            "violations": len(problems),
            "first_violations": dg.MetadataValue.md("\n".join(f"- {p}" for p in problems[:MAX_LISTED]) or "none"),
        },
    )


@dg.asset_check(asset="sentences", blocking=True)
def sentences_trace_to_raw_text(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
    """The lineage rule: each sentence's raw slice, normalized, equals its text."""
    doc_ids = set(_run_doc_ids(context))
    documents = warehouse.read("documents", doc_ids).select(["doc_id", "raw_text"]).to_pylist()
    raw_texts = {row["doc_id"]: row["raw_text"] for row in documents}
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    sentences = warehouse.read("sentences", doc_ids).to_pylist()
    for row in sentences:
        spans[row["doc_id"]].append((row["char_start"], row["char_end"], row["text"]))
    problems = [
        f"{doc_id} [{start}:{end}] {text[:60]!r}"
        for doc_id, doc_spans in spans.items()
        for start, end, text in lineage_violations(raw_texts.get(doc_id, ""), doc_spans)
    ]
    return _result(problems, len(sentences), "sentences")


@dg.asset_check(asset="sentences", blocking=True)
def sentence_keys_are_unique(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
    """(doc_id, sentence_idx) is unique, and each document's sentences are numbered 0..n-1."""
    rows = warehouse.read("sentences", set(_run_doc_ids(context))).select(["doc_id", "sentence_idx"]).to_pylist()
    by_doc: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_doc[row["doc_id"]].append(row["sentence_idx"])
    problems = [
        f"{doc_id}: sentence_idx values are not 0..{len(indices) - 1} without repeats"
        for doc_id, indices in by_doc.items()
        if sorted(indices) != list(range(len(indices)))
    ]
    return _result(problems, len(rows), "sentences")


@dg.asset_check(asset="documents", blocking=True)
def document_keys_are_unique(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
    """One row per seed file, with the doc_id and seed_file of its partition. Partition files are
    named by doc_id, so this also makes doc_id unique across the whole table."""
    expected = _run_doc_ids(context)
    rows = warehouse.read("documents", set(expected)).select(["doc_id", "seed_file"]).to_pylist()
    counts = Counter(row["doc_id"] for row in rows)
    problems = [f"{doc_id}: {count} rows" for doc_id, count in counts.items() if count > 1]
    problems += [
        f"{row['doc_id']}: seed_file {row['seed_file']!r} is not its partition's {expected.get(row['doc_id'])!r}"
        for row in rows
        if expected.get(row["doc_id"]) != row["seed_file"]
    ]
    return _result(problems, len(rows), "documents")


@dg.asset_check(asset="documents", blocking=True)
def documents_have_sentences(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every accepted document has at least one sentence, and as many as its n_sentences says."""
    doc_ids = set(_run_doc_ids(context))
    documents = warehouse.read("documents", doc_ids).select(["doc_id", "n_sentences"]).to_pylist()
    found = Counter(warehouse.read("sentences", doc_ids).column("doc_id").to_pylist())
    problems = [
        f"{row['doc_id']}: {found[row['doc_id']]} sentences, n_sentences says {row['n_sentences']}"
        for row in documents
        if found[row["doc_id"]] == 0 or found[row["doc_id"]] != row["n_sentences"]
    ]
    return _result(problems, len(documents), "documents")


@dg.asset_check(asset="rejected_documents", blocking=True)
def rejections_explain_themselves(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every rejected file has a reason a person can read and a known rejection code, and is not
    also an accepted document."""
    doc_ids = set(_run_doc_ids(context))
    rows = warehouse.read("rejected_documents", doc_ids).to_pylist()
    accepted = set(warehouse.read("documents", doc_ids).column("doc_id").to_pylist())
    problems = [f"{row['seed_file']}: no reason given" for row in rows if len(row["reason"].strip()) < 10]
    problems += [
        f"{row['seed_file']}: unknown code {row['rejection_code']!r}"
        for row in rows
        if row["rejection_code"] not in REJECTION_CODES
    ]
    problems += [f"{row['seed_file']}: both rejected and accepted" for row in rows if row["doc_id"] in accepted]
    return _result(problems, len(rows), "rejections")


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


@dg.asset_check(asset="mention_candidates", blocking=True)
def mentions_trace_to_raw_text(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
    """The lineage rule for mentions: each mention's text is exactly its raw slice, inside its
    sentence (or the headline)."""
    doc_ids = set(_run_doc_ids(context))
    raw_texts, sentences = _raw_texts(warehouse, doc_ids), _sentence_spans(warehouse, doc_ids)
    mentions = warehouse.read("mention_candidates", doc_ids).to_pylist()
    problems = [
        f"{m['mention_id']} {m['text'][:60]!r}"
        for m in mentions
        if raw_texts.get(m["doc_id"], "")[m["char_start"] : m["char_end"]] != m["text"]
        or (
            m["sentence_idx"] is not None  # a headline mention has no sentence
            and not _inside(sentences.get((m["doc_id"], m["sentence_idx"])), (m["char_start"], m["char_end"]))
        )
    ]
    return _result(problems, len(mentions), "mentions")


def _raw_texts(warehouse: Warehouse, doc_ids: set[str]) -> dict[str, str]:
    """doc_id → raw_text of the given documents."""
    documents = warehouse.read("documents", doc_ids).select(["doc_id", "raw_text"]).to_pylist()
    return {row["doc_id"]: row["raw_text"] for row in documents}


def _sentence_spans(warehouse: Warehouse, doc_ids: set[str]) -> dict[tuple[str, int], tuple[int, int]]:
    """(doc_id, sentence_idx) → the sentence's span in raw_text, for the given documents."""
    rows = warehouse.read("sentences", doc_ids).select(["doc_id", "sentence_idx", "char_start", "char_end"])
    return {(r["doc_id"], r["sentence_idx"]): (r["char_start"], r["char_end"]) for r in rows.to_pylist()}


def _inside(sentence: tuple[int, int] | None, *spans: tuple[int, int]) -> bool:
    """Whether every span is non-empty and lies inside the sentence's span."""
    return sentence is not None and all(sentence[0] <= start < end <= sentence[1] for start, end in spans)


@dg.asset_check(asset="entity_mentions", blocking=True)
def mentions_have_entities(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every mention but a DATE has an entity that exists; mention ids are unique."""
    entity_ids = set(warehouse.read("entities").column("entity_id").to_pylist())
    mentions = warehouse.read("entity_mentions").select(["mention_id", "label", "entity_id"]).to_pylist()
    problems = [
        f"{m['mention_id']} ({m['label']}): entity {m['entity_id']!r}"
        for m in mentions
        if m["label"] != "DATE" and m["entity_id"] not in entity_ids
    ]
    problems += [f"{mid}: {n} rows" for mid, n in Counter(m["mention_id"] for m in mentions).items() if n > 1]
    return _result(problems, len(mentions), "mentions")


@dg.asset_check(asset="entities", blocking=True)
def entities_have_mentions(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every entity has the mentions its n_mentions and n_documents say, and a unique id."""
    mentions = warehouse.read("entity_mentions").select(["entity_id", "doc_id"]).to_pylist()
    found = Counter(m["entity_id"] for m in mentions)
    documents: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        documents[m["entity_id"]].add(m["doc_id"])
    entities = warehouse.read("entities").select(["entity_id", "name", "n_mentions", "n_documents"]).to_pylist()
    problems = [
        f"{e['entity_id']} {e['name']!r}: {found[e['entity_id']]} mentions in {len(documents[e['entity_id']])} "
        f"documents, the row says {e['n_mentions']} in {e['n_documents']}"
        for e in entities
        if found[e["entity_id"]] == 0
        or found[e["entity_id"]] != e["n_mentions"]
        or len(documents[e["entity_id"]]) != e["n_documents"]
    ]
    problems += [f"{eid}: {n} rows" for eid, n in Counter(e["entity_id"] for e in entities).items() if n > 1]
    return _result(problems, len(entities), "entities")


@dg.asset_check(asset="event_candidates", blocking=True)
def events_trace_to_raw_text(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
    """The lineage rule for events: the trigger is exactly its raw slice, and it and the evidence lie
    inside the event's sentence."""
    doc_ids = set(_run_doc_ids(context))
    raw_texts, sentences = _raw_texts(warehouse, doc_ids), _sentence_spans(warehouse, doc_ids)
    events = warehouse.read("event_candidates", doc_ids).to_pylist()
    problems = [
        f"{e['event_id']} {e['trigger'][:60]!r}"
        for e in events
        if raw_texts.get(e["doc_id"], "")[e["trigger_char_start"] : e["trigger_char_end"]] != e["trigger"]
        or not _inside(
            sentences.get((e["doc_id"], e["sentence_idx"])),
            (e["char_start"], e["char_end"]),
            (e["trigger_char_start"], e["trigger_char_end"]),
        )
    ]
    return _result(problems, len(events), "events")


@dg.asset_check(asset="event_candidates", blocking=True)
def event_types_in_plover(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every event has one of PLOVER's 16 types, a known modality and the CAMEO root of its type
    (or, with a mode, another CAMEO root the mode gives)."""
    events = warehouse.read("event_candidates", set(_run_doc_ids(context))).to_pylist()
    problems = [f"{e['event_id']}: type {e['event_type']!r}" for e in events if e["event_type"] not in PLOVER_TYPES]
    problems += [f"{e['event_id']}: modality {e['modality']!r}" for e in events if e["modality"] not in MODALITIES]
    problems += [
        f"{e['event_id']}: CAMEO root {e['cameo_root']!r} for {e['event_type']} (mode {e['mode']!r})"
        for e in events
        if e["cameo_root"] is not None
        and e["cameo_root"] != CAMEO_ROOTS.get(e["event_type"])
        and (e["mode"] is None or e["cameo_root"] not in CAMEO_ROOT_CODES)
    ]
    return _result(problems, len(events), "events")


@dg.asset_check(asset="event_actors", blocking=True)
def event_actors_have_entities(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every participant is an existing entity of an existing event, in a known role, once."""
    entity_ids = set(warehouse.read("entities").column("entity_id").to_pylist())
    event_ids = set(warehouse.read("events").column("event_id").to_pylist())
    actors = warehouse.read("event_actors").select(["event_id", "entity_id", "role"]).to_pylist()
    problems = [f"{a['event_id']}: entity {a['entity_id']!r}" for a in actors if a["entity_id"] not in entity_ids]
    problems += [f"{a['event_id']}: no such event" for a in actors if a["event_id"] not in event_ids]
    problems += [f"{a['event_id']}: role {a['role']!r}" for a in actors if a["role"] not in ROLES]
    keys = Counter((a["event_id"], a["entity_id"], a["role"]) for a in actors)
    problems += [f"{key}: {n} rows" for key, n in keys.items() if n > 1]
    return _result(problems, len(actors), "event_actors")


@dg.asset_check(asset="events", blocking=True)
def events_have_actors(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Every event has an actor, unless its type is one news reports with the doer unstated
    (pipelines.events.ACTOR_OPTIONAL_TYPES)."""
    actors = warehouse.read("event_actors").select(["event_id", "role"]).to_pylist()
    with_actor = {a["event_id"] for a in actors if a["role"] == "actor"}
    events = warehouse.read("events").select(["event_id", "event_type", "trigger"]).to_pylist()
    problems = [
        f"{e['event_id']} {e['event_type']} {e['trigger']!r}: no actor"
        for e in events
        if e["event_id"] not in with_actor and e["event_type"] not in ACTOR_OPTIONAL_TYPES
    ]
    return _result(problems, len(events), "events")
