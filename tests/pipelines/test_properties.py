"""Properties of cleaning and sentence splitting that hold for any text a seed file can decode to."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.sentences import split_sentences
from pipelines.text import _needs_normalizing, clean_article, cleaning_rules, lineage_violations, normalize_text

# Decoded files never hold lone surrogates (strict UTF-8/16/32 refuse them), so neither do these.
ANY_CHAR = st.characters(codec="utf-8")
SPECIAL_CHARS = (
    "\n", "\r", " ", "\t", "\u00a0", "\u2009", "\u201c", "\u201d", "\u2018", "\u2019", "\u2026", "\u2013",
    "\u2014", "\u200b", "\u200d", "\u00ad", "\ufeff", "\ufb01", "\u2028", "\x85", ".",
)  # fmt: skip
NEWS_PIECES = (
    "The", "talks", "said", "Astana", "U.S.", "U.N.", "Mr.", "Jan.", "approx.", "p.m.", "J.", "3.5", "23",
    "?", "!", "...", ",", '"', "'", "(", ")", "[Getty]", "By Jane Doe", "21 December, 2017",
    "3 min read", "Share on Facebook", "in Instagram", "Add new comment", "Vestnik Kavkaza",
)  # fmt: skip
ARBITRARY_TEXT = st.text(st.one_of(ANY_CHAR, st.sampled_from(SPECIAL_CHARS)), max_size=400)
SEPARATORS = (" ", " ", " ", "", "\n", "\n\n", "\r\n", "\u00a0")
NEWSLIKE_TEXT = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(NEWS_PIECES + SPECIAL_CHARS), st.text(ANY_CHAR, max_size=3)),
        st.sampled_from(SEPARATORS),
    ),
    max_size=80,
).map(lambda pieces: "".join(piece + separator for piece, separator in pieces))
LF_TEXT = st.text(
    st.one_of(
        st.characters(codec="utf-8", exclude_characters="\r"),
        st.sampled_from([char for char in SPECIAL_CHARS if char != "\r"]),
    ),
    max_size=300,
)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


def assert_sentences_trace_back(raw: str) -> None:
    article = clean_article(raw)
    sentences = split_sentences(article)
    for sentence in sentences:
        assert 0 <= sentence.char_start < sentence.char_end <= len(raw)
        assert normalize_text(raw[sentence.char_start : sentence.char_end]) == sentence.text
        assert sentence.text == article.clean_text[sentence.clean_start : sentence.clean_end]
        assert sentence.text and sentence.text == sentence.text.strip()
    assert [sentence.sentence_idx for sentence in sentences] == list(range(len(sentences)))
    for before, after in itertools.pairwise(sentences):
        assert before.char_end <= after.char_start
        assert before.clean_end <= after.clean_start
        assert before.paragraph_idx <= after.paragraph_idx
    spans = [(sentence.char_start, sentence.char_end, sentence.text) for sentence in sentences]
    assert lineage_violations(raw, spans) == []


@PROPERTY_SETTINGS
@given(ARBITRARY_TEXT)
def test_sentences_of_arbitrary_text_trace_back(raw: str) -> None:
    assert_sentences_trace_back(raw)


@PROPERTY_SETTINGS
@given(NEWSLIKE_TEXT)
def test_sentences_of_newslike_text_trace_back(raw: str) -> None:
    assert_sentences_trace_back(raw)


@PROPERTY_SETTINGS
@given(ARBITRARY_TEXT)
def test_paragraphs_trace_back_and_make_up_the_clean_text(raw: str) -> None:
    article = clean_article(raw)
    texts = []
    for paragraph in article.paragraphs:
        text = article.clean_text[paragraph.clean_start : paragraph.clean_end]
        start, end = article.offsets.raw_span(paragraph.clean_start, paragraph.clean_end)
        assert normalize_text(raw[start:end]) == text
        texts.append(text)
    assert "\n\n".join(texts) == article.clean_text


@PROPERTY_SETTINGS
@given(ARBITRARY_TEXT)
def test_clean_text_holds_no_replaced_characters(raw: str) -> None:
    clean = clean_article(raw).clean_text
    assert "\r" not in clean
    assert not set(cleaning_rules().replacements) & set(clean)
    assert "   " not in clean


@PROPERTY_SETTINGS
@given(NEWSLIKE_TEXT, st.integers(0, 400), st.integers(0, 400))
def test_text_said_clean_as_it_is_holds_nothing_to_normalize(raw: str, start: int, end: int) -> None:
    if not _needs_normalizing(raw, start, end):
        assert cleaning_rules().normalizable.search(raw, start, end) is None


@PROPERTY_SETTINGS
@given(ARBITRARY_TEXT)
def test_normalize_text_is_idempotent(raw: str) -> None:
    once = normalize_text(raw)
    assert normalize_text(once) == once


@PROPERTY_SETTINGS
@given(LF_TEXT)
def test_crlf_and_cr_newlines_clean_like_lf(raw: str) -> None:
    lf = clean_article(raw)
    for newline in ("\r\n", "\r"):
        other = clean_article(raw.replace("\n", newline))
        assert other.clean_text == lf.clean_text
        assert other.title == lf.title
        assert other.published_date == lf.published_date
        assert [line.rule for line in other.removed] == [line.rule for line in lf.removed]
