"""One seed file to its warehouse rows: a document and its sentences, or a rejection.

The rows are plain dicts keyed by the warehouse's column names.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines import PIPELINE_VERSION
from pipelines.entities import Mention, load_model, recognize
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


@dataclass(frozen=True)
class AcceptedDocument:
    doc_id: str
    seed_file: str
    document: Row
    sentences: list[Row]
    mentions: list[Row]


@dataclass(frozen=True)
class RejectedDocument:
    doc_id: str
    seed_file: str
    rejection: Row

    @property
    def reason(self) -> str:
        return self.rejection["reason"]


DocumentOutcome = AcceptedDocument | RejectedDocument


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
    mentions = recognize_mentions(decoded.text, article, paragraphs, sentences, model)
    mention_rows = [_mention_row(doc_id, decoded.text, *found) for found in mentions]
    return AcceptedDocument(doc_id, seed_file, document, sentence_rows, mention_rows)


def recognize_mentions(
    raw: str, article: CleanedArticle, paragraphs: list, sentences: list[Sentence], model: str | None
) -> list[tuple[int, int, int | None, Mention]]:
    """Every mention in the headline and the paragraphs as (char_start, char_end, sentence_idx,
    mention), with raw-text offsets; headline mentions have no sentence."""
    title_docs = [sentence_pipeline()(raw[slice(*article.title_span)])] if article.title_span else []
    found = recognize([*title_docs, *paragraphs], load_model(model) if model else None)
    located: list[tuple[int, int, int | None, Mention]] = []
    if title_docs:
        title_start = article.title_span[0]
        located += [(title_start + m.start, title_start + m.end, None, m) for m in found[0]]
    by_paragraph: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        by_paragraph.setdefault(sentence.paragraph_idx, []).append(sentence)
    for paragraph_idx, mentions in enumerate(found[len(title_docs) :]):
        offset = article.paragraphs[paragraph_idx].clean_start
        for mention in mentions:
            clean_start, clean_end = article.offsets.snap(offset + mention.start, offset + mention.end)
            char_start, char_end = article.offsets.raw_span(clean_start, clean_end)
            sentence_idx = next(
                (
                    s.sentence_idx
                    for s in by_paragraph.get(paragraph_idx, [])
                    if s.clean_start <= clean_start < s.clean_end
                ),
                None,
            )
            located.append((char_start, char_end, sentence_idx, mention))
    return located


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
