"""One seed file to warehouse rows: a document with its sentences, or a rejection."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
from pathlib import Path

import pytest

from pipelines import PIPELINE_VERSION, documents
from pipelines.documents import (
    AcceptedDocument,
    DocumentOutcome,
    RejectedDocument,
    process_seed_bytes,
    process_seed_file,
    process_seed_files,
)
from pipelines.ingest import doc_id_for, list_seed_files, seed_file_stamp
from pipelines.text import normalize_text

SEEDS_DIR = Path(__file__).parents[2] / "seeds"
MAX_BYTES = 1_000_000

DOCUMENT_COLUMNS = {
    "doc_id",
    "seed_file",
    "seed_sha256",
    "encoding",
    "raw_text",
    "title",
    "clean_text",
    "published_date",
    "date_anchor",
    "date_anchor_method",
    "pipeline_version",
    "title_char_start",
    "title_char_end",
    "published_date_char_start",
    "published_date_char_end",
    "n_paragraphs",
    "n_sentences",
    "seed_size",
    "seed_mtime_ns",
}
SENTENCE_COLUMNS = {"doc_id", "sentence_idx", "char_start", "char_end", "text", "paragraph_idx"}
REJECTION_COLUMNS = {
    "seed_file", "seed_sha256", "reason", "doc_id", "rejection_code", "pipeline_version", "seed_size", "seed_mtime_ns",
}  # fmt: skip

ARTICLE = (
    "Talks open in Astana\n\n"
    "21 December, 2017\n\n"
    "The U.N. envoy met Mr. Smith in Astana on Monday. \u201cWe agree,\u201d he said.\n\n"
    "The talks end on Tuesday.\n\n"
    "Add new comment\n"
)


def accepted(outcome: DocumentOutcome) -> AcceptedDocument:
    assert isinstance(outcome, AcceptedDocument), outcome
    return outcome


def rejected(outcome: DocumentOutcome) -> RejectedDocument:
    assert isinstance(outcome, RejectedDocument), outcome
    return outcome


def assert_rows_trace_back(document: AcceptedDocument) -> None:
    """Sentence rows and the title and date spans obey the lineage rule against `raw_text`."""
    row = document.document
    raw = row["raw_text"]
    assert [s["sentence_idx"] for s in document.sentences] == list(range(row["n_sentences"]))
    for sentence in document.sentences:
        assert sentence["doc_id"] == row["doc_id"]
        assert 0 <= sentence["char_start"] < sentence["char_end"] <= len(raw)
        assert normalize_text(raw[sentence["char_start"] : sentence["char_end"]]) == sentence["text"]
        assert sentence["text"] in row["clean_text"]
        assert 0 <= sentence["paragraph_idx"] < row["n_paragraphs"]
    if row["title"] is not None:
        assert normalize_text(raw[row["title_char_start"] : row["title_char_end"]]) == row["title"]
    if row["published_date"] is not None:
        date_line = raw[row["published_date_char_start"] : row["published_date_char_end"]]
        assert date_line.strip() == date_line and date_line


def test_accepted_rows_have_every_column() -> None:
    data = ARTICLE.encode("utf-8")
    outcome = accepted(process_seed_bytes("sub/a.txt", data))
    row = outcome.document
    assert set(row) == DOCUMENT_COLUMNS
    assert all(set(sentence) == SENTENCE_COLUMNS for sentence in outcome.sentences)
    assert outcome.doc_id == row["doc_id"] == doc_id_for("sub/a.txt")
    assert outcome.seed_file == row["seed_file"] == "sub/a.txt"
    assert row["seed_sha256"] == hashlib.sha256(data).hexdigest()
    assert row["encoding"] == "utf-8"
    assert row["raw_text"] == ARTICLE
    assert row["title"] == "Talks open in Astana"
    assert (row["title_char_start"], row["title_char_end"]) == (0, 20)
    assert row["published_date"] == dt.date(2017, 12, 21)
    assert ARTICLE[row["published_date_char_start"] : row["published_date_char_end"]] == "21 December, 2017"
    assert row["pipeline_version"] == PIPELINE_VERSION
    assert row["clean_text"] == (
        'The U.N. envoy met Mr. Smith in Astana on Monday. "We agree," he said.\n\nThe talks end on Tuesday.'
    )
    assert (row["n_paragraphs"], row["n_sentences"]) == (2, 3)
    assert [(s["paragraph_idx"], s["text"]) for s in outcome.sentences] == [
        (0, "The U.N. envoy met Mr. Smith in Astana on Monday."),
        (0, '"We agree," he said.'),
        (1, "The talks end on Tuesday."),
    ]
    assert_rows_trace_back(outcome)


def test_optional_columns_are_none_without_title_or_date() -> None:
    row = accepted(process_seed_bytes("a.txt", b"One line of article text only.")).document
    assert row["title"] is row["title_char_start"] is row["title_char_end"] is None
    assert row["published_date"] is row["published_date_char_start"] is row["published_date_char_end"] is None


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(
            b"Talks open in Astana\n\nTalks open in Astana\n\n21 December, 2017\n",
            "It holds a headline but no article text.",
            id="title-only",
        ),
        pytest.param(
            b"3 min read\nPhoto: AFP\nAdvertisement\n\nShare on Facebook\n\nAdd new comment\n",
            "It holds no article text.",
            id="all-boilerplate",
        ),
    ],
)
def test_files_without_article_text_are_rejected_as_no_text(data: bytes, reason: str) -> None:
    outcome = rejected(process_seed_bytes("a.txt", data))
    assert set(outcome.rejection) == REJECTION_COLUMNS
    assert outcome.rejection["rejection_code"] == "no_text"
    assert outcome.reason == reason
    assert outcome.rejection["seed_sha256"] == hashlib.sha256(data).hexdigest()
    assert outcome.doc_id == outcome.rejection["doc_id"] == doc_id_for("a.txt")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"  \n\n\t", "whitespace_only", id="whitespace"),
        pytest.param(b"Talks\x00 in Astana", "binary", id="binary"),
    ],
)
def test_undecodable_bytes_are_rejected_with_the_ingest_code(data: bytes, code: str) -> None:
    outcome = rejected(process_seed_bytes("a.txt", data))
    assert set(outcome.rejection) == REJECTION_COLUMNS
    assert outcome.rejection["rejection_code"] == code
    assert outcome.rejection["pipeline_version"] == PIPELINE_VERSION
    assert outcome.reason


ARABIC = (
    "محادثات السلام في أستانا\n\n"
    "بدأت محادثات السلام في أستانا يوم الاثنين. وصلت الوفود.\n\n"
    "قال المبعوث إن المحادثات ستستمر.\n"
)
RUSSIAN = "Мирные переговоры в Астане\n\n«Переговоры начались в понедельник», — сказал он. Делегации прибыли.\n"
CHINESE = "阿斯塔纳和平谈判开始\n\n和平谈判于星期一开始。代表团已经抵达。\n\n特使说：“谈判将继续。”\n"
ALL_CAPS = (
    "TALKS OPEN IN ASTANA\n\n"
    "THE TALKS OPENED ON MONDAY IN THE U.S. EMBASSY. DELEGATIONS ARRIVED FROM RUSSIA!\n\n"
    "MR. SMITH SAID THE TALKS WOULD GO ON.\n"
)
CRLF = ARTICLE.replace("\n", "\r\n")


@pytest.mark.parametrize(
    ("text", "min_sentences"),
    [
        pytest.param(ARABIC, 2, id="arabic"),
        pytest.param(RUSSIAN, 1, id="russian"),
        pytest.param(CHINESE, 2, id="chinese"),
        pytest.param(ALL_CAPS, 2, id="all-caps"),
        pytest.param(CRLF, 3, id="crlf"),
    ],
)
def test_unusual_articles_are_processed_with_lineage(text: str, min_sentences: int) -> None:
    outcome = accepted(process_seed_bytes("a.txt", text.encode("utf-8")))
    assert outcome.document["raw_text"] == text
    assert outcome.document["n_sentences"] == len(outcome.sentences) >= min_sentences
    assert_rows_trace_back(outcome)


def test_non_english_text_is_kept_as_written() -> None:
    for text in (ARABIC, RUSSIAN, CHINESE):
        row = accepted(process_seed_bytes("a.txt", text.encode("utf-8"))).document
        assert row["title"] == text.split("\n", 1)[0]
        first_paragraph = text.split("\n\n")[1].strip()
        assert row["clean_text"].startswith(normalize_text(first_paragraph))


def test_crlf_article_gives_the_same_clean_rows_as_lf() -> None:
    lf = accepted(process_seed_bytes("a.txt", ARTICLE.encode("utf-8")))
    crlf = accepted(process_seed_bytes("a.txt", CRLF.encode("utf-8")))
    assert crlf.document["clean_text"] == lf.document["clean_text"]
    assert crlf.document["published_date"] == lf.document["published_date"]
    assert [s["text"] for s in crlf.sentences] == [s["text"] for s in lf.sentences]


def test_utf16_article_offsets_are_into_the_decoded_text() -> None:
    data = codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le")
    outcome = accepted(process_seed_bytes("a.txt", data))
    assert outcome.document["encoding"] == "utf-16"
    assert outcome.document["raw_text"] == ARTICLE
    assert_rows_trace_back(outcome)


# ---------------------------------------------------------------------------------------------
# process_seed_file
# ---------------------------------------------------------------------------------------------


def test_process_seed_file_reads_and_processes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(ARTICLE.encode("utf-8"))
    outcome = accepted(process_seed_file(tmp_path, "a.txt", MAX_BYTES))
    stamp = seed_file_stamp(tmp_path, "a.txt")
    assert outcome.document == accepted(process_seed_bytes("a.txt", ARTICLE.encode("utf-8"), stamp)).document
    assert stamp is not None and outcome.document["seed_size"] == len(ARTICLE.encode("utf-8")) == stamp.size


def test_process_seed_file_turns_read_failures_into_rejections(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(ARTICLE.encode("utf-8"))
    outcomes = {
        "big.txt": process_seed_file(tmp_path, "big.txt", 10),
        "gone.txt": process_seed_file(tmp_path, "gone.txt", MAX_BYTES),
        "../a.txt": process_seed_file(tmp_path, "../a.txt", MAX_BYTES),
    }
    codes = {name: rejected(outcome).rejection["rejection_code"] for name, outcome in outcomes.items()}
    assert codes == {"big.txt": "too_large", "gone.txt": "missing", "../a.txt": "unsafe_path"}
    for name, outcome in outcomes.items():
        assert set(rejected(outcome).rejection) == REJECTION_COLUMNS
        assert outcome.seed_file == name


def test_worker_processes_give_the_same_outcomes_in_the_same_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "PARALLEL_MIN_FILES", 2)  # five seeds are enough to start the workers
    files = [*sorted(list_seed_files(SEEDS_DIR)), "gone.txt"]
    in_workers = list(process_seed_files(SEEDS_DIR, files, MAX_BYTES, workers=2))
    assert in_workers == list(process_seed_files(SEEDS_DIR, files, MAX_BYTES, workers=1))
    assert [outcome.seed_file for outcome in in_workers] == files


def test_the_seeds_folder_lists_five_files() -> None:
    assert len(list_seed_files(SEEDS_DIR)) == 5


@pytest.mark.parametrize("seed_file", sorted(path.name for path in SEEDS_DIR.glob("*.txt")))
def test_every_seed_file_is_accepted_with_lineage(seed_file: str) -> None:
    outcome = accepted(process_seed_file(SEEDS_DIR, seed_file, MAX_BYTES))
    assert outcome.document["encoding"] == "utf-8"
    assert outcome.document["title"]
    assert outcome.document["n_sentences"] >= outcome.document["n_paragraphs"] > 0
    assert_rows_trace_back(outcome)
