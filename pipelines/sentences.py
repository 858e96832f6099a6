"""Sentences of a cleaned article: spaCy's English tokenizer and news-aware boundary rules.

The tokenizer already keeps "U.N.", "Jan.", "Mr.", initials and decimals as single tokens; the
rules below decide where sentences end, with the abbreviations and sentence starters of
`lexicons/sentences.toml`. Each sentence's span is mapped back to the raw text.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Token

from pipelines.text import CleanedArticle

COMPONENT_NAME = "news_sentence_boundaries"
# Longest paragraph spaCy is allowed to tokenize; files are capped well below this on ingest.
MAX_PARAGRAPH_CHARS = 50_000_000


@dataclass(frozen=True)
class SentenceRules:
    terminal: frozenset[str]
    closing: frozenset[str]
    leading_abbreviations: frozenset[str]
    split_abbreviations: frozenset[str]
    starters: frozenset[str]


@dataclass(frozen=True)
class Sentence:
    """One sentence: its position in the clean text, its raw span, and its clean text."""

    sentence_idx: int
    paragraph_idx: int
    clean_start: int
    clean_end: int
    char_start: int
    char_end: int
    text: str


@cache
def sentence_rules() -> SentenceRules:
    with resources.files("pipelines.lexicons").joinpath("sentences.toml").open("rb") as handle:
        data = tomllib.load(handle)
    return SentenceRules(
        terminal=frozenset(data["terminal_punctuation"]),
        closing=frozenset(data["closing_punctuation"]),
        leading_abbreviations=frozenset(data["leading_abbreviations"]),
        split_abbreviations=frozenset(data["split_abbreviations"]),
        starters=frozenset(data["sentence_starters"]),
    )


@Language.component(COMPONENT_NAME)
def mark_sentence_starts(doc: Doc) -> Doc:
    """Set `is_sent_start` on every token, so spaCy's `doc.sents` follows the news rules."""
    rules = sentence_rules()
    # One array for all tokens: 1 starts a sentence, -1 does not (spaCy reads it as uint64).
    starts = numpy.full((len(doc), 1), -1, dtype="int64")
    starts[:1] = 1
    for token in doc:
        if _ends_sentence(token, rules):
            following = _after_closing_punctuation(token, rules)
            if following is not None and _starts_sentence(following, rules):
                starts[following.i] = 1
    return doc.from_array([SENT_START], starts.astype("uint64"))


def _ends_sentence(token: Token, rules: SentenceRules) -> bool:
    """Terminal punctuation, or an abbreviation that may also close a sentence ("U.S.", "p.m.")."""
    text = token.text
    if text in rules.terminal:
        previous = token.nbor(-1) if token.i > 0 else None
        splits_abbreviation = (
            text == "."
            and previous is not None
            and not previous.whitespace_
            and previous.lower_ in rules.split_abbreviations
        )
        return _next_is_starter(token, rules) if splits_abbreviation else True
    if len(text) > 1 and text.endswith("."):
        if text.lower() in rules.leading_abbreviations or _is_initial(text):
            return False
        return _next_is_starter(token, rules)
    return False


def _is_initial(text: str) -> bool:
    return len(text) == 2 and text[0].isalpha() and text[0].isupper()


def _next_is_starter(token: Token, rules: SentenceRules) -> bool:
    """The next word starts sentences ("The", or "THE" in an all-capitals text)."""
    if token.i + 1 >= len(token.doc):
        return False
    following = token.nbor(1).text
    return following in rules.starters or (following.isupper() and following.capitalize() in rules.starters)


def _after_closing_punctuation(token: Token, rules: SentenceRules) -> Token | None:
    """The first token after the end mark and any closing quotes or brackets attached to it."""
    doc = token.doc
    index = token.i + 1
    while index < len(doc) and doc[index].text in rules.closing and not doc[index - 1].whitespace_:
        index += 1
    return doc[index] if index < len(doc) else None


def _starts_sentence(token: Token, rules: SentenceRules) -> bool:
    """A capital, a digit, or an opening quote or bracket before one."""
    first = token.text[0]
    if first.isupper() or first.isdigit():
        return True
    if first in "\"'([" and token.i + 1 < len(token.doc):
        following = token.nbor(1).text[0]
        return following.isupper() or following.isdigit()
    return False


@cache
def sentence_pipeline() -> Language:
    """A blank English pipeline with the news sentence rules; built once per process."""
    nlp = spacy.blank("en")
    nlp.add_pipe(COMPONENT_NAME)
    nlp.max_length = MAX_PARAGRAPH_CHARS
    return nlp


def parse_paragraphs(article: CleanedArticle) -> list[Doc]:
    """One spaCy doc per paragraph of the clean text, with the news sentence boundaries set."""
    texts = (article.clean_text[p.clean_start : p.clean_end] for p in article.paragraphs)
    return list(sentence_pipeline().pipe(texts))


def split_sentences(article: CleanedArticle, docs: Sequence[Doc] | None = None) -> list[Sentence]:
    """The article's sentences in order, each with its raw span; none crosses a paragraph.
    `docs`: the article's `parse_paragraphs`, when the caller already has them."""
    return list(_sentences(article, parse_paragraphs(article) if docs is None else docs))


def _sentences(article: CleanedArticle, docs: Iterable[Doc]) -> Iterator[Sentence]:
    index = 0
    for paragraph_idx, (paragraph, doc) in enumerate(zip(article.paragraphs, docs, strict=True)):
        for span in doc.sents:
            clean_start, clean_end = article.offsets.snap(
                paragraph.clean_start + span.start_char, paragraph.clean_start + span.end_char
            )
            char_start, char_end = article.offsets.raw_span(clean_start, clean_end)
            text = article.clean_text[clean_start:clean_end]
            yield Sentence(index, paragraph_idx, clean_start, clean_end, char_start, char_end, text)
            index += 1
