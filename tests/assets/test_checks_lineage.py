"""The lineage checks settle most rows in Arrow and leave the rest to Python: on one document made
of the cases that split the two (spans the normalizing changes, astral characters, spans out of
range, empty text, a repeated sentence key, a headline mention), they give the verdicts the rule
gives row by row."""

import shutil
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from assets import checks
from assets.resources import Warehouse
from pipelines.text import normalize_text
from warehouse.parquet import partition_ids, partition_path

RAW = "\U0001f600 Talks\nopen  here. \u201cQuoted\u201d ok. Plain words here. end"


def at(part: str, after: int = 0) -> tuple[int, int]:
    """The span of `part` in RAW, in code points (as Python indexes), from `after` on."""
    start = RAW.index(part, after)
    return start, start + len(part)


FIRST, QUOTED, PLAIN = at("\U0001f600 Talks\nopen  here."), at("\u201cQuoted\u201d ok."), at("Plain words here.")
OK = at("ok")
END = len(RAW)
# (sentence_idx, char_start, char_end, text); the doc_id is the document's unless given.
SENTENCES = [
    (0, *FIRST, "\U0001f600 Talks open here."),  # normalizing changes it; an astral character
    (1, *QUOTED, '"Quoted" ok.'),  # replaced characters
    (2, *PLAIN, "Plain words here."),  # the raw slice as it is
    (3, *at("open  here."), "open  here."),  # the raw slice, but not normalized: broken
    (4, END - 2, END + 3, "end"),  # past the end: broken
    (5, -3, END, "end"),  # a negative start Python would slice from: broken
    (6, 5, 5, ""),  # empty: broken
    (7, 3, 8, "Talks"),  # the astral character counted as two: broken
    (8, *PLAIN, "tampered"),  # broken
    (2, *at("Plain"), "Plain"),  # sentence 2 again: the last of a key is the one mentions are inside
]
GHOST = ("ghost", 0, 0, 3, "abc")  # a sentence of no document: broken
# (sentence_idx, char_start, char_end, text), as mentions and the headline's (None).
MENTIONS = [
    (2, *at("Plain"), "Plain"),
    (2, *at("words"), "words"),  # inside the first sentence 2, not the last: broken
    (0, *at("Talks"), "Talks"),  # after the astral character
    (0, 3, 8, "Talks"),  # the astral character counted as two: broken
    (None, *at("end"), "end"),  # the headline's: no sentence to be inside
    (42, *at("end"), "end"),  # no such sentence: broken
    (None, -3, END, "end"),  # Python's slice, as ever: not broken
    (0, 5, 5, ""),  # empty: broken
]
# (sentence_idx, evidence start, end, trigger, its start, end)
EVENTS = [
    (1, *QUOTED, "ok", *OK),
    (1, *QUOTED, "Plain", *at("Plain")),  # the trigger outside the sentence: broken
    (1, QUOTED[0], END, "ok", *OK),  # the evidence past the sentence: broken
    (1, *QUOTED, "Ok", *OK),  # not the raw slice: broken
    (None, *QUOTED, "ok", *OK),  # no sentence: broken
    (2, *PLAIN, "words", *at("words")),  # inside the first sentence 2, not the last: broken
]


def replace_rows(path: Path, rows: list[dict]) -> None:
    pq.write_table(pa.Table.from_pylist(rows, schema=pq.read_schema(path)), path)


@pytest.fixture(scope="module")
def rows(seeds_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> checks.Rows:
    """The seeds' warehouse with its first document made of the cases above."""
    root = tmp_path_factory.mktemp("lineage") / "warehouse"
    shutil.copytree(seeds_warehouse, root)
    docs = sorted(partition_ids(root, "documents"))
    doc = docs[0]
    tables = ("documents", "sentences", "mention_candidates", "event_candidates")
    files = {table: partition_path(root, table, doc) for table in tables}
    document = pq.read_table(files["documents"]).to_pylist()[0]
    replace_rows(files["documents"], [document | {"raw_text": RAW}])
    sentence = pq.read_table(files["sentences"]).to_pylist()[0]
    names = ("sentence_idx", "char_start", "char_end", "text")
    sentences = [sentence | {"doc_id": doc, **dict(zip(names, row, strict=True))} for row in SENTENCES]
    replace_rows(files["sentences"], [*sentences, sentence | dict(zip(("doc_id", *names), GHOST, strict=True))])
    mention = pq.read_table(files["mention_candidates"]).to_pylist()[0]
    replace_rows(
        files["mention_candidates"],
        [
            mention | {"mention_id": f"m{i}", "doc_id": doc, **dict(zip(names, row, strict=True))}
            for i, row in enumerate(MENTIONS)
        ],
    )
    event = pq.read_table(files["event_candidates"]).to_pylist()[0]
    spans = ("sentence_idx", "char_start", "char_end", "trigger", "trigger_char_start", "trigger_char_end")
    replace_rows(
        files["event_candidates"],
        [
            event | {"event_id": f"e{i}", "doc_id": doc, **dict(zip(spans, row, strict=True))}
            for i, row in enumerate(EVENTS)
        ],
    )
    return checks.Rows(Warehouse(path=str(root)), dict.fromkeys(docs, ""))


def inside(sentence: tuple[int, int] | None, start: int, end: int) -> bool:
    return sentence is not None and sentence[0] <= start < end <= sentence[1]


def by_the_rule(rows: checks.Rows) -> dict[str, list[str]]:
    """Each lineage check's problems as the rule says, row by row in Python, as the checks once did."""
    raw = dict(rows.values("documents", "doc_id", "raw_text"))
    spans = {(doc, index): (start, end) for doc, index, start, end in rows.values("sentences", *SENTENCE_SPAN)}
    by_doc = defaultdict(list)
    for doc, start, end, text in rows.values("sentences", "doc_id", "char_start", "char_end", "text"):
        by_doc[doc].append((start, end, text))
    return {
        "sentences": [
            f"{doc} [{start}:{end}] {text[:60]!r}"
            for doc, doc_spans in by_doc.items()
            for start, end, text in doc_spans
            if not 0 <= start < end <= len(raw.get(doc, "")) or normalize_text(raw.get(doc, "")[start:end]) != text
        ],
        "mentions": [
            f"{mention_id} {text[:60]!r}"
            for mention_id, doc, index, start, end, text in rows.values(
                "mention_candidates", "mention_id", "doc_id", "sentence_idx", "char_start", "char_end", "text"
            )
            if raw.get(doc, "")[start:end] != text
            or (index is not None and not inside(spans.get((doc, index)), start, end))
        ],
        "events": [
            f"{event_id} {text[:60]!r}"
            for event_id, doc, index, start, end, text, trigger_start, trigger_end in rows.values(
                "event_candidates", *EVENT_COLUMNS
            )
            if raw.get(doc, "")[trigger_start:trigger_end] != text
            or not inside(spans.get((doc, index)), start, end)
            or not inside(spans.get((doc, index)), trigger_start, trigger_end)
        ],
    }


SENTENCE_SPAN = ("doc_id", "sentence_idx", "char_start", "char_end")
EVENT_COLUMNS = (
    "event_id",
    "doc_id",
    "sentence_idx",
    "char_start",
    "char_end",
    "trigger",
    "trigger_char_start",
    "trigger_char_end",
)


def test_sentences_as_the_rule_says(rows: checks.Rows) -> None:
    doc = next(iter(rows.partitions))
    broken = [row for i, row in enumerate(SENTENCES) if 3 <= i <= 8]
    expected = [f"{doc} [{start}:{end}] {text!r}" for _, start, end, text in broken]
    assert checks.sentences_trace_to_raw_text(rows).problems == by_the_rule(rows)["sentences"]
    assert by_the_rule(rows)["sentences"] == [*expected, "ghost [0:3] 'abc'"]


def test_mentions_as_the_rule_says(rows: checks.Rows) -> None:
    assert checks.mentions_trace_to_raw_text(rows).problems == by_the_rule(rows)["mentions"]
    assert by_the_rule(rows)["mentions"] == ["m1 'words'", "m3 'Talks'", "m5 'end'", "m7 ''"]


def test_events_as_the_rule_says(rows: checks.Rows) -> None:
    assert checks.events_trace_to_raw_text(rows).problems == by_the_rule(rows)["events"]
    assert by_the_rule(rows)["events"] == ["e1 'Plain'", "e2 'ok'", "e3 'Ok'", "e4 'ok'", "e5 'words'"]
