"""Named-entity recognition for news without a trained model: spaCy's tokenizer, date patterns in
the Matcher's format, the gazetteer (`gazetteer.py`) and contextual rules (`lexicons/entities.toml`).

The recognizer reads one article at a time. It finds runs of capitalized words ("chunks"), cuts
each chunk into known names (places, nationalities, organizations, people), organization and
place patterns ("… Ministry", "Mount …"), titles ("Deputy Foreign Minister") and unknown runs,
which contextual cues classify (a title or role before them, a given name, a speech verb). A
second pass over the article marks later bare surnames of the people it found. Where a trained
spaCy pipeline is given, its entities fill in what the rules left out.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache, partial, reduce
from importlib import resources
from itertools import compress, count, pairwise
from operator import add, or_
from typing import NamedTuple
from weakref import WeakKeyDictionary, ref

import spacy
from spacy.attrs import IDX, SPACY
from spacy.language import Language
from spacy.lexeme import Lexeme
from spacy.tokens import Doc, Token

from pipelines.caching import WordCache
from pipelines.gazetteer import Entry, Gazetteer, Rules, gazetteer, is_common_word, rules
from pipelines.sentences import sentence_starts, token_words

# A name run of these many words or fewer, with no cue at all, is still taken as a person's name
# when none of its words is common English.
UNCUED_NAME_MAX_TOKENS = 3
UNCUED_NAME_MAX_ZIPF = 3.5
# A capitalized word at a sentence start this common in English is an ordinary word ("Recent").
SENTENCE_START_COMMON_ZIPF = 3.0
# A line with this share of capitalized words is a headline in title case: capitals say nothing.
TITLE_CASE_SHARE = 0.7
# "Cheuk-yan", "Wai-ching": a short, rare lower-case syllable hyphenated to a name continues it.
ROMANIZED_SYLLABLE_MAX = 6
ROMANIZED_SYLLABLE_ZIPF = 4.3
ROMAN_NUMERAL = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
# Words before a given name this common are not part of the name ("Administrator Charles Bolden").
TRIM_COMMON_ZIPF = 3.0
# Gazetteer kinds that outweigh a given name of the same spelling ("Jordan", "Georgia").
STRONG_KINDS = frozenset({"country", "nationality", "organization", "state"})
# Words after ", the" searched for a role noun in an apposition.
APPOSITION_WINDOW = 5
# A match report has this many sports words (and a score, "1-0").
SPORTS_MIN_WORDS = 8
SPORTS_MIN_SCORES = 2
SCORE = re.compile(r"\b\d{1,2}\s?-\s?\d{1,2}\b")  # clean text has plain hyphens for dashes
# A capitalized word rarer than this before a town's name makes the town's name a surname.
RARE_NAME_ZIPF = 2.0
# A person whose surname later mentions join must have been found this surely.
KNOWN_PERSON_CONFIDENCE = 0.8
# A capitalized word no rule explains, seen this often in an article, is taken as an organization.
RECURRING_NAME_MIN = 2
# A surname after a given name that is a common word must be rarer than this.
GIVEN_NAME_SURNAME_ZIPF = 4.0
# Words before a name that may give its sector.
SECTOR_WINDOW = 4
# Sectors that qualify another role word ("rebel commander", "opposition leader") and win over it.
QUALIFYING_SECTORS = ("REB", "OPP")
# A place this small right after a given name is part of the person's name.
SMALL_PLACE_IN_NAME = 500_000
# A place in a country the article names, and a national capital, outweigh bigger namesakes.
NAMED_COUNTRY_WEIGHT = 5
SAME_SENTENCE_COUNTRY_WEIGHT = 20
CAPITAL_WEIGHT = 10
TITLE_CASE_COMMON_ZIPF = 4.0
# Labels a trained model may add; its other labels (CARDINAL, WORK_OF_ART…) are not ours.
MODEL_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "DATE"})
# Which label a name spelled like several things is taken for first, after a country.
LABEL_ORDER = {"ORG": 0, "PERSON": 0, "NORP": 1, "LOC": 2, "GPE": 3}


@dataclass(frozen=True)
class Mention:
    """A recognized name: its span in the text it was read from, and what the rules know of it."""

    start: int
    end: int
    label: str
    method: str
    confidence: float
    entry: Entry | None = None
    sector: str | None = None
    country_iso3: str | None = None


class SentenceSpan(NamedTuple):
    """A sentence's token range in its doc: all the rules read of a span of `doc.sents`, without
    spaCy building a Span for each sentence."""

    doc: Doc
    start: int
    end: int


@dataclass(frozen=True)
class _Piece:
    """A token range of a chunk and what it is: a name with a label, a title, or unknown."""

    start: int
    end: int
    kind: str  # "name", "title", "unknown", "skip"
    label: str | None = None
    method: str = ""
    confidence: float = 0.0
    entry: Entry | None = None


class _DocMemo:
    """What the rules read of one doc again and again, worked out once per doc: spaCy joins the
    tokens anew on each `doc.text` and walks the tokens to a token's sentence on each `token.sent`,
    which made recognition quadratic in a paragraph's length (a 5 MB line never finished). Each
    token's text (the sentence component's, `token_words`), lower case (a WordCache) and offset (one
    array of the doc) are read once too, instead of a Token object per token (spaCy builds a new one
    on every `doc[i]`). It holds no reference to its doc, so the doc and its memo go together."""

    def __init__(self, doc: Doc) -> None:
        self.char_starts, spaces = doc.to_array([IDX, SPACY]).reshape(-1, 2).T.tolist()
        self.words = token_words(doc)
        # A word's LOWER is its text in lower case: looked up by the word, whose hash Python keeps.
        self.lowers = list(map(_LOWER.__getitem__, self.words))
        self.spaced = list(map(bool, spaces))
        # As `doc.text` joins them: each token's text and a space where one follows it.
        self.text = "".join(map(add, self.words, map(_SPACE.__getitem__, spaces)))
        self.capitalized = list(map(_CAPITALIZED.__getitem__, self.words))  # `_is_capitalized_word` of each
        self.sentence_starts = sentence_starts(doc)
        self.countries_named: dict[tuple[int, str], bool] = {}

    def sentences(self, doc: Doc) -> Iterator[SentenceSpan]:
        """The doc's sentences, as `doc.sents` gives them."""
        for start, end in pairwise([*self.sentence_starts, len(doc)]):
            yield SentenceSpan(doc, start, end)

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens start..end-1, as `doc[start:end].text`."""
        return self.text[self.char_starts[start] : self.char_end(end)]

    def char_end(self, end: int) -> int:
        """The character offset just past token end-1, as `doc[start:end].end_char`."""
        return self.char_starts[end - 1] + len(self.words[end - 1])

    def hyphenated(self, i: int) -> bool:
        """Tokens i and i + 2 are one hyphenated word, no space by the hyphen ("Nur-Sultan", "al-Assad")."""
        return self.words[i + 1] == "-" and not self.spaced[i] and not self.spaced[i + 1]

    def sentence_bounds(self, i: int) -> tuple[int, int]:
        """The first token of token i's sentence and the token after its last, as `doc[i].sent`."""
        index = bisect_right(self.sentence_starts, i) - 1
        end = self.sentence_starts[index + 1] if index + 1 < len(self.sentence_starts) else len(self.words)
        return self.sentence_starts[index], end

    def names_country(self, iso3: str, sentence: tuple[int, int] | None = None) -> bool:
        """The doc (or one of its sentences, by its token bounds) names the country by a name or a
        nationality word."""
        key = (-1 if sentence is None else sentence[0], iso3)
        named = self.countries_named.get(key)
        if named is None:
            text = self.text if sentence is None else self.span_text(*sentence)
            named = self.countries_named[key] = _country_named_in(iso3, text)
        return named


_SPACE = ("", " ")


_MEMOS: WeakKeyDictionary[Doc, _DocMemo] = WeakKeyDictionary()
# The doc asked about last and its memo: the rules ask about one doc many times in a row, and a
# weak reference's call is cheaper than a look-up in _MEMOS.
_last_memo: tuple[ref[Doc], _DocMemo] | None = None


def _memo(doc: Doc) -> _DocMemo:
    global _last_memo
    last = _last_memo
    if last is not None and last[0]() is doc:
        return last[1]
    memo = _MEMOS.get(doc)
    if memo is None:
        memo = _MEMOS[doc] = _DocMemo(doc)
    _last_memo = (ref(doc), memo)
    return memo


def token_texts(doc: Doc) -> tuple[Sequence[str], Sequence[str], Sequence[bool]]:
    """Each token's text, its lower case and whether a space follows it, read once per doc for the
    entity and the event rules alike; read-only."""
    memo = _memo(doc)
    return memo.words, memo.lowers, memo.spaced


def token_spans(doc: Doc, mentions: Iterable[Mention]) -> list[tuple[int, int, Mention]]:
    """Each mention's token range (as `doc.char_span(..., alignment_mode="expand")`), mentions no
    token range holds left out: a bisection in the memo's offsets where a mention starts and ends on
    token boundaries, as the rules' mentions do, instead of a spaCy Span per mention."""
    memo = _memo(doc)
    spans = []
    for mention in mentions:
        first = bisect_left(memo.char_starts, mention.start)
        last = bisect_left(memo.char_starts, mention.end) - 1
        aligned = first <= last and memo.char_starts[first] == mention.start and memo.char_end(last + 1) == mention.end
        span = (first, last + 1) if aligned else _expanded_span(doc, mention)
        if span is not None:
            spans.append((*span, mention))
    return spans


def _expanded_span(doc: Doc, mention: Mention) -> tuple[int, int] | None:
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return None if span is None else (span.start, span.end)


def sentence_spans(doc: Doc) -> Iterator[SentenceSpan]:
    """The doc's sentences, as `doc.sents` gives them, from the memo's sentence starts."""
    return _memo(doc).sentences(doc)


def _text(doc: Doc) -> str:
    return _memo(doc).text


class _Spans:
    """Fixed character spans that answer "does any of you overlap this range?" in log time."""

    def __init__(self, spans: Iterable[Mention]) -> None:
        ordered = sorted((m.start, m.end) for m in spans)
        self.starts = [start for start, _ in ordered]
        self.max_ends: list[int] = []
        for _, end in ordered:
            self.max_ends.append(max(end, self.max_ends[-1]) if self.max_ends else end)

    def overlap(self, start: int, end: int) -> bool:
        """One span starts before `end` and ends after `start`."""
        before_end = bisect_right(self.starts, end - 1)
        return before_end > 0 and self.max_ends[before_end - 1] > start


def recognize(docs: Sequence[Doc], model: Language | None = None) -> list[list[Mention]]:
    """Mentions in each doc (character offsets into that doc's text); the docs are the parts of one
    article, so a surname found in one part is known in the others."""
    gaz, rule = gazetteer(), rules()
    found = [list(_recognize_doc(doc, gaz, rule)) for doc in docs]
    people = _known_people(docs, found)
    found = [_add_known_surnames(doc, mentions, people) for doc, mentions in zip(docs, found, strict=True)]
    recurring = _recurring_unknown_names(docs, found)
    found = [_add_recurring_names(doc, mentions, recurring) for doc, mentions in zip(docs, found, strict=True)]
    if _is_sports_report(docs, rule):
        found = [_countries_as_teams(doc, mentions, rule) for doc, mentions in zip(docs, found, strict=True)]
    found = [_label_defined_acronyms(doc, mentions) for doc, mentions in zip(docs, found, strict=True)]
    found = [_join_split_names(doc, mentions, gaz, rule) for doc, mentions in zip(docs, found, strict=True)]
    found = [
        [m for m in mentions if not _names_a_vehicle(doc, m, rule)] for doc, mentions in zip(docs, found, strict=True)
    ]
    if model is not None:
        name = f"{model.meta.get('lang', '')}_{model.meta.get('name', '')}"
        found = [_merge_model(mentions, model(_text(doc)), name) for doc, mentions in zip(docs, found, strict=True)]
    return [_with_dates(mentions, _dates(doc)) for doc, mentions in zip(docs, found, strict=True)]


def _with_dates(names: list[Mention], dates: list[Mention]) -> list[Mention]:
    """Names and dates, never two on overlapping spans: a date spelled exactly like a name ("Jan",
    "May") wins, any other date that overlaps a name gives way to it."""
    date_spans = {(d.start, d.end) for d in dates}
    names = [n for n in names if (n.start, n.end) not in date_spans]
    name_spans = _Spans(names)
    dates = [d for d in dates if not name_spans.overlap(d.start, d.end)]
    return sorted(names + dates, key=lambda m: (m.start, m.end))


def _recognize_doc(doc: Doc, gaz: Gazetteer, rule: Rules) -> Iterator[Mention]:
    for sentence in _memo(doc).sentences(doc):
        headline = _is_title_case(sentence)
        for start, end in _chunks(sentence, rule):
            for piece in _segment(doc, start, end, gaz, rule):
                mention = _as_mention(doc, piece, headline, gaz, rule)
                if mention is not None:
                    yield mention


def _is_title_case(sentence: SentenceSpan) -> bool:
    """Headline capitals ("Astana Hosts Preparatory Syria Peace Talks"): most of the sentence's
    ordinary English words, those that name nothing, are capitalized."""
    words = _memo(sentence.doc).words[sentence.start : sentence.end]
    ordinary = list(compress(words, map(_ORDINARY.__getitem__, words)))
    if len(ordinary) < 2:
        return False
    return sum(1 for word in ordinary if word[0].isupper()) / len(ordinary) >= TITLE_CASE_SHARE


def _is_ordinary_word(word: str) -> bool:
    """A common English word of four letters or more that names nothing: its capital in a headline
    says nothing (asked through `_ORDINARY`, once per word)."""
    return (
        word.isalpha() and len(word) > 3 and is_common_word(word, TITLE_CASE_COMMON_ZIPF) and _names_nothing_known(word)
    )


@lru_cache(maxsize=1 << 16)
def _names_nothing_known(word: str) -> bool:
    """The word is no title, portfolio word, non-name, given name or gazetteer name: nothing the
    rules know. Cached: the same words come back in every article."""
    rule, gaz = rules(), gazetteer()
    return (
        word not in rule.person_titles
        and word not in rule.portfolio_words
        and word not in rule.not_names
        and word not in gaz.given_names
        and not gaz.lookup(word)
    )


# ----------------------------------------------------------------------------------------- chunks


def _is_capitalized(token: Token) -> bool:
    return _is_capitalized_word(token.text)


def _is_capitalized_word(text: str) -> bool:
    return text[:1].isupper() and any(c.isalpha() for c in text)


_CAPITALIZED = WordCache(_is_capitalized_word)
_LOWER = WordCache(str.lower)
_LOWER_CASE_WORD = WordCache(lambda word: word.islower() and word.isalpha())
_ORDINARY = WordCache(_is_ordinary_word)


def _chunks(sentence: SentenceSpan, rule: Rules) -> Iterator[tuple[int, int]]:
    """Token ranges of capitalized runs, with name particles ("al-", "de") and organization
    connectors ("of the") inside them; a sentence's first word only when it can be a name."""
    doc, start, end = sentence.doc, sentence.start, sentence.end
    memo = _memo(doc)
    # Only a capitalized word or a name particle can start a name: the others are passed at once.
    particles = map(rule.name_particles.__contains__, memo.lowers[start:end])
    after = start  # the token after the last chunk
    for i in compress(range(start, end), map(or_, memo.capitalized[start:end], particles)):
        if i < after or not _starts_name(doc, i, end, rule) or (i == start and _is_ordinary_first_word(doc, i, rule)):
            continue
        after = i + 1
        while after < end:
            step = _continuation(doc, after, end, rule)
            if not step:
                break
            after += step
        yield i, after


def _starts_name(doc: Doc, i: int, end: int, rule: Rules) -> bool:
    memo = _memo(doc)
    if memo.words[i] in rule.not_names:
        return False
    if memo.capitalized[i]:
        return True
    # "al-Qaeda": a lower-case particle glued by a hyphen to a capitalized word.
    return _particle_bridge(doc, i, end, rule) > 0


def _is_ordinary_first_word(doc: Doc, i: int, rule: Rules) -> bool:
    """A sentence's first word (token i) capitalized only because it comes first ("Recent",
    "Delegations"), unless the capitalized run it starts ends in an organization word ("Civil
    Defense Authority")."""
    memo = _memo(doc)
    text = memo.words[i]
    if gazetteer().lookup(text) or text in gazetteer().given_names or text in rule.person_titles:
        return False
    if _run_ends_in_organization_head(memo, i, rule):
        return False
    if _gazetteer_piece(doc, i, memo.sentence_bounds(i)[1], gazetteer()) is not None:
        return False  # "New Zealand's Prime Minister"
    if i + 1 < len(memo.words) and memo.capitalized[i + 1] and memo.words[i + 1] not in rule.not_names:
        return is_common_word(text, SENTENCE_START_COMMON_ZIPF) and not _could_start_org(text, rule)
    return is_common_word(text, SENTENCE_START_COMMON_ZIPF)


def _run_ends_in_organization_head(memo: _DocMemo, i: int, rule: Rules) -> bool:
    j = i + 1
    while j < len(memo.words) and memo.capitalized[j]:
        j += 1
    return j - i >= 2 and memo.words[j - 1] in rule.organization_heads


def _could_start_org(word: str, rule: Rules) -> bool:
    return word in rule.organization_starts or word in rule.portfolio_words


def _particle_bridge(doc: Doc, i: int, end: int, rule: Rules) -> int:
    """Tokens taken by a particle at i: "al" "-" "Assad" → 2 (the particle and the hyphen); "de"
    "Mistura" → 1; 0 when there is no capitalized name after it."""
    memo = _memo(doc)
    words, word, lower = memo.words, memo.words[i], memo.lowers[i]
    if lower not in rule.name_particles or (memo.capitalized[i] and word not in rule.capitalized_particles):
        return 0
    if i + 2 < end and memo.hyphenated(i):
        return 2 if memo.capitalized[i + 2] else 0
    if memo.spaced[i] and lower not in rule.hyphen_only_particles and i + 1 < end:
        if memo.capitalized[i + 1]:
            return 1
        following = _particle_bridge(doc, i + 1, end, rule)  # "van der Berg"
        return 1 + following if following and not words[i + 1][:1].isupper() else 0
    return 0


def _continuation(doc: Doc, j: int, end: int, rule: Rules) -> int:
    """How many tokens from j continue the chunk (0: it ends before j)."""
    memo = _memo(doc)
    words, lowers, word = memo.words, memo.lowers, memo.words[j]
    if word in rule.not_names and word not in rule.organization_connectors:
        return 0
    if memo.capitalized[j]:
        return 1
    if j + 1 < end and memo.hyphenated(j - 1):
        following = words[j + 1]
        romanized = (
            following.islower()
            and following.isalpha()
            and len(following) <= ROMANIZED_SYLLABLE_MAX
            and not is_common_word(following, ROMANIZED_SYLLABLE_ZIPF)
        )
        return 2 if memo.capitalized[j + 1] or (romanized and not gazetteer().lookup(words[j - 1])) else 0
    bridge = _particle_bridge(doc, j, end, rule)
    if bridge:
        return bridge
    if lowers[j] in rule.organization_connectors and word.islower():
        k = j + 1
        while k < end and lowers[k] == "the":
            k += 1
        if k < end and memo.capitalized[k] and words[k] not in rule.not_names:
            return k - j
    return 0


# --------------------------------------------------------------------------------------- segments


def _segment(doc: Doc, start: int, end: int, gaz: Gazetteer, rule: Rules) -> list[_Piece]:
    """Cut a chunk into names, titles and unknown runs, longest known piece first at each word."""
    memo = _memo(doc)
    pieces: list[_Piece] = []
    k = start
    while k < end:
        best = _best_known(doc, k, end, gaz, rule)
        word = memo.words[k]
        if best is not None:
            pieces.append(best)
            k = best.end
        elif word in rule.person_titles or word in rule.portfolio_words:
            pieces.append(_Piece(k, k + 1, "title"))
            k += 1
        elif word == "-" and pieces and pieces[-1].kind == "unknown" and _hyphenated_name_part(doc, k, end, gaz):
            pieces[-1] = replace(pieces[-1], end=k + 2)  # "Lee Cheuk-yan", "Park Joo-Ho"
            k += 2
        elif word.islower() or word in ("-", "&"):
            particle = memo.lowers[k] in rule.name_particles or word == "-"
            pieces.append(_Piece(k, k + 1, "skip", "particle" if particle else None))
            k += 1
        elif pieces and pieces[-1].kind == "unknown":
            pieces[-1] = replace(pieces[-1], end=k + 1)
            k += 1
        else:
            pieces.append(_Piece(k, k + 1, "unknown"))
            k += 1
    return _join_particles(_drop_norp_before_unknown(pieces))


def _hyphenated_name_part(doc: Doc, k: int, end: int, gaz: Gazetteer) -> bool:
    """The word glued after the hyphen at k continues a name, unless it is a country or a nationality."""
    if k + 1 >= end or not _memo(doc).hyphenated(k - 1):
        return False
    following = _memo(doc).words[k + 1]
    return following.islower() or not any(e.kind in ("country", "nationality") for e in gaz.lookup(following))


def _join_particles(pieces: list[_Piece]) -> list[_Piece]:
    """An unknown run, particles and an unknown run are one name ("Staffan" "de" "Mistura",
    "Suleiman" "al" "-" "Amr", "Joost" "van" "der" "Berg")."""
    joined: list[_Piece] = []
    for piece in pieces:
        particles = 0
        while (
            particles < len(joined)
            and joined[-1 - particles].kind == "skip"
            and joined[-1 - particles].label == "particle"
        ):
            particles += 1
        before = joined[-1 - particles] if particles and particles < len(joined) else None
        if piece.kind == "unknown" and before is not None and before.kind == "unknown":
            del joined[len(joined) - particles :]
            joined[-1] = replace(joined[-1], end=piece.end)
        else:
            joined.append(piece)
    return joined


def _drop_norp_before_unknown(pieces: list[_Piece]) -> list[_Piece]:
    """A nationality glued to an unknown capitalized word names something else ("Arab Spring")."""
    kept = list(pieces)
    for index, piece in enumerate(pieces[:-1]):
        following = pieces[index + 1]
        if piece.label == "NORP" and following.kind == "unknown" and following.start == piece.end:
            kept[index] = replace(piece, kind="skip")
    return kept


def _best_known(doc: Doc, k: int, end: int, gaz: Gazetteer, rule: Rules) -> _Piece | None:
    """The longest of: a gazetteer name, an organization pattern, a place pattern, at token k."""
    candidates = [
        piece
        for piece in (
            _gazetteer_piece(doc, k, end, gaz),
            _organization_piece(doc, k, end, rule),
            _place_piece(doc, k, end, rule),
        )
        if piece is not None
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda piece: (piece.end, piece.method.startswith("gazetteer")))


def _gazetteer_piece(doc: Doc, k: int, end: int, gaz: Gazetteer) -> _Piece | None:
    memo = _memo(doc)
    for n in range(_surface_prefix_tokens(memo, k, min(gaz.max_tokens, end - k), gaz), 0, -1):
        entries = [e for e in gaz.lookup(memo.span_text(k, k + n)) if not _town_in_a_name(doc, k, e, gaz)]
        if entries:
            entry = _pick_entry(entries, doc, k, k + n)
            return _Piece(k, k + n, "name", entry.label, f"gazetteer:{entry.link.split(':')[0]}", 0.95, entry)
    return None


def _surface_prefix_tokens(memo: _DocMemo, k: int, most: int, gaz: Gazetteer) -> int:
    """How many tokens from k on (at most `most`) begin some surface form of the gazetteer: no
    longer run can be a name, so its look-ups are skipped (a name may hold 26 tokens)."""
    begins = _surface_beginnings(gaz)
    n = 0
    while n < most and begins[memo.span_text(k, k + n + 1)]:
        n += 1
    return n


@cache
def _surface_beginnings(gaz: Gazetteer) -> WordCache[str, bool]:
    """Whether a text begins some surface form of the gazetteer, answered once per text."""
    return WordCache(partial(_begins_some, sorted(gaz.entries)))


def _begins_some(surfaces: list[str], text: str) -> bool:
    """Some of the sorted `surfaces` begins with `text`: those that do follow it at once."""
    at = bisect_left(surfaces, text)
    return at < len(surfaces) and surfaces[at].startswith(text)


def _town_in_a_name(doc: Doc, k: int, entry: Entry, gaz: Gazetteer) -> bool:
    """A town's name right after a given name is a surname ("Dean Kamen", "Marc Lamont Hill"), and
    a town named like a given name before a capitalized word is one ("Regina Ip", "Alvin Yeung")."""
    if entry.kind not in ("city", "subdivision"):
        return False
    if _after_rare_name_word(doc, k, gaz):
        return True  # "Valeska Paris"
    if entry.population >= SMALL_PLACE_IN_NAME:
        return False
    memo = _memo(doc)
    words, capitalized = memo.words, memo.capitalized
    after_given_name = k > 0 and words[k - 1] in gaz.given_names and capitalized[k - 1]
    before_surname = (
        words[k] in gaz.given_names
        and k + 1 < len(words)
        and capitalized[k + 1]
        and not gaz.lookup(words[k + 1])
        and words[k + 1] not in rules().not_names
    )
    return after_given_name or before_surname


def _after_rare_name_word(doc: Doc, k: int, gaz: Gazetteer) -> bool:
    """The word before is a capitalized rare word that names nothing known: a given name the
    dictionary lacks ("Valeska"), so the place name after it is a surname."""
    memo = _memo(doc)
    if k == 0 or not memo.capitalized[k - 1] or not memo.spaced[k - 1]:
        return False
    before = memo.words[k - 1]
    return before.isalpha() and not gaz.lookup(before) and not is_common_word(before, RARE_NAME_ZIPF)


def _glued_by_space(left: Token, right: Token) -> bool:
    return left.i + 1 == right.i and left.whitespace_ == " "


def _pick_entry(entries: list[Entry], doc: Doc, start: int, end: int) -> Entry:
    """Among the things a name can be, prefer a country, then organizations and people named
    exactly, then nationalities, then a region where the words around say so ("province of Idlib"), then the place
    in a country the text names, then the most populous."""
    if len(entries) == 1:
        return entries[0]
    region = _says_region(doc, start, end)
    ranks = [
        (entry.kind != "country", LABEL_ORDER.get(entry.label, 4), (entry.subdivision is not None) != region)
        for entry in entries
    ]
    best = min(ranks)
    # The weights search the text for countries, so only the entries that tie on the rest get one.
    tied = [entry for entry, rank in zip(entries, ranks, strict=True) if rank == best]
    if len(tied) == 1:
        return tied[0]
    memo = _memo(doc)
    sentence = memo.sentence_bounds(start)
    return max(tied, key=lambda entry: _weight(entry, memo, sentence))


def _weight(entry: Entry, memo: _DocMemo, sentence: tuple[int, int]) -> int:
    """A place's population, weighted up where the text (or the sentence) names its country and
    where it is a national capital."""
    named_country = entry.country_iso3 is not None and memo.names_country(entry.country_iso3)
    named_nearby = entry.country_iso3 is not None and memo.names_country(entry.country_iso3, sentence)
    return (
        entry.population
        * (NAMED_COUNTRY_WEIGHT if named_country else 1)
        * (SAME_SENTENCE_COUNTRY_WEIGHT if named_nearby else 1)
        * (CAPITAL_WEIGHT if entry.capital_of else 1)
    )


def _says_region(doc: Doc, start: int, end: int) -> bool:
    """ "the province of Idlib", "Idlib province": the name is a region, not its main town."""
    words, lowers = rules().subdivision_words, _memo(doc).lowers
    after = lowers[end] if end < len(lowers) else ""
    before = lowers[start - 2] if start >= 2 and lowers[start - 1] == "of" else ""
    return after in words or before in words


@cache
def _country_patterns() -> dict[str, re.Pattern[str]]:
    """ISO3 → a pattern for the country's names and nationality words."""
    names: dict[str, set[str]] = {}
    for surface, entries in gazetteer().entries.items():
        for entry in entries:
            if (
                entry.label in ("GPE", "NORP")
                and entry.country_iso3
                and (entry.population == 0 and not entry.subdivision)
            ):
                names.setdefault(entry.country_iso3, set()).add(surface)
    return {
        iso3: re.compile(r"\b(" + "|".join(map(re.escape, sorted(words))) + r")\b") for iso3, words in names.items()
    }


def _country_named_in(iso3: str, text: str) -> bool:
    pattern = _country_patterns().get(iso3)
    return bool(pattern and pattern.search(text))


def _organization_piece(doc: Doc, k: int, end: int, rule: Rules) -> _Piece | None:
    """From k to the last organization head word of the chunk ("Council of the Russian Diplomats
    Association", "Turkish Foreign Ministry"), or a whole chunk opened by an organization word
    ("Jaysh al-Islam", "Ministry of Defence"); never across a person's title."""
    memo = _memo(doc)
    words = memo.words
    if words[k] in rule.person_titles or not memo.capitalized[k]:
        return None
    last_head = None
    only_places = True  # tokens k..j-1 are nationalities, places and hyphens ("Kurdish-Arab")
    for j in range(k, end):
        text = words[j]
        if text in rule.person_titles and text not in rule.organization_heads:
            break
        only_places = only_places and (j == k or _is_place_word(words[j - 1]))
        if j > k and only_places and _known_name_starts(doc, j, end):
            break  # "Kurdish-Arab | Syrian Democratic Forces"
        if (text in rule.organization_heads or text in rule.event_heads) and memo.capitalized[j]:
            last_head = j
    if last_head is not None and not _person_before_connector(doc, k, last_head, rule):
        stop = end if last_head + 1 < end and memo.lowers[last_head + 1] == "of" else last_head + 1
        if words[last_head] in rule.event_heads:
            return _Piece(k, stop, "name", "EVENT", "rule:event_head", 0.8)
        return _Piece(k, stop, "name", "ORG", "rule:organization_head", 0.85)
    if words[k] in rule.organization_starts and end - k >= 2:
        stop = next((j for j in range(k + 1, end) if words[j] in rule.person_titles), end)
        if stop - k >= 2 and words[k] in rule.place_suffixes["FAC"]:
            return _Piece(k, stop, "name", "FAC", "rule:facility_start", 0.8)  # "Museum of Flight"
        if stop - k >= 2:
            return _Piece(k, stop, "name", "ORG", "rule:organization_start", 0.8)
    return None


def _is_place_word(word: str) -> bool:
    """A nationality, a place or a hyphen: what may stand before a known name inside an organization's run."""
    return word == "-" or any(e.label in ("NORP", "GPE") for e in gazetteer().lookup(word))


def _person_before_connector(doc: Doc, k: int, head: int, rule: Rules) -> bool:
    """ "Fernando Cheung of the Labour Party": the words before "of" name no organization."""
    words = _memo(doc).words
    connector = next((j for j in range(k + 1, head) if words[j].islower()), None)
    if connector is None:
        return False
    before = words[k:connector]
    organization_words = rule.organization_heads | rule.organization_starts | rule.portfolio_words
    return not any(word in organization_words for word in before)


def _known_name_starts(doc: Doc, j: int, end: int) -> bool:
    """A gazetteer organization or person starts at token j ("Kurdish-Arab | Syrian Democratic Forces")."""
    piece = _gazetteer_piece(doc, j, end, gazetteer())
    return piece is not None and piece.label in ("ORG", "PERSON") and piece.end - piece.start > 1


def _place_piece(doc: Doc, k: int, end: int, rule: Rules) -> _Piece | None:
    """ "Aral Sea", "Rixos President Hotel" (suffix words), "Mount Everest" (prefix words)."""
    memo = _memo(doc)
    words = memo.words
    after = words[k + 1 : end]
    for label, suffixes in rule.place_suffixes.items():
        if suffixes.isdisjoint(after):
            continue
        head = next((j for j in range(end - 1, k, -1) if words[j] in suffixes), None)
        if head is not None:
            return _Piece(k, head + 1, "name", label, "rule:place_suffix", 0.8)
    for label, prefix_words in _place_prefixes().get(words[k], ()):
        n = len(prefix_words)
        if k + n < end and words[k : k + n] == prefix_words and memo.capitalized[k + n]:
            return _Piece(k, end, "name", label, "rule:place_prefix", 0.8)
    return None


@cache
def _place_prefixes() -> dict[str, list[tuple[str, list[str]]]]:
    """Place prefixes by their first word, each with its label and words, labels in the lexicon's
    order: one look-up per word instead of a comparison per prefix."""
    index: dict[str, list[tuple[str, list[str]]]] = {}
    for label, prefixes in rules().place_prefixes.items():
        for prefix in prefixes:
            words = prefix.split()
            index.setdefault(words[0], []).append((label, words))
    return index


# ------------------------------------------------------------------------------------ classifying


def _as_mention(doc: Doc, piece: _Piece, headline: bool, gaz: Gazetteer, rule: Rules) -> Mention | None:
    if piece.kind == "name":
        return _mention(doc, piece.start, piece.end, piece.label, piece.method, piece.confidence, piece.entry, rule)
    if piece.kind != "unknown" or headline:
        return None
    start, end = _trim_unknown(doc, piece.start, piece.end, gaz, rule)
    if start >= end:
        return None
    cue = _person_cue(doc, start, end, gaz, rule)
    if cue:
        return _mention(doc, start, end, "PERSON", f"rule:{cue}", 0.85, None, rule)
    words = _memo(doc).words
    if all(_is_acronym(word) for word in words[start:end]):
        return _mention(doc, start, end, "ORG", "rule:acronym", 0.6, None, rule)
    if end - start == 1 and _is_camel_case(words[start]):
        return _mention(doc, start, end, "ORG", "rule:brand_name", 0.6, None, rule)
    if _looks_like_name(doc, start, end):
        return _mention(doc, start, end, "PERSON", "rule:name_shape", 0.6, None, rule)
    if end - start == 1 and words[start] in gaz.given_names and words[start] not in gaz.common_given_names:
        return _mention(doc, start, end, "PERSON", "rule:given_name", 0.6, None, rule)
    return None


def _is_acronym(text: str) -> bool:
    """ "NATO", "U.N.", "KCNA": capitals only, not a roman numeral ("XVII")."""
    letters = text.replace(".", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper() and not ROMAN_NUMERAL.fullmatch(letters)


def _is_camel_case(text: str) -> bool:
    """ "PlayStation", "YouTube": a capital inside a word names a brand or a company."""
    return text.isalpha() and not text.isupper() and any(c.isupper() for c in text[1:])


def _trim_unknown(doc: Doc, start: int, end: int, gaz: Gazetteer, rule: Rules) -> tuple[int, int]:
    """Drop ordinary words before a given name ("Affairs Hussein Gabri Ansari" → the name)."""
    words = _memo(doc).words
    for j in range(start, end):
        if words[j] in gaz.given_names:
            if all(is_common_word(word, TRIM_COMMON_ZIPF) or word in rule.not_names for word in words[start:j]):
                return j, end
            break
    while start < end and words[start] in rule.not_names:
        start += 1
    return start, end


def _person_cue(doc: Doc, start: int, end: int, gaz: Gazetteer, rule: Rules) -> str | None:
    """Why a run of capitalized words is a person's name, or None."""
    memo = _memo(doc)
    words, lowers = memo.words, memo.lowers
    if start > 0 and (words[start - 1] in rule.person_titles or words[start - 1] in rule.portfolio_words):
        return "title"
    if start > 0 and lowers[start - 1] in rule.roles:
        return "role"
    if end - start >= 2 and _starts_with_given_name(doc, start, end, gaz):
        return "given_name"
    if any(lowers[j] in rule.name_particles and not memo.capitalized[j] for j in range(start + 1, end)):
        return "name_particle"
    if _apposition_follows(doc, end, rule):
        return "apposition"
    speaker = end - start >= 2 or not is_common_word(words[start], UNCUED_NAME_MAX_ZIPF)
    if speaker and end < len(words) and lowers[end] in rule.speech_verbs:
        return "speech_verb"
    if speaker and _follows_phrase(doc, start, rule.before_name[:3]):
        return "speech_verb"
    return None


def _apposition_follows(doc: Doc, end: int, rule: Rules) -> bool:
    """ ", the Kazakh deputy envoy", ", a spokesman for …", ", 45,": a role or an age after a name."""
    memo = _memo(doc)
    if end + 1 >= len(memo.words) or memo.words[end] != ",":
        return False
    window = memo.lowers[end + 1 : end + 1 + APPOSITION_WINDOW]
    if len(window) >= 2 and memo.words[end + 2] == "," and doc[end + 1].like_num:
        return True
    if window[0] not in ("the", "a", "an", "its", "his", "her", "their"):
        return False
    return any(lower in rule.roles for lower in window[1:])


def _starts_with_given_name(doc: Doc, start: int, end: int, gaz: Gazetteer) -> bool:
    """ "Hossein Jaberi Ansari"; a given name that is also a common word ("Mark") only before a rare
    surname ("Mark Zuckerberg")."""
    words = _memo(doc).words
    first = words[start]
    if first not in gaz.given_names or any(e.kind in STRONG_KINDS for e in gaz.lookup(first)):
        return False
    return first not in gaz.common_given_names or not is_common_word(words[end - 1], GIVEN_NAME_SURNAME_ZIPF)


def _follows_phrase(doc: Doc, start: int, phrases: Iterable[tuple[str, ...]]) -> bool:
    lowers = _memo(doc).lowers
    for phrase in phrases:
        n = len(phrase)
        if start >= n and tuple(lowers[start - n : start]) == phrase:
            return True
    return False


def _looks_like_name(doc: Doc, start: int, end: int) -> bool:
    """Two or three capitalized words, none of them common English: most such runs are people."""
    words = [word for word in _memo(doc).words[start:end] if word.isalpha()]  # spaCy's is_alpha
    return 2 <= len(words) <= UNCUED_NAME_MAX_TOKENS and not any(
        is_common_word(word, UNCUED_NAME_MAX_ZIPF) for word in words
    )


def _mention(
    doc: Doc, start: int, end: int, label: str, method: str, confidence: float, entry: Entry | None, rule: Rules
) -> Mention:
    memo = _memo(doc)
    char_end = memo.char_end(end)
    actor = label in ("ORG", "PERSON")
    country = entry.country_iso3 if entry else (_country_of(doc, start, end, rule) if actor else None)
    sector = (entry.sector if entry else None) or (_sector(doc, start, end) if actor else None)
    return Mention(memo.char_starts[start], char_end, label, method, confidence, entry, sector, country)


def _country_of(doc: Doc, start: int, end: int, rule: Rules) -> str | None:
    """The country a nationality or country inside the name gives ("Egyptian Foreign Ministry"),
    else the one before its title."""
    for word in _memo(doc).words[start:end]:
        for entry in gazetteer().lookup(word):
            if entry.kind in ("country", "nationality") and entry.country_iso3:
                return entry.country_iso3
    return _country_before(doc, start, rule)


def _country_before(doc: Doc, start: int, rule: Rules) -> str | None:
    """The country a name belongs to by a nationality or a possessive before its title or role
    ("Russian President Vladimir Putin", "Russia's chief negotiator Alexander Lavrentyev")."""
    memo = _memo(doc)
    words, lowers = memo.words, memo.lowers
    j = start - 1
    while j >= 0 and (
        words[j] in rule.person_titles
        or words[j] in rule.portfolio_words
        or lowers[j] in rule.roles
        or lowers[j] in ("top", "special", "senior", "deputy", "chief", "his", "her", "their")
    ):
        j -= 1
    possessive = j >= 1 and words[j] in ("'s", "'")
    if possessive:
        j -= 1
    if j < 0 or j == start - 1:
        return None
    for entry in gazetteer().lookup(words[j]):
        if entry.country_iso3 and (entry.label == "NORP" or (possessive and entry.label == "GPE")):
            return entry.country_iso3
    return None


def _sector(doc: Doc, start: int, end: int) -> str | None:
    """The actor sector the name or the words just before it in its sentence say ("Foreign
    Ministry" → GOV): the cue nearest the name's end wins, but a rebel or opposition cue outranks
    the role it qualifies ("rebel commander" → REB, not MIL)."""
    memo = _memo(doc)
    first = max(memo.sentence_bounds(start)[0], start - SECTOR_WINDOW)
    words = memo.lowers[first:end]
    ends: dict[str, int] = {}
    for n, cues in _sector_cues().items():
        for i in range(len(words) - n + 1):
            for sector in cues.get(" ".join(words[i : i + n]), ()):
                ends[sector] = max(ends.get(sector, 0), i + n)
    if not ends:
        return None
    found = {sector: ends[sector] for sector in rules().sectors if sector in ends}
    qualifying = [sector for sector in QUALIFYING_SECTORS if sector in found]
    return qualifying[0] if qualifying else max(found, key=lambda sector: found[sector])


@cache
def _sector_cues() -> dict[int, dict[str, tuple[str, ...]]]:
    """Sector cues by their number of words, each with the sectors it gives: one look-up per word
    position instead of a comparison per cue."""
    index: dict[int, dict[str, tuple[str, ...]]] = {}
    for sector, cues in rules().sectors.items():
        for cue in cues:
            by_text = index.setdefault(len(cue.split()), {})
            by_text[cue] = (*by_text.get(cue, ()), sector)
    return index


# --------------------------------------------------------------------------------- whole article


def _known_people(docs: Sequence[Doc], found: Sequence[list[Mention]]) -> dict[str, Mention]:
    """Surname → the first full-name mention it belongs to, across the article; only names a cue
    or the gazetteer vouches for, not bare name shapes ("Warhol Polaroids")."""
    people: dict[str, Mention] = {}
    for doc, mentions in zip(docs, found, strict=True):
        text = _text(doc)
        for mention in mentions:
            if mention.label == "PERSON" and mention.confidence >= KNOWN_PERSON_CONFIDENCE:
                words = text[mention.start : mention.end].replace("-", " ").split()
                if len(words) >= 2:
                    people.setdefault(words[-1], mention)
    return people


def _add_known_surnames(doc: Doc, mentions: list[Mention], people: dict[str, Mention]) -> list[Mention]:
    """A later bare surname of a person named in the article is that person ("Lavrentyev said"),
    even where a town has the same name ("Valeska Paris … Paris claims")."""
    memo = _memo(doc)
    text = memo.text
    mentions = [m for m in mentions if not (_is_town(m) and text[m.start : m.end] in people)]
    taken = _covered_chars(text, mentions)
    added = []
    for i in compress(count(), map(people.__contains__, memo.words)):
        word, char_start = memo.words[i], memo.char_starts[i]
        if memo.capitalized[i] and not taken[char_start]:
            person = people[word]
            added.append(
                Mention(
                    char_start,
                    char_start + len(word),
                    "PERSON",
                    "rule:known_surname",
                    0.8,
                    person.entry,
                    person.sector,
                    person.country_iso3,
                )
            )
    return mentions + added


def _covered_chars(text: str, mentions: Iterable[Mention]) -> bytearray:
    """One flag per character of the text (and one past its end): whether a mention covers it."""
    covered = bytearray(len(text) + 1)
    for mention in mentions:
        covered[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
    return covered


def _uncovered_capitalized_words(doc: Doc, mentions: list[Mention]) -> list[int]:
    """The token indices of capitalized words that no mention covers, sentence starts included."""
    memo = _memo(doc)
    covered = _covered_chars(memo.text, mentions)
    return [
        i
        for i, (capitalized, char_start) in enumerate(zip(memo.capitalized, memo.char_starts, strict=True))
        if capitalized and not covered[char_start]
    ]


def _recurring_unknown_names(docs: Sequence[Doc], found: Sequence[list[Mention]]) -> set[str]:
    """Words the article capitalizes at least twice (once mid-sentence at least), more often than
    it writes them in lower case, mostly without "the" (things take it: "the Hajj", "the
    Internet"), and no rule explains ("Scientology", "Twitter"): names of organizations, mostly."""
    counts: Counter[str] = Counter()
    mid_sentence: set[str] = set()
    for doc, mentions in zip(docs, found, strict=True):
        memo = _memo(doc)
        words = memo.words
        uncovered_at = _uncovered_capitalized_words(doc, mentions)
        uncovered = [words[i] for i in uncovered_at]
        sentence_starts = set(memo.sentence_starts)
        mid_sentence |= {words[i] for i in uncovered_at if i not in sentence_starts}
        counts.update(
            word for word in uncovered if word.isalpha() and not word.isupper() and _names_nothing_known(word)
        )
    recurring = {word: n for word, n in counts.items() if n >= RECURRING_NAME_MIN and word in mid_sentence}
    if not recurring:
        return set()  # most articles: the lower-case and "the" counts below are not needed
    lower: Counter[str] = Counter()
    after_the: Counter[str] = Counter()
    for doc in docs:
        words, lowers = _memo(doc).words, _memo(doc).lowers
        lower.update(compress(lowers, map(_LOWER_CASE_WORD.__getitem__, words)))
        after_the.update(compress(words[1:], map("the".__eq__, lowers)))
    return {word for word, n in recurring.items() if lower[word.lower()] < n and after_the[word] * 2 < n}


def _add_recurring_names(doc: Doc, mentions: list[Mention], recurring: set[str]) -> list[Mention]:
    memo = _memo(doc)
    words = memo.words
    added = [
        Mention(memo.char_starts[i], memo.char_end(i + 1), "ORG", "rule:recurring_name", 0.5)
        for i in _uncovered_capitalized_words(doc, mentions)
        if words[i] in recurring
        and not (i + 1 < len(words) and memo.capitalized[i + 1])
        and not (i > 0 and memo.capitalized[i - 1])
    ]
    return mentions + added


def _is_sports_report(docs: Sequence[Doc], rule: Rules) -> bool:
    """A match report: many words only match reports use, and scores (not day ranges after a month)."""
    words = sum(sum(map(rule.sports_words.__contains__, _memo(doc).lowers)) for doc in docs)
    if words < SPORTS_MIN_WORDS:
        return False  # most articles: their scores need not be searched for
    texts = [_text(doc) for doc in docs]
    scores = sum(1 for text in texts for match in SCORE.finditer(text) if not _after_month(text, match.start()))
    return scores >= SPORTS_MIN_SCORES


def _after_month(text: str, index: int) -> bool:
    words = text[max(0, index - 12) : index].split()
    return bool(words) and words[-1] in _month_words()


@cache
def _month_words() -> frozenset[str]:
    with resources.files("pipelines.lexicons").joinpath("entities.toml").open("rb") as handle:
        return frozenset(tomllib.load(handle)["dates"]["words"]["months"])


def _countries_as_teams(doc: Doc, mentions: list[Mention], rule: Rules) -> list[Mention]:
    """In a match report a country that plays is its national team, an organization ("Sweden
    defeated South Korea 1-0"); where the match is played stays a place ("in Russia")."""
    teams = []
    for mention in mentions:
        entry = mention.entry
        span = doc.char_span(mention.start, mention.end)
        before = doc[span.start - 1].lower_ if span is not None and span.start > 0 else ""
        if entry is not None and entry.kind == "country" and before not in rule.place_prepositions:
            teams.append(
                replace(mention, label="ORG", method="rule:sports_team", entry=None, country_iso3=entry.country_iso3)
            )
        else:
            teams.append(mention)
    return teams


def _join_split_names(doc: Doc, mentions: list[Mention], gaz: Gazetteer, rule: Rules) -> list[Mention]:
    """One person's name found in two parts is one mention ("Leung" "Che-cheung"); a lone surname
    takes the given name just before it ("Alvin" "Yeung", "Claudia" "Mo")."""
    text = _text(doc)
    ordered = sorted(mentions, key=lambda m: m.start)
    joined: list[Mention] = []
    for mention in ordered:
        previous = joined[-1] if joined else None
        gap = text[previous.end : mention.start] if previous else None
        if previous is not None and gap == " " and previous.label == mention.label == "PERSON":
            joined[-1] = replace(previous, end=mention.end)
            continue
        joined.append(_with_given_name_before(doc, mention, gaz, rule) if mention.label == "PERSON" else mention)
    return joined


def _with_given_name_before(doc: Doc, mention: Mention, gaz: Gazetteer, rule: Rules) -> Mention:
    span = doc.char_span(mention.start, mention.end)
    if span is None or len(span) != 1 or span.start == 0:
        return mention
    before = doc[span.start - 1]
    is_name = before.text in gaz.given_names or not is_common_word(before.text, RARE_NAME_ZIPF)
    known_word = before.text in rule.not_names or before.text in rule.person_titles or bool(gaz.lookup(before.text))
    if _glued_by_space(before, span[0]) and _is_capitalized(before) and is_name and not known_word:
        return replace(mention, start=before.idx)
    return mention


def _label_defined_acronyms(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """An acronym in brackets after a name is that name's ("Kennedy Space Center (KSC)"), and so
    is every later use of it in the same text."""
    text = _text(doc)
    defined: dict[str, str] = {}
    ordered = sorted(mentions, key=lambda m: m.start)
    for previous, mention in pairwise(ordered):
        between = text[previous.end : mention.start]
        if mention.method == "rule:acronym" and between.strip() == "(":
            defined[text[mention.start : mention.end]] = previous.label
    return [
        replace(m, label=defined[text[m.start : m.end]], method="rule:defined_acronym")
        if m.method == "rule:acronym" and text[m.start : m.end] in defined
        else m
        for m in mentions
    ]


def _names_a_vehicle(doc: Doc, mention: Mention, rule: Rules) -> bool:
    """A place name right after a vehicle word names the vehicle ("Space Shuttle Columbia")."""
    if mention.label not in ("GPE", "LOC"):
        return False
    span = doc.char_span(mention.start, mention.end)
    return span is not None and span.start > 0 and doc[span.start - 1].text in rule.vehicle_words


def _is_town(mention: Mention) -> bool:
    entry = mention.entry
    return entry is not None and entry.kind == "city"


def _merge_model(mentions: list[Mention], model_doc: Doc, model_name: str) -> list[Mention]:
    """Add a trained model's entities where the rules found nothing, and let them replace the
    rules' weakest guesses (uncued name shapes and acronyms) that they overlap."""
    strong = [m for m in mentions if m.confidence >= 0.8]
    weak = [m for m in mentions if m.confidence < 0.8]
    merged = list(strong)
    strong_spans = _Spans(strong)
    for ent in model_doc.ents:
        if ent.label_ not in MODEL_LABELS or strong_spans.overlap(ent.start_char, ent.end_char):
            continue
        merged.append(Mention(ent.start_char, ent.end_char, ent.label_, f"model:{model_name}", 0.7))
    merged_spans = _Spans(merged)
    merged += [m for m in weak if not merged_spans.overlap(m.start, m.end)]
    return merged


@cache
def load_model(name_or_path: str) -> Language:
    """A trained spaCy pipeline installed by the user (a package name or a folder), NER only."""
    nlp = spacy.load(name_or_path)
    for pipe in nlp.pipe_names:
        if pipe not in ("tok2vec", "transformer", "ner"):
            nlp.disable_pipe(pipe)
    return nlp


# ------------------------------------------------------------------------------------------ dates


@cache
def _date_patterns() -> list[list[dict[str, object]]]:
    """The DATE Matcher patterns of the lexicon, with "@name" word lists filled in."""
    with resources.files("pipelines.lexicons").joinpath("entities.toml").open("rb") as handle:
        dates = tomllib.load(handle)["dates"]
    words = dates["words"]

    def expand(value: object) -> object:
        if isinstance(value, str) and value.startswith("@"):
            return words[value[1:]]
        if isinstance(value, dict):
            return {key: expand(item) for key, item in value.items()}
        if isinstance(value, list):
            return [expand(item) for item in value]
        return value

    return [expand(pattern) for pattern in dates["patterns"]]


# How spaCy's Matcher reads each word attribute a date pattern tests, from the word's lexeme.
_DATE_WORD_ATTRIBUTES: dict[str, Callable[[Lexeme], object]] = {
    "TEXT": lambda lexeme: lexeme.orth_,
    "LOWER": lambda lexeme: lexeme.lower_,
    "LIKE_NUM": lambda lexeme: lexeme.like_num,
}
# Token keys a date pattern may hold that test no word.
_CONTEXT = frozenset({"OP", "IS_SENT_START"})
# A word's attributes by name, as the date patterns test them.
WordAttributes = dict[str, object]


class _TokenRange(NamedTuple):
    """A match's token range, as `spacy.util.filter_spans` reads a Span."""

    start: int
    end: int


@dataclass(frozen=True)
class _DateToken:
    """One token of a date pattern: the bit its words carry, whether it may be left out, and
    whether it must not start a sentence (IS_SENT_START false)."""

    bit: int
    optional: bool
    mid_sentence: bool


class _DateFinder:
    """Every match of every date pattern, as spaCy's Matcher finds them (each optional token taken
    or left out), from one bit mask per distinct word: the Matcher calls a Python predicate per
    token, pattern token and IN or REGEX test, which cost more than the rest of recognition."""

    def __init__(self, patterns: list[list[dict[str, object]]]) -> None:
        self.tests: list[list[Callable[[WordAttributes], bool]]] = []
        self.patterns = [[self._token(token) for token in pattern] for pattern in patterns]
        # Per pattern: the bits of its required tokens, and those a match's first token may carry.
        self.required = [_required_bits(pattern) for pattern in self.patterns]
        self.first = [_first_bits(pattern) for pattern in self.patterns]
        self.any_first = reduce(or_, self.first, 0)
        self.masks: dict[str, int] = {}
        self.starting: dict[int, list[list[_DateToken]]] = {}

    def _token(self, token: dict[str, object]) -> _DateToken:
        if token.get("IS_SENT_START", False) or token.get("OP", "1") not in ("1", "?"):
            raise ValueError(f"the date finder cannot match {token}")
        self.tests.append([_word_test(key, value) for key, value in token.items() if key not in _CONTEXT])
        return _DateToken(1 << (len(self.tests) - 1), token.get("OP") == "?", "IS_SENT_START" in token)

    def may_match(self, doc: Doc) -> bool:
        """Some pattern finds in the doc a word for each token it requires."""
        words = set(_memo(doc).words)
        for word in words.difference(self.masks):
            self.masks[word] = self._mask(doc.vocab[word])
        found = reduce(or_, map(self.masks.__getitem__, words), 0)
        return any(required & found == required for required in self.required)

    def _mask(self, lexeme: Lexeme) -> int:
        """The bits of the pattern tokens the word passes, worked out once per word."""
        word = {key: read(lexeme) for key, read in _DATE_WORD_ATTRIBUTES.items()}
        return sum(1 << bit for bit, tests in enumerate(self.tests) if all(test(word) for test in tests))

    def matches(self, doc: Doc) -> list[_TokenRange]:
        """The token ranges of every match (the doc's words must have masks: `may_match` first)."""
        memo = _memo(doc)
        masks = list(map(self.masks.__getitem__, memo.words))
        starts = set(memo.sentence_starts)
        found = []
        for i in [i for i, mask in enumerate(masks) if mask & self.any_first]:
            for pattern in self._patterns_starting(masks[i]):
                found += [_TokenRange(i, end) for end in _match_ends(pattern, masks, starts, i) if end > i]
        return found

    def _patterns_starting(self, mask: int) -> list[list[_DateToken]]:
        """The patterns a match may start with a word of this mask, found once per mask."""
        patterns = self.starting.get(mask)
        if patterns is None:
            patterns = self.starting[mask] = [
                p for p, first in zip(self.patterns, self.first, strict=True) if mask & first
            ]
        return patterns


def _word_test(attribute: str, value: object) -> Callable[[WordAttributes], bool]:
    """A pattern's test of one attribute as the Matcher makes it: equal, IN a list, or a REGEX search."""
    if isinstance(value, dict) and set(value) == {"IN"}:
        members = frozenset(value["IN"])
        return lambda word: word[attribute] in members
    if isinstance(value, dict) and set(value) == {"REGEX"}:
        regex = re.compile(value["REGEX"])
        return lambda word: regex.search(word[attribute]) is not None
    if isinstance(value, dict):
        raise ValueError(f"the date finder cannot test {value}")
    return lambda word: word[attribute] == value


def _required_bits(pattern: list[_DateToken]) -> int:
    return sum(token.bit for token in pattern if not token.optional)


def _first_bits(pattern: list[_DateToken]) -> int:
    """The bits of the tokens up to and including the first required one."""
    bits = 0
    for token in pattern:
        bits |= token.bit
        if not token.optional:
            break
    return bits


def _match_ends(pattern: list[_DateToken], masks: list[int], sentence_starts: set[int], start: int) -> set[int]:
    """Where the pattern's matches from token `start` end, each optional token taken or left out."""
    ends = {start}
    for token in pattern:
        taken = {
            i + 1
            for i in ends
            if i < len(masks) and masks[i] & token.bit and not (token.mid_sentence and i in sentence_starts)
        }
        ends = taken | ends if token.optional else taken
        if not ends:
            break
    return ends


@cache
def _date_finder() -> _DateFinder:
    return _DateFinder(_date_patterns())


def _may_hold_dates(doc: Doc) -> bool:
    """Whether some date pattern finds every token it requires in the doc: most paragraphs name no
    date, and this costs a look-up per distinct word where matching tries patterns at tokens."""
    return _date_finder().may_match(doc)


def _dates(doc: Doc) -> list[Mention]:
    """DATE mentions: explicit dates, months, years, weekdays and relative expressions."""
    if not _may_hold_dates(doc):
        return []
    memo = _memo(doc)
    spans = spacy.util.filter_spans(_date_finder().matches(doc))
    return [Mention(memo.char_starts[start], memo.char_end(end), "DATE", "rule:date", 0.9) for start, end in spans]
