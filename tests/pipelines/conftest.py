"""Shared helpers for the pipelines tests: the seed files, and cleaning plus splitting with the lineage rule checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pipelines.sentences import Sentence, split_sentences
from pipelines.text import CleanedArticle, clean_article, lineage_violations, normalize_text

SEEDS_DIR = Path(__file__).parents[2] / "seeds"

Analysed = tuple[CleanedArticle, list[Sentence]]


def check_lineage(article: CleanedArticle, sentences: list[Sentence]) -> None:
    """Every paragraph and sentence maps back to a raw span that normalizes to its clean text."""
    raw = article.raw_text
    for paragraph in article.paragraphs:
        clean = article.clean_text[paragraph.clean_start : paragraph.clean_end]
        raw_start, raw_end = article.offsets.raw_span(paragraph.clean_start, paragraph.clean_end)
        assert 0 <= raw_start < raw_end <= len(raw)
        assert normalize_text(raw[raw_start:raw_end]) == clean
    for sentence in sentences:
        assert 0 <= sentence.char_start < sentence.char_end <= len(raw)
        assert article.clean_text[sentence.clean_start : sentence.clean_end] == sentence.text
        assert normalize_text(raw[sentence.char_start : sentence.char_end]) == sentence.text
    spans = [(sentence.char_start, sentence.char_end, sentence.text) for sentence in sentences]
    assert lineage_violations(raw, spans) == []


def analyse_text(raw: str) -> Analysed:
    """Clean and split `raw`, asserting the lineage rule for every paragraph and sentence."""
    article = clean_article(raw)
    sentences = split_sentences(article)
    check_lineage(article, sentences)
    return article, sentences


@pytest.fixture
def analyse() -> Callable[[str], Analysed]:
    return analyse_text


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """The raw text of every seed file, by name, decoded without touching its newlines."""
    texts = {path.name: path.read_bytes().decode("utf-8") for path in sorted(SEEDS_DIR.glob("*.txt"))}
    assert len(texts) == 5
    return texts
