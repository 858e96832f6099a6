"""Where one event or mention comes from: its sentence with the trigger, participants and place marked,
the seed file and its SHA-256, and each span's offsets checked against `raw_text` (the lineage rule)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from warehouse.query import connect

# ANSI colours per role, used when the output is a terminal.
COLOURS = {"trigger": "1;33", "actor": "1;32", "recipient": "1;35", "place": "1;36", "mention": "1;32"}
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Span:
    """A marked span of raw_text: what it is (role), what it stands for, and the text stored for it."""

    role: str
    name: str
    char_start: int
    char_end: int
    stored_text: str


@dataclass(frozen=True)
class Source:
    """The document and sentence a fact was read from."""

    seed_file: str
    seed_sha256: str
    encoding: str
    raw_text: str
    sentence_idx: int | None
    sentence_start: int | None
    sentence_end: int | None
    title_start: int | None
    title_end: int | None


def explain_event(warehouse_dir: Path, event_id: str, colour: bool = False, seeds_dir: Path | None = None) -> str:
    """The event's report, or a KeyError naming the id when the warehouse has no such event."""
    with connect(warehouse_dir) as con:
        event = _one(con, _EVENT_SQL, event_id)
        if event is None:
            raise KeyError(f"No event {event_id!r} in the warehouse (see `SELECT event_id FROM events`).")
        participants = _all(con, _PARTICIPANTS_SQL, event_id)
    source = _source(event)
    spans = [Span("trigger", event["event_type"], event["trigger_char_start"], event["trigger_char_end"],
                  event["trigger"])]  # fmt: skip
    spans += [Span(p["role"], p["name"], p["char_start"], p["char_end"], p["text"]) for p in participants]
    if event["place_start"] is not None:
        spans.append(Span("place", event["place"], event["place_start"], event["place_end"], event["place_text"]))
    date = f"{event['event_date']} ({event['date_precision']})" if event["event_date"] else "undated"
    mode = f" ({event['mode']})" if event["mode"] else ""
    header = [
        f"Event {event_id}",
        f"  {event['event_type']}{mode}, {event['modality']}, {date}; cluster {event['cluster_id']}",
        f"  evidence      raw_text[{event['char_start']}:{event['char_end']}]",
    ]
    return _report(header, source, spans, colour, seeds_dir)


def explain_mention(warehouse_dir: Path, mention_id: str, colour: bool = False, seeds_dir: Path | None = None) -> str:
    """The mention's report, or a KeyError naming the id when the warehouse has no such mention."""
    with connect(warehouse_dir) as con:
        mention = _one(con, _MENTION_SQL, mention_id)
        if mention is None:
            raise KeyError(
                f"No mention {mention_id!r} in the warehouse (see `SELECT mention_id FROM entity_mentions`)."
            )
        events = _all(con, _MENTION_EVENTS_SQL, mention_id)
    entity = f"{mention['name']} ({mention['entity_id']})" if mention["entity_id"] else "none (a DATE)"
    header = [
        f"Mention {mention_id}",
        f"  {mention['label']} -> entity {entity}; found by {mention['method']}, confidence {mention['confidence']}",
    ]
    header += [f"  takes part in  {e['event_id']} ({e['event_type']}, {e['role']})" for e in events]
    span = Span("mention", mention["label"], mention["char_start"], mention["char_end"], mention["text"])
    return _report(header, _source(mention), [span], colour, seeds_dir)


def _report(header: list[str], source: Source, spans: list[Span], colour: bool, seeds_dir: Path | None) -> str:
    """The header, the source file and sentence, the marked sentence and one lineage check per span."""
    lines = [
        *header,
        f"  seed file     {source.seed_file} ({source.encoding})",
        f"  sha256        {source.seed_sha256}",
    ]
    if seeds_dir is not None:
        lines.append(f"  on disk       {_disk_state(seeds_dir / source.seed_file, source.seed_sha256)}")
    if source.sentence_idx is None:
        lines.append(f"  sentence      none: the headline, raw_text[{source.title_start}:{source.title_end}]")
        context = (source.title_start, source.title_end)
    else:
        lines.append(f"  sentence      #{source.sentence_idx}, raw_text[{source.sentence_start}:{source.sentence_end}]")
        context = (source.sentence_start, source.sentence_end)
    lines += ["", "  " + mark_up(source.raw_text, context, spans, colour), ""]
    lines += [_check(source.raw_text, span) for span in sorted(spans, key=lambda span: span.char_start)]
    return "\n".join(lines) + "\n"


def mark_up(raw_text: str, context: tuple[int, int], spans: list[Span], colour: bool) -> str:
    """raw_text[context] on one line with each span marked: `[text](role: name)`, or coloured for a
    terminal; a span overlapping an earlier one, or outside the context, is left unmarked."""
    start, end = context
    pieces, cursor = [], start
    for span in sorted(spans, key=lambda span: (span.char_start, -span.char_end)):
        if span.char_start < cursor or span.char_end > end:
            continue
        pieces.append(raw_text[cursor : span.char_start])
        pieces.append(_marked(raw_text[span.char_start : span.char_end], span, colour))
        cursor = span.char_end
    pieces.append(raw_text[cursor:end])
    return _SPACES.sub(" ", "".join(pieces)).strip()


def _marked(text: str, span: Span, colour: bool) -> str:
    label = span.role if span.role == "mention" else f"{span.role}: {span.name}"
    if colour:
        return f"\x1b[{COLOURS[span.role]}m{text}\x1b[0m\x1b[2m({label})\x1b[0m"
    return f"[{text}]({label})"


def _check(raw_text: str, span: Span) -> str:
    """One lineage line: the slice of raw_text at the span's offsets against the text stored for it."""
    sliced = raw_text[span.char_start : span.char_end]
    verdict = "== stored text ✓" if sliced == span.stored_text else f"!= stored text {span.stored_text!r} ✗"
    return f"  {span.role:<9} raw_text[{span.char_start}:{span.char_end}] = {sliced!r} {verdict}"


def _disk_state(path: Path, sha256: str) -> str:
    """Whether the seed file still holds the bytes the warehouse read."""
    if not path.is_file():
        return f"{path} is gone"
    if hashlib.sha256(path.read_bytes()).hexdigest() == sha256:
        return f"{path}, same SHA-256 ✓"
    return f"{path} has changed since it was processed ✗"


def _source(row: dict[str, Any]) -> Source:
    return Source(
        row["seed_file"], row["seed_sha256"], row["encoding"], row["raw_text"],
        row["sentence_idx"], row["sentence_start"], row["sentence_end"], row["title_start"], row["title_end"],
    )  # fmt: skip


def _all(con: duckdb.DuckDBPyConnection, sql: str, key: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql, [key])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _one(con: duckdb.DuckDBPyConnection, sql: str, key: str) -> dict[str, Any] | None:
    rows = _all(con, sql, key)
    return rows[0] if rows else None


_DOCUMENT_COLUMNS = """d.seed_file, d.seed_sha256, d.encoding, d.raw_text,
       s.sentence_idx, s.char_start AS sentence_start, s.char_end AS sentence_end,
       d.title_char_start AS title_start, d.title_char_end AS title_end"""

_EVENT_SQL = f"""
SELECT e.*, {_DOCUMENT_COLUMNS},
       p.name AS place, m.char_start AS place_start, m.char_end AS place_end, m.text AS place_text
FROM events e
JOIN documents d USING (doc_id)
LEFT JOIN sentences s ON s.doc_id = e.doc_id AND s.sentence_idx = e.sentence_idx
LEFT JOIN entities p ON p.entity_id = e.location_entity_id
LEFT JOIN entity_mentions m ON m.mention_id = e.location_mention_id
WHERE e.event_id = ?
"""

_PARTICIPANTS_SQL = """
SELECT a.role, n.name, m.char_start, m.char_end, m.text
FROM event_actors a
JOIN entities n USING (entity_id)
JOIN entity_mentions m ON m.mention_id = a.mention_id
WHERE a.event_id = ?
ORDER BY m.char_start, a.role
"""

_MENTION_SQL = f"""
SELECT m.*, n.name, {_DOCUMENT_COLUMNS}
FROM entity_mentions m
JOIN documents d USING (doc_id)
LEFT JOIN sentences s ON s.doc_id = m.doc_id AND s.sentence_idx = m.sentence_idx
LEFT JOIN entities n ON n.entity_id = m.entity_id
WHERE m.mention_id = ?
"""

_MENTION_EVENTS_SQL = """
SELECT DISTINCT a.event_id, e.event_type, a.role
FROM event_arguments a
JOIN events e USING (event_id)
WHERE a.mention_id = ?
ORDER BY a.event_id, a.role
"""
