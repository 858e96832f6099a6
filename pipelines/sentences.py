"""Sentences of a cleaned article: spaCy's English tokenizer and news-aware boundary rules.

The tokenizer already keeps "U.N.", "Jan.", "Mr.", initials and decimals as single tokens; the
rules below decide where sentences end, with the abbreviations and sentence starters of
`lexicons/sentences.toml`. Each sentence's span is mapped back to the raw text.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, partial
from importlib import resources
from itertools import compress, count

import numpy
import spacy
from spacy.attrs import ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.strings import StringStore
from spacy.tokens import Doc

from pipelines.caching import WordCache
from pipelines.text import CleanedArticle

COMPONENT_NAME = "news_sentence_boundaries"
# Where the component leaves each token's text and the sentence starts in `doc.user_data`.
WORDS_KEY = f"{COMPONENT_NAME}.words"
SENTENCE_STARTS_KEY = f"{COMPONENT_NAME}.sentence_starts"
NOT_A_START = 2**64 - 1  # SENT_START -1 in uint64
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
    """Set `is_sent_start` on every token, so spaCy's `doc.sents` follows the news rules; each
    token's text and space are read from one array, and only words that may end a sentence are
    looked at further. The words and the sentence starts are left in `doc.user_data` for the
    rules that read the doc next (`token_words`, `sentence_starts`)."""
    rules = sentence_rules()
    orths, spaces = doc.to_array([ORTH, SPACY]).reshape(-1, 2).T.tolist()
    words = token_strings(orths, doc.vocab.strings)
    firsts = {0} if len(doc) else set()  # an empty doc has no sentence
    for i in compress(count(), map(_may_end().__getitem__, words)):
        if _ends_sentence(words, spaces, i, rules):
            following = _after_closing_punctuation(words, spaces, i, rules)
            if following is not None and _starts_sentence(words, following):
                firsts.add(following)
    first_tokens = sorted(firsts)
    # One flag per token: 1 starts a sentence, -1 (as spaCy reads it, in uint64) does not.
    starts = [NOT_A_START] * len(doc)
    for first in first_tokens:
        starts[first] = 1
    doc.user_data[WORDS_KEY], doc.user_data[SENTENCE_STARTS_KEY] = words, first_tokens
    return doc.from_array([SENT_START], numpy.array(starts, dtype="uint64").reshape(-1, 1))


def token_words(doc: Doc) -> list[str]:
    """Each token's text, as the component left it (read from the doc if another pipeline made it); read-only."""
    words = doc.user_data.get(WORDS_KEY)
    return token_strings(doc.to_array(ORTH).tolist(), doc.vocab.strings) if words is None else words


def sentence_starts(doc: Doc) -> list[int]:
    """The first token of each sentence, as `doc.sents` gives them: as the component left them, else
    read from one array instead of through a Span per sentence (the doc must have its sentence
    starts set, as `doc.sents` requires); read-only."""
    starts = doc.user_data.get(SENTENCE_STARTS_KEY)
    if starts is not None:
        return starts
    if not doc.has_annotation("SENT_START"):
        raise ValueError("the doc has no sentence boundaries")
    if not len(doc):
        return []
    flags = doc.to_array(SENT_START)
    return [0, *(numpy.flatnonzero(flags[1:] == 1) + 1).tolist()]


class _Strings(WordCache[int, str]):
    """Strings by their hash, read from spaCy's string store the first time: a hash names the same
    string in every store."""

    store: StringStore  # set by token_strings before each look-up

    def __init__(self) -> None:
        super().__init__(lambda key: self.store[key])


_STRINGS = _Strings()


def token_strings(hashes: list[int], store: StringStore) -> list[str]:
    """The strings of `hashes` (a doc's ORTH column), as the doc's tokens give them."""
    _STRINGS.store = store
    return list(map(_STRINGS.__getitem__, hashes))


@cache
def _may_end() -> WordCache[str, bool]:
    """Whether a word may end a sentence, asked once per word."""
    return WordCache(partial(_may_end_sentence, sentence_rules()))


def _may_end_sentence(rules: SentenceRules, text: str) -> bool:
    """Terminal punctuation or a word ending in a period: the tokens `_ends_sentence` may accept."""
    return text in rules.terminal or (len(text) > 1 and text.endswith("."))


def _ends_sentence(words: list[str], spaces: list[int], i: int, rules: SentenceRules) -> bool:
    """Terminal punctuation, or an abbreviation that may also close a sentence ("U.S.", "p.m.")."""
    text = words[i]
    if text in rules.terminal:
        splits_abbreviation = (
            text == "." and i > 0 and not spaces[i - 1] and words[i - 1].lower() in rules.split_abbreviations
        )
        return _next_is_starter(words, i, rules) if splits_abbreviation else True
    if len(text) > 1 and text.endswith("."):
        if text.lower() in rules.leading_abbreviations or _is_initial(text):
            return False
        return _next_is_starter(words, i, rules)
    return False


def _is_initial(text: str) -> bool:
    return len(text) == 2 and text[0].isalpha() and text[0].isupper()


def _next_is_starter(words: list[str], i: int, rules: SentenceRules) -> bool:
    """The next word starts sentences ("The", or "THE" in an all-capitals text)."""
    if i + 1 >= len(words):
        return False
    following = words[i + 1]
    return following in rules.starters or (following.isupper() and following.capitalize() in rules.starters)


def _after_closing_punctuation(words: list[str], spaces: list[int], i: int, rules: SentenceRules) -> int | None:
    """The first token after the end mark at i and any closing quotes or brackets attached to it."""
    index = i + 1
    while index < len(words) and words[index] in rules.closing and not spaces[index - 1]:
        index += 1
    return index if index < len(words) else None


def _starts_sentence(words: list[str], i: int) -> bool:
    """A capital, a digit, or an opening quote or bracket before one."""
    first = words[i][0]
    if first.isupper() or first.isdigit():
        return True
    if first in "\"'([" and i + 1 < len(words):
        following = words[i + 1][0]
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
