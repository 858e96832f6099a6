"""One seed file to its warehouse rows: a document and its sentences, or a rejection.

The rows are plain dicts keyed by the warehouse's column names.
"""

from __future__ import annotations

import logging
import multiprocessing
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from pipelines import PIPELINE_VERSION
from pipelines.dates import Anchor, infer_anchor
from pipelines.entities import Mention, load_model, recognize
from pipelines.events import Event, extract_events
from pipelines.gazetteer import gazetteer
from pipelines.ingest import (
    FileStamp,
    RejectedFile,
    decode_seed_bytes,
    doc_id_for,
    read_seed_file,
    seed_file_stamp,
    sha256_hex,
)
from pipelines.sentences import Sentence, parse_paragraphs, sentence_pipeline, split_sentences
from pipelines.text import CleanedArticle, clean_article

Row = dict[str, Any]
logger = logging.getLogger(__name__)
# Worker processes pay off from this many files: each takes a few seconds to start (spaCy, the
# gazetteer), against some 30 ms of work per article.
PARALLEL_MIN_FILES = 200
# Files handed to a worker at a time: enough to make the hand-over cheap, few enough that every
# worker stays busy to the end of the run.
WORKER_CHUNK = 8


@dataclass(frozen=True)
class AcceptedDocument:
    doc_id: str
    seed_file: str
    document: Row
    sentences: list[Row]
    mentions: list[Row]
    events: list[Row]
    event_arguments: list[Row]

    @property
    def rows_by_table(self) -> dict[str, list[Row]]:
        """The file's rows by the warehouse table they belong to."""
        return {
            "documents": [self.document],
            "sentences": self.sentences,
            "mention_candidates": self.mentions,
            "event_candidates": self.events,
            "event_arguments": self.event_arguments,
        }


@dataclass(frozen=True)
class RejectedDocument:
    doc_id: str
    seed_file: str
    rejection: Row

    @property
    def reason(self) -> str:
        return self.rejection["reason"]

    @property
    def rows_by_table(self) -> dict[str, list[Row]]:
        """The file's rows by the warehouse table they belong to: its rejection."""
        return {"rejected_documents": [self.rejection]}


DocumentOutcome = AcceptedDocument | RejectedDocument


def process_seed_files(
    seeds_dir: Path, seed_files: Sequence[str], max_bytes: int, model: str | None = None, workers: int = 1
) -> Iterator[DocumentOutcome]:
    """`process_seed_file` for each file, outcomes in the given order; with `workers` > 1 and enough
    files, in that many worker processes. Each file's outcome depends on that file alone, so the
    rows are the same either way; outcomes are handed back one at a time, never all held at once."""
    process = partial(process_seed_file, Path(seeds_dir), max_bytes=max_bytes, model=model)
    if workers <= 1 or len(seed_files) < PARALLEL_MIN_FILES:
        yield from map(process, seed_files)
        return
    # forkserver: workers are forked from a fresh process, never from one running Dagster's threads.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with context.Pool(workers, initializer=_warm_up, initargs=(model,)) as pool:
        yield from pool.imap(process, seed_files, chunksize=WORKER_CHUNK)


def _warm_up(model: str | None) -> None:
    """Load what every file needs once per worker, before its first file."""
    gazetteer()
    sentence_pipeline()
    if model:
        load_model(model)


def process_seed_file(seeds_dir: Path, seed_file: str, max_bytes: int, model: str | None = None) -> DocumentOutcome:
    """Read, decode, clean and split one seed file; every failure becomes a rejection.

    The file's stamp is taken before its bytes are read, so a file that changes meanwhile is
    seen as changed again later rather than never.
    """
    stamp = seed_file_stamp(seeds_dir, seed_file)
    try:
        data = read_seed_file(seeds_dir, seed_file, max_bytes)
    except RejectedFile as rejected:
        return reject(seed_file, rejected, stamp)
    try:
        return process_seed_bytes(seed_file, data, stamp, model)
    except Exception as error:  # one bad file must never stop the run for the others
        logger.exception("The pipeline failed on %s", seed_file)
        return processing_failure(seed_file, sha256_hex(data), error, stamp)


def process_seed_bytes(
    seed_file: str, data: bytes, stamp: FileStamp | None = None, model: str | None = None
) -> DocumentOutcome:
    """Decode, clean, split and recognize a seed file's bytes (`stamp`: the file's size and mtime,
    if known; `model`: a trained spaCy pipeline whose entities join the rules')."""
    try:
        decoded = decode_seed_bytes(seed_file, data)
    except RejectedFile as rejected:
        return reject(seed_file, rejected, stamp)
    article = clean_article(decoded.text)
    paragraphs = parse_paragraphs(article)
    sentences = split_sentences(article, paragraphs)
    if not sentences:
        reason = "It holds a headline but no article text." if article.title else "It holds no article text."
        return reject(seed_file, RejectedFile("no_text", reason, decoded.sha256), stamp)
    doc_id = doc_id_for(seed_file)
    document = {
        "doc_id": doc_id,
        "seed_file": seed_file,
        "seed_sha256": decoded.sha256,
        "encoding": decoded.encoding,
        "raw_text": decoded.text,
        "title": article.title,
        "clean_text": article.clean_text,
        "published_date": article.published_date,
        "pipeline_version": PIPELINE_VERSION,
        "title_char_start": article.title_span[0] if article.title_span else None,
        "title_char_end": article.title_span[1] if article.title_span else None,
        "published_date_char_start": article.published_date_span[0] if article.published_date_span else None,
        "published_date_char_end": article.published_date_span[1] if article.published_date_span else None,
        "n_paragraphs": len(article.paragraphs),
        "n_sentences": len(sentences),
        **stamp_columns(stamp),
    }
    sentence_rows = [
        {
            "doc_id": doc_id,
            "sentence_idx": sentence.sentence_idx,
            "char_start": sentence.char_start,
            "char_end": sentence.char_end,
            "text": sentence.text,
            "paragraph_idx": sentence.paragraph_idx,
        }
        for sentence in sentences
    ]
    title_mentions, paragraph_mentions = recognize_mentions(article, paragraphs, model)
    spans = SpanMapper(article, sentences)
    mention_rows, mention_ids = _mention_rows(doc_id, decoded.text, spans, title_mentions, paragraph_mentions)
    anchor = infer_anchor(article.published_date, [row["text"] for row in mention_rows if row["label"] == "DATE"])
    document["date_anchor"], document["date_anchor_method"] = _anchor_text(anchor), anchor.method
    events = extract_events(paragraphs, paragraph_mentions, anchor)
    event_rows, argument_rows = _event_rows(doc_id, decoded.text, spans, events, mention_ids)
    return AcceptedDocument(doc_id, seed_file, document, sentence_rows, mention_rows, event_rows, argument_rows)


def recognize_mentions(
    article: CleanedArticle, paragraphs: list[Doc], model: str | None
) -> tuple[list[Mention], list[list[Mention]]]:
    """The mentions of the headline (headline offsets) and of each paragraph (paragraph offsets)."""
    title_docs = [sentence_pipeline()(article.raw_text[slice(*article.title_span)])] if article.title_span else []
    found = recognize([*title_docs, *paragraphs], load_model(model) if model else None)
    return (found[0] if title_docs else []), found[len(title_docs) :]


class SpanMapper:
    """Maps a span of a paragraph (clean offsets) or of the headline to raw text and its sentence."""

    def __init__(self, article: CleanedArticle, sentences: list[Sentence]) -> None:
        self.article = article
        self.by_paragraph: dict[int, list[Sentence]] = {}
        for sentence in sentences:
            self.by_paragraph.setdefault(sentence.paragraph_idx, []).append(sentence)
        self.starts = {k: [s.clean_start for s in group] for k, group in self.by_paragraph.items()}

    def in_title(self, start: int, end: int) -> tuple[int, int]:
        title_start = self.article.title_span[0]
        return title_start + start, title_start + end

    def in_paragraph(self, paragraph_idx: int, start: int, end: int) -> tuple[int, int, int | None]:
        """(char_start, char_end, sentence_idx) of a paragraph span."""
        offset = self.article.paragraphs[paragraph_idx].clean_start
        clean_start, clean_end = self.article.offsets.snap(offset + start, offset + end)
        char_start, char_end = self.article.offsets.raw_span(clean_start, clean_end)
        return char_start, char_end, self._sentence_at(paragraph_idx, clean_start)

    def _sentence_at(self, paragraph_idx: int, clean_start: int) -> int | None:
        """The sentence holding a clean offset, by binary search over the paragraph's sentences."""
        group = self.by_paragraph.get(paragraph_idx, [])
        k = bisect_right(self.starts.get(paragraph_idx, []), clean_start) - 1
        return group[k].sentence_idx if k >= 0 and clean_start < group[k].clean_end else None


# Mentions are keyed by identity: an event may name a mention of an earlier paragraph ("the three
# countries"), and equal mentions of two paragraphs are still two mentions.
MentionKey = int


def _mention_rows(
    doc_id: str, raw: str, spans: SpanMapper, title: list[Mention], paragraphs: list[list[Mention]]
) -> tuple[list[Row], dict[MentionKey, str]]:
    """Every mention as a warehouse row, and each mention's id for the events that refer to it."""
    rows: list[Row] = []
    ids: dict[MentionKey, str] = {}
    located = [(m, *spans.in_title(m.start, m.end), None) for m in title]
    located += [
        (m, *spans.in_paragraph(paragraph_idx, m.start, m.end))
        for paragraph_idx, mentions in enumerate(paragraphs)
        for m in mentions
    ]
    for mention, char_start, char_end, sentence_idx in located:
        row = _mention_row(doc_id, raw, char_start, char_end, sentence_idx, mention)
        rows.append(row)
        ids[id(mention)] = row["mention_id"]
    return rows, ids


def _event_rows(
    doc_id: str, raw: str, spans: SpanMapper, events: list[list[Event]], mention_ids: dict[MentionKey, str]
) -> tuple[list[Row], list[Row]]:
    """The events as `event_candidates` rows and their actors and recipients as `event_arguments` rows."""
    event_rows: list[Row] = []
    argument_rows: list[Row] = []

    def mention_id(mention: Mention | None) -> str | None:
        return mention_ids[id(mention)] if mention else None

    for paragraph_idx, paragraph_events in enumerate(events):
        for event in paragraph_events:
            char_start, char_end, sentence_idx = spans.in_paragraph(paragraph_idx, event.start, event.end)
            trigger_start, trigger_end, _ = spans.in_paragraph(paragraph_idx, event.trigger_start, event.trigger_end)
            event_id = f"{doc_id}-{trigger_start}-{trigger_end}-{event.event_type}"
            event_rows.append(
                {
                    "event_id": event_id,
                    "doc_id": doc_id,
                    "sentence_idx": sentence_idx,
                    "char_start": char_start,
                    "char_end": char_end,
                    "trigger": raw[trigger_start:trigger_end],
                    "trigger_char_start": trigger_start,
                    "trigger_char_end": trigger_end,
                    "event_type": event.event_type,
                    "mode": event.mode,
                    "cameo_root": event.cameo_root,
                    "modality": event.modality,
                    "event_date": event.date.value,
                    "date_precision": event.date.precision,
                    "date_method": event.date.method,
                    "date_mention_id": mention_id(event.date_mention),
                    "location_mention_id": mention_id(event.location),
                    "confidence": event.confidence,
                    "method": event.method,
                }
            )
            argument_rows += [
                {
                    "event_id": event_id,
                    "doc_id": doc_id,
                    "mention_id": mention_id(argument.mention),
                    "role": argument.role,
                    "sector": argument.sector,
                }
                for argument in event.arguments
            ]
    return event_rows, argument_rows


def _anchor_text(anchor: Anchor) -> str | None:
    """The anchor as ISO text at its precision: '2017-12-21', '2017', or None."""
    if anchor.date:
        return anchor.date.isoformat()
    return str(anchor.year) if anchor.year else None


def _mention_row(
    doc_id: str, raw: str, char_start: int, char_end: int, sentence_idx: int | None, mention: Mention
) -> Row:
    entry = mention.entry
    return {
        "mention_id": f"{doc_id}-{char_start}-{char_end}",
        "doc_id": doc_id,
        "sentence_idx": sentence_idx,
        "char_start": char_start,
        "char_end": char_end,
        "text": raw[char_start:char_end],
        "label": mention.label,
        "confidence": mention.confidence,
        "method": mention.method,
        "link": entry.link if entry else None,
        "country_iso3": mention.country_iso3,
        "sector": mention.sector,
    }


def stamp_columns(stamp: FileStamp | None) -> Row:
    """The file's size and mtime as it was processed, which let the sensor skip unchanged files."""
    return {"seed_size": stamp.size if stamp else None, "seed_mtime_ns": stamp.mtime_ns if stamp else None}


def reject(seed_file: str, rejected: RejectedFile, stamp: FileStamp | None = None) -> RejectedDocument:
    return RejectedDocument(
        doc_id=doc_id_for(seed_file),
        seed_file=seed_file,
        rejection={
            "seed_file": seed_file,
            "seed_sha256": rejected.sha256,
            "reason": rejected.reason,
            "doc_id": doc_id_for(seed_file),
            "rejection_code": rejected.code,
            "pipeline_version": PIPELINE_VERSION,
            **stamp_columns(stamp),
        },
    )


def processing_failure(seed_file: str, data_sha256: str, error: Exception, stamp: FileStamp | None) -> RejectedDocument:
    """A rejection for a file the pipeline itself failed on."""
    reason = f"The pipeline failed on it ({type(error).__name__}: {error}); the log has the traceback."
    return reject(seed_file, RejectedFile("pipeline_error", reason, data_sha256), stamp)
